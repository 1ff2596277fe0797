package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Authenticator#resolve}: a header to a principal, never an exception for a bad token. */
class AuthenticatorResolveTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    private MutableClock clock;
    private InMemoryMetadataStore store;
    private Authenticator auth;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        store = new InMemoryMetadataStore();
        auth = new Authenticator(store, clock);
        Unaudited.of(store).createUser("alice", "Alice", false, START);
        Unaudited.of(store).createUser("root", "Root", true, START);
    }

    private String token(String login, String secret, Instant expires) {
        return store.addToken(login, secret, null, null, expires);
    }

    private static void assertAnonymousBecause(Principal p, String reasonStart) {
        assertFalse(p.authenticated());
        assertNull(p.login());
        assertTrue(p.authError().startsWith(reasonStart), p.authError());
        RegistryException e = assertThrows(RegistryException.class, p::requireLogin);
        assertEquals(403, e.status());
        assertEquals(p.authError(), e.detail());
    }

    @Test
    void a_valid_token_resolves_to_its_user_with_the_tokens_scopes() {
        String secret = store.addToken("alice", "cargoreg_scoped", EnumSet.of(Scope.YANK), List.of("foo*"), null);
        long id = store.findToken(Tokens.sha256Hex(secret)).orElseThrow().id();

        Principal p = auth.resolve("Bearer " + secret, false);

        assertTrue(p.authenticated());
        assertEquals("alice", p.login());
        assertEquals(id, p.tokenId());
        assertFalse(p.admin());
        assertEquals(EnumSet.of(Scope.YANK), p.endpointScopes());
        assertEquals(List.of("foo*"), p.crateScopes());
        assertNull(p.authError());
    }

    @Test
    void the_admin_flag_comes_from_the_user() {
        assertTrue(auth.resolve(token("root", "cargoreg_root", null), false).admin());
        assertFalse(auth.resolve(token("alice", "cargoreg_alice", null), false).admin());
    }

    @Test
    void read_required_is_carried_through() {
        String secret = token("alice", "cargoreg_alice", null);

        assertTrue(auth.resolve(secret, true).readRequired());
        assertFalse(auth.resolve(secret, false).readRequired());
        assertTrue(auth.resolve(null, true).readRequired());
        assertTrue(auth.resolve("cargoreg_unknown", true).readRequired());
    }

    @Test
    void no_header_is_anonymous_with_the_no_token_reason() {
        Principal p = auth.resolve(null, false);

        assertFalse(p.authenticated());
        assertEquals(Principal.NO_TOKEN, p.authError());
    }

    @Test
    void a_bare_scheme_is_no_token_rather_than_a_failed_lookup() {
        assertEquals(Principal.NO_TOKEN, auth.resolve("Bearer", false).authError());
    }

    @Test
    void an_unknown_token_is_anonymous_authentication_failed() {
        token("alice", "cargoreg_alice", null);

        assertAnonymousBecause(auth.resolve("cargoreg_other", false), "authentication failed: the token is not valid");
    }

    @Test
    void a_revoked_token_is_anonymous_with_the_reason() {
        String secret = token("alice", "cargoreg_alice", null);
        long id = store.findToken(Tokens.sha256Hex(secret)).orElseThrow().id();
        assertTrue(Unaudited.of(store).revokeToken("alice", id, START));

        assertAnonymousBecause(auth.resolve(secret, false), "authentication failed: the token was revoked");
    }

    @Test
    void an_expired_token_is_anonymous_with_the_expiry_time() {
        Instant expires = START.plus(Duration.ofDays(1));
        String secret = token("alice", "cargoreg_alice", expires);
        assertTrue(auth.resolve(secret, false).authenticated(), "valid before its expiry");

        clock.advance(Duration.ofDays(1));

        Principal p = auth.resolve(secret, false);
        assertAnonymousBecause(p, "authentication failed: the token expired");
        assertTrue(p.authError().contains(expires.toString()), p.authError());
    }

    @Test
    void a_token_is_valid_until_just_before_its_expiry() {
        String secret = token("alice", "cargoreg_alice", START.plusSeconds(60));

        clock.advance(Duration.ofSeconds(59));

        assertTrue(auth.resolve(secret, false).authenticated());
    }

    @Test
    void a_token_whose_user_was_deleted_is_anonymous() {
        String secret = token("alice", "cargoreg_alice", null);
        store.forgetUser("alice");

        assertAnonymousBecause(auth.resolve(secret, false), "authentication failed: the token's user no longer exists");
    }

    @Test
    void a_refused_token_on_a_private_registry_reads_as_401_with_its_reason() {
        String secret = token("alice", "cargoreg_alice", null);
        Unaudited.of(store).revokeToken("alice", store.findToken(Tokens.sha256Hex(secret)).orElseThrow().id(), START);

        RegistryException e = assertThrows(RegistryException.class, () -> auth.resolve(secret, true).requireRead());

        assertEquals(401, e.status());
        assertTrue(e.detail().contains("revoked"), e.detail());
    }

    @Test
    void refused_tokens_are_not_marked_used() {
        String secret = token("alice", "cargoreg_alice", START.plusSeconds(1));
        clock.advance(Duration.ofSeconds(2));

        auth.resolve(secret, false);
        auth.resolve("cargoreg_unknown", false);

        assertEquals(0, store.touches());
        assertNull(store.findToken(Tokens.sha256Hex(secret)).orElseThrow().lastUsedAt());
    }

    @Test
    void last_use_is_written_on_first_use_then_at_most_hourly() {
        String secret = token("alice", "cargoreg_alice", null);
        String hash = Tokens.sha256Hex(secret);

        auth.resolve(secret, false);
        assertEquals(1, store.touches());
        assertEquals(START, store.findToken(hash).orElseThrow().lastUsedAt());

        clock.advance(Duration.ofMinutes(30));
        auth.resolve(secret, false);
        clock.advance(Duration.ofMinutes(30));
        auth.resolve(secret, false);
        assertEquals(1, store.touches(), "not again within the hour");
        assertEquals(START, store.findToken(hash).orElseThrow().lastUsedAt());

        clock.advance(Duration.ofSeconds(1));
        auth.resolve(secret, false);
        assertEquals(2, store.touches(), "again once more than an hour passed");
        assertEquals(START.plus(Duration.ofHours(1)).plusSeconds(1), store.findToken(hash).orElseThrow().lastUsedAt());

        auth.resolve(secret, false);
        assertEquals(2, store.touches());
    }

    @Test
    void a_failure_to_record_last_use_does_not_refuse_the_request() {
        String secret = token("alice", "cargoreg_alice", null);
        store.failTouches(true);

        Principal p = assertDoesNotThrow(() -> auth.resolve(secret, false));

        assertEquals("alice", p.login());
        assertEquals(1, store.touches(), "it tried");
    }

    @Test
    void an_unrestricted_bootstrap_token_has_full_rights() {
        store.putToken(TokenRecord.unrestricted(Tokens.sha256Hex("cargoreg_boot"), "root", "bootstrap", START));

        Principal p = auth.resolve("cargoreg_boot", false);

        assertEquals("root", p.requireAdmin());
        assertEquals(0, p.tokenId());
        assertNull(p.endpointScopes());
        assertNull(p.crateScopes());
    }
}
