package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserAdminServiceTest {
    private FakeRegistry r;
    private UserAdminService admin;
    private Principal root;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice").admin("root");
        admin = r.services.users();
        root = r.as("root");
    }

    private RegistryException refused(Principal p, NewUser request) {
        return assertThrows(RegistryException.class, () -> admin.createUser(p, request));
    }

    private void assertNothingChanged(Runnable refusal) {
        var before = r.store.snapshot();
        refusal.run();
        assertEquals(before, r.store.snapshot());
    }

    @Test
    void an_admin_creates_a_user_with_a_first_token_shown_once() {
        CreatedUser out = admin.createUser(root, new NewUser("bob", "Bob B.", false));

        CreatedUser.User user = out.user();
        UserRecord stored = r.store.findUser("bob").orElseThrow();
        assertEquals(stored.id(), user.id());
        assertEquals("bob", user.login());
        assertEquals("Bob B.", stored.name());
        assertEquals(false, user.admin());
        assertFalse(stored.admin());
        assertEquals(r.clock.instant(), stored.createdAt());

        String secret = out.apiToken().token();
        assertTrue(secret.startsWith(Tokens.PREFIX), secret);
        TokenRecord token = r.store.findToken(Tokens.sha256Hex(secret)).orElseThrow();
        assertEquals("bob", token.login());
        assertNull(token.endpointScopes(), "the first token has the user's full rights");
        assertNull(token.expiresAt());
        assertFalse(r.store.snapshot().toString().contains(secret), "only the hash is stored");
        assertEquals(List.of(token), r.store.listTokens("bob"), "listed, so the user can see and revoke it");
    }

    @Test
    void the_first_token_authenticates_the_new_user() {
        CreatedUser out = admin.createUser(root, new NewUser("bob", null, false));

        Principal bob = new Authenticator(r.store, r.clock).resolve(out.apiToken().token(), false);

        assertEquals("bob", bob.login());
        assertFalse(bob.admin());
    }

    @Test
    void the_name_defaults_to_the_login() {
        admin.createUser(root, new NewUser("bob", null, false));

        assertEquals("bob", r.store.findUser("bob").orElseThrow().name());
    }

    @Test
    void an_admin_can_create_another_admin() {
        CreatedUser out = admin.createUser(root, new NewUser("ops", null, true));

        assertTrue(r.store.findUser("ops").orElseThrow().admin());
        Principal ops = new Authenticator(r.store, r.clock).resolve(out.apiToken().token(), false);
        assertEquals("ops", ops.requireAdmin());
    }

    @Test
    void users_get_distinct_ids() {
        admin.createUser(root, new NewUser("bob", null, false));
        admin.createUser(root, new NewUser("carol", null, false));

        assertTrue(r.store.findUser("bob").orElseThrow().id() != r.store.findUser("carol").orElseThrow().id());
    }

    @Test
    void a_user_who_is_not_an_admin_gets_403_and_nothing_is_created() {
        assertNothingChanged(() -> {
            RegistryException e = refused(r.as("alice"), new NewUser("bob", null, false));
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("administrators"), e.detail());
        });
    }

    @Test
    void an_admin_whose_token_lacks_the_admin_scope_gets_403() {
        Principal scoped = r.as("root", EnumSet.of(Scope.PUBLISH_NEW), null);

        assertNothingChanged(() -> assertEquals(403, refused(scoped, new NewUser("bob", null, false)).status()));
    }

    @Test
    void anonymous_callers_get_403() {
        assertNothingChanged(() -> assertEquals(403, refused(Principal.anonymous(null, false), new NewUser("bob", null, false)).status()));
    }

    @Test
    void an_existing_login_is_409_and_its_tokens_are_untouched() {
        assertNothingChanged(() -> {
            RegistryException e = refused(root, new NewUser("alice", null, false));
            assertEquals(409, e.status());
            assertTrue(e.detail().contains("`alice`"), e.detail());
        });
    }

    @Test
    void a_login_that_differs_only_in_case_from_an_existing_one_is_409() {
        assertNothingChanged(() -> {
            RegistryException e = refused(root, new NewUser("ALICE", null, false));
            assertEquals(409, e.status());
            assertTrue(e.detail().contains("only in case"), e.detail());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"b", "Bob-2", "bob_smith", "a23456789012345678901234567890123456789"})
    void valid_logins_are_accepted(String login) {
        admin.createUser(root, new NewUser(login, null, false));

        assertTrue(r.store.findUser(login).isPresent());
    }
}
