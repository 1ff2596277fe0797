package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest {

    private static String basic(String userAndToken) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndToken.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void raw_token_as_cargo_sends_it() {
        assertEquals("cargoreg_abc123", Authenticator.extractToken("cargoreg_abc123"));
    }

    @Test
    void surrounding_whitespace_is_trimmed() {
        assertEquals("tok", Authenticator.extractToken("  tok \t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer tok", "bearer tok", "BEARER tok", "Bearer   tok  "})
    void bearer_scheme_is_accepted(String header) {
        assertEquals("tok", Authenticator.extractToken(header));
    }

    @Test
    void basic_scheme_takes_the_password_part() {
        assertEquals("tok", Authenticator.extractToken(basic("user:tok")));
        assertEquals("tok:with:colons", Authenticator.extractToken(basic("user:tok:with:colons")));
        assertEquals("tok", Authenticator.extractToken("basic " + Base64.getEncoder().encodeToString("u:tok".getBytes())));
    }

    @Test
    void basic_without_colon_is_the_token_itself() {
        assertEquals("tok", Authenticator.extractToken(basic("tok")));
    }

    @Test
    void basic_with_empty_password_is_no_token() {
        assertNull(Authenticator.extractToken(basic("user:")));
    }

    @Test
    void basic_with_invalid_base64_is_no_token() {
        assertNull(Authenticator.extractToken("Basic !!!not-base64!!!"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t", "   \t  "})
    void empty_or_blank_is_no_token(String header) {
        assertNull(Authenticator.extractToken(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer    ", "bearer\t", "Basic", "Basic "})
    void scheme_without_credentials_is_no_token(String header) {
        // otherwise the scheme word itself is looked up as a token and the user is told "authentication failed"
        // instead of "this action requires authentication"
        assertNull(Authenticator.extractToken(header));
    }

    @Test
    void absurdly_long_token_is_no_token() {
        assertNull(Authenticator.extractToken("x".repeat(513)));
        assertEquals("x".repeat(512), Authenticator.extractToken("x".repeat(512)));
    }

    @Test
    void known_token_authenticates_its_owner() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        String secret = store.addUserWithToken("alice", "cargoreg_secret");

        Authenticator auth = new Authenticator(store);

        assertEquals("alice", auth.resolve(secret, false).requireLogin());
        assertEquals("alice", auth.resolve("Bearer " + secret, false).requireLogin());
        assertEquals("alice", auth.resolve(basic("alice:" + secret), false).requireLogin());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void missing_token_is_403_requires_authentication(String header) {
        Principal p = new Authenticator(new InMemoryMetadataStore()).resolve(header, false);

        assertFalse(p.authenticated());
        RegistryException e = assertThrows(RegistryException.class, p::requireLogin);
        assertEquals(403, e.status());
        assertTrue(e.detail().startsWith("this action requires authentication"), e.detail());
    }

    @Test
    void unknown_token_is_403_authentication_failed() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        store.addUserWithToken("alice", "cargoreg_secret");

        Principal p = new Authenticator(store).resolve("cargoreg_other", false);

        assertFalse(p.authenticated());
        RegistryException e = assertThrows(RegistryException.class, p::requireLogin);
        assertEquals(403, e.status());
        assertTrue(e.detail().startsWith("authentication failed"), e.detail());
    }

    @Test
    void tokens_are_looked_up_by_hash_only() {
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Tokens.sha256Hex("hello"));
    }

    @Test
    void generated_tokens_have_the_prefix_and_enough_randomness() {
        SecureRandom r = new SecureRandom();
        String a = Tokens.generate(r);
        String b = Tokens.generate(r);

        assertTrue(a.startsWith(Tokens.PREFIX));
        assertEquals(Tokens.PREFIX.length() + 43, a.length());
        assertTrue(a.substring(Tokens.PREFIX.length()).matches("[A-Za-z0-9]{43}"), a);
        assertNotEquals(a, b);
        assertEquals(a, Authenticator.extractToken(a), "a generated token passes through extraction unchanged");
    }
}
