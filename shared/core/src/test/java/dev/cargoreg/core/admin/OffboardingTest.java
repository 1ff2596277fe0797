package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.owners.OwnerLogins;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An administrator offboards people: disable, revoke, take over crates, delete. */
class OffboardingTest {
    private FakeRegistry r;
    private UserAdminService admin;
    private Principal root;
    private Authenticator auth;
    private String aliceToken;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice", "bob").admin("root");
        admin = r.services.users();
        root = r.as("root");
        auth = r.services.authenticator();
        aliceToken = r.services.tokenMint().mint("alice", "laptop", null, null, null).secret();
        r.services.tokenMint().mint("alice", "ci", EnumSet.of(Scope.PUBLISH_UPDATE), null, null);
        r.publish("alice", "alpha", "1.0.0");
    }

    private int status(Runnable action) {
        return assertThrows(RegistryException.class, action::run).status();
    }

    @Test
    void a_disabled_users_tokens_are_refused_until_enabled() {
        assertEquals("alice", auth.resolve(aliceToken, false).login());
        assertTrue(admin.setDisabled(root, "alice", true).disabled());
        Principal refused = auth.resolve(aliceToken, false);
        assertFalse(refused.authenticated());
        assertTrue(refused.authError().contains("disabled"), refused.authError());
        assertTrue(admin.show(root, "alice").user().disabled());
        assertFalse(admin.setDisabled(root, "alice", false).disabled());
        assertEquals("alice", auth.resolve(aliceToken, false).login());
    }

    @Test
    void only_administrators_list_show_disable_revoke_and_delete() {
        Principal alice = r.as("alice");
        assertEquals(403, status(() -> admin.list(alice)));
        assertEquals(403, status(() -> admin.show(alice, "bob")));
        assertEquals(403, status(() -> admin.setDisabled(alice, "bob", true)));
        assertEquals(403, status(() -> admin.revokeTokens(alice, "bob")));
        assertEquals(403, status(() -> admin.delete(alice, "bob")));
        Principal scopedRoot = r.as("root", null, List.of("alpha"));
        assertEquals(403, status(() -> admin.setDisabled(scopedRoot, "bob", true)));
        assertFalse(r.store.findUser("bob").orElseThrow().disabled());
        assertEquals(404, status(() -> admin.show(root, "nobody")));
        assertEquals(400, status(() -> admin.setDisabled(root, "root", true)));
    }

    @Test
    void users_are_listed_and_shown_with_their_tokens_and_crates() {
        assertEquals(List.of("alice", "bob", "root"), admin.list(root).users().stream().map(AdminUser::login).toList());
        UserDetails alice = admin.show(root, "alice");
        assertEquals(Set.of("laptop", "ci"), Set.copyOf(alice.apiTokens().stream().map(t -> t.name()).toList()));
        assertEquals(List.of("alpha"), alice.crates());
    }

    @Test
    void an_administrator_revokes_any_token_or_all_of_a_users_tokens() {
        long laptop = admin.show(root, "alice").apiTokens().stream().filter(t -> t.name().equals("laptop")).findFirst().orElseThrow().id();
        admin.revokeToken(root, "alice", Long.toString(laptop));
        assertFalse(auth.resolve(aliceToken, false).authenticated());
        assertEquals(404, status(() -> admin.revokeToken(root, "bob", Long.toString(laptop))));
        assertEquals(404, status(() -> admin.revokeToken(root, "alice", "x")));
        assertEquals(1, admin.revokeTokens(root, "alice"));
        assertEquals(List.of(), admin.show(root, "alice").apiTokens());
        assertEquals(0, admin.revokeTokens(root, "alice"));
    }

    @Test
    void an_administrator_takes_over_a_crate_then_deletes_the_user_who_owned_it() {
        assertEquals(409, status(() -> admin.delete(root, "alice")));
        assertTrue(r.store.findUser("alice").isPresent());
        // a non-owner cannot, an administrator can: add bob, remove alice, yank and unyank
        assertEquals(403, status(() -> r.services.owners().add(r.as("bob"), "alpha", OwnerLogins.of("bob"))));
        r.services.owners().add(root, "alpha", OwnerLogins.of("bob"));
        r.services.owners().remove(root, "alpha", OwnerLogins.of("alice"));
        r.services.yank().setYanked(root, "alpha", "1.0.0", true);
        assertEquals(List.of("1.0.0!"), r.indexVersions("alpha"));
        r.services.yank().setYanked(root, "alpha", "1.0.0", false);
        assertEquals(List.of("1.0.0"), r.indexVersions("alpha"));
        assertEquals(Set.of("bob"), r.store.findCrate("alpha").orElseThrow().owners());
        // an admin token limited to crates does not administer
        assertEquals(403, status(() -> r.services.yank().setYanked(r.as("root", null, List.of("alpha")), "alpha", "1.0.0", true)));

        admin.delete(root, "alice");
        assertTrue(r.store.findUser("alice").isEmpty());
        assertFalse(auth.resolve(aliceToken, false).authenticated());
        assertEquals(List.of(), r.store.listTokens("alice"));
        assertEquals(404, status(() -> admin.delete(root, "alice")));
    }
}
