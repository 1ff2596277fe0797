package dev.cargoreg.core.owners;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.FakeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerServiceTest {
    private FakeRegistry r;
    private OwnerService owners;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice", "bob", "carol");
        owners = new OwnerService(r.store, r.clock);
        r.publish("alice", "foo", "1.0.0");
    }

    private static OwnerLogins users(String... logins) {
        return OwnerLogins.of(logins);
    }

    private Set<String> ownersOf(String name) {
        return r.store.findCrate(name).orElseThrow().owners();
    }

    private void assertNothingChanged(Runnable refusal) {
        var before = r.store.snapshot();
        refusal.run();
        assertEquals(before, r.store.snapshot());
    }

    private RegistryException refusedAdd(Principal p, String name, OwnerLogins body) {
        return assertThrows(RegistryException.class, () -> owners.add(p, name, body));
    }

    private RegistryException refusedRemove(Principal p, String name, OwnerLogins body) {
        return assertThrows(RegistryException.class, () -> owners.remove(p, name, body));
    }

    // ---- list ----------------------------------------------------------------------------------------------------------

    @Test
    void list_shows_the_owners_sorted_with_their_ids_and_names() {
        r.store.addOwner("foo", "carol");

        List<OwnerService.Owner> list = owners.list(Principal.anonymous(null, false), "foo");

        assertEquals(List.of("alice", "carol"), list.stream().map(OwnerService.Owner::login).toList());
        assertEquals(r.store.findUser("alice").orElseThrow().id(), list.get(0).id());
        assertEquals("Alice", list.get(0).name());
        assertEquals("user", list.get(0).kind());
        assertTrue(list.get(0).id() > 0 && list.get(0).id() <= 0xFFFF_FFFFL, "cargo reads ids as u32");
    }

    @Test
    void list_of_an_owner_without_a_user_record_still_shows_the_login() {
        r.store.addOwner("foo", "ghost");

        OwnerService.Owner ghost = owners.list(Principal.anonymous(null, false), "foo").get(1);

        assertEquals("ghost", ghost.login());
        assertEquals("ghost", ghost.name());
    }

    @Test
    void list_on_a_private_registry_needs_a_token() {
        RegistryException e = assertThrows(RegistryException.class, () -> owners.list(Principal.anonymous(null, true), "foo"));

        assertEquals(401, e.status());
        assertEquals(1, owners.list(new Principal("bob", 1, false, EnumSet.of(Scope.YANK), null, null, true), "foo").size());
    }

    @Test
    void list_of_an_unknown_crate_is_404() {
        assertEquals(404, assertThrows(RegistryException.class,
                () -> owners.list(Principal.anonymous(null, false), "nope")).status());
    }

    // ---- add -------------------------------------------------------------------------------------------------------------

    @Test
    void an_owner_adds_an_owner_who_can_then_publish() {
        String message = owners.add(r.as("alice"), "foo", users("bob"));

        assertEquals(Set.of("alice", "bob"), ownersOf("foo"));
        assertEquals("user bob has been added as an owner of crate foo", message);
        r.publish("bob", "foo", "1.1.0");
        assertEquals(List.of("1.0.0", "1.1.0"), r.indexVersions("foo"));
    }

    @Test
    void several_owners_are_added_at_once() {
        String message = owners.add(r.as("alice"), "foo", users("bob", "carol"));

        assertEquals(Set.of("alice", "bob", "carol"), ownersOf("foo"));
        assertEquals("users bob, carol have been added as owners of crate foo", message);
    }

    @Test
    void adding_an_unknown_user_is_400_and_adds_nobody() {
        assertNothingChanged(() -> {
            RegistryException e = refusedAdd(r.as("alice"), "foo", users("bob", "nobody"));
            assertEquals(400, e.status());
            assertTrue(e.detail().contains("`nobody`"), e.detail());
        });
    }

    @Test
    void adding_an_existing_owner_is_400() {
        assertNothingChanged(() -> assertEquals(400, refusedAdd(r.as("alice"), "foo", users("alice")).status()));
    }

    @Test
    void a_non_owner_cannot_add_owners() {
        assertNothingChanged(() -> {
            RegistryException e = refusedAdd(r.as("bob"), "foo", users("bob"));
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("only owners"), e.detail());
        });
    }

    @Test
    void a_token_without_change_owners_cannot_add_owners() {
        Principal p = r.as("alice", EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK), null);

        assertNothingChanged(() -> {
            RegistryException e = refusedAdd(p, "foo", users("bob"));
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("`change-owners` scope"), e.detail());
        });
    }

    @Test
    void a_token_scoped_to_other_crates_cannot_add_owners() {
        assertNothingChanged(() -> assertEquals(403,
                refusedAdd(r.as("alice", null, List.of("bar")), "foo", users("bob")).status()));
    }

    @Test
    void a_token_scoped_to_the_crate_with_change_owners_may_add() {
        owners.add(r.as("alice", EnumSet.of(Scope.CHANGE_OWNERS), List.of("FOO")), "foo", users("bob"));

        assertEquals(Set.of("alice", "bob"), ownersOf("foo"));
    }

    @Test
    void anonymous_callers_cannot_add_owners() {
        assertNothingChanged(() -> assertEquals(403,
                refusedAdd(Principal.anonymous(null, false), "foo", users("bob")).status()));
    }

    @Test
    void adding_to_an_unknown_crate_is_404() {
        assertEquals(404, refusedAdd(r.as("alice"), "nope", users("bob")).status());
    }

    @Test
    void a_concurrent_owner_change_is_retried_and_both_survive() {
        r.store.beforeNextChange(() -> r.store.addOwner("foo", "carol"));

        owners.add(r.as("alice"), "foo", users("bob"));

        assertEquals(Set.of("alice", "bob", "carol"), ownersOf("foo"));
    }

    // ---- remove ----------------------------------------------------------------------------------------------------------

    @Test
    void an_owner_removes_an_owner_who_then_cannot_publish() {
        owners.add(r.as("alice"), "foo", users("bob"));

        assertEquals("owners successfully removed", owners.remove(r.as("alice"), "foo", users("bob")));

        assertEquals(Set.of("alice"), ownersOf("foo"));
        assertEquals(403, assertThrows(RegistryException.class, () -> r.publish("bob", "foo", "1.1.0")).status());
    }

    @Test
    void an_owner_may_remove_themselves_when_another_owner_remains() {
        owners.add(r.as("alice"), "foo", users("bob"));

        owners.remove(r.as("alice"), "foo", users("alice"));

        assertEquals(Set.of("bob"), ownersOf("foo"));
    }

    @Test
    void the_last_owner_cannot_be_removed() {
        assertNothingChanged(() -> {
            RegistryException e = refusedRemove(r.as("alice"), "foo", users("alice"));
            assertEquals(400, e.status());
            assertTrue(e.detail().contains("cannot remove all owners"), e.detail());
        });
        assertEquals(Set.of("alice"), ownersOf("foo"));
    }

    @Test
    void removing_every_owner_at_once_is_refused() {
        owners.add(r.as("alice"), "foo", users("bob"));

        assertNothingChanged(() -> assertEquals(400, refusedRemove(r.as("alice"), "foo", users("alice", "bob")).status()));
    }

    @Test
    void removing_someone_who_is_not_an_owner_is_400() {
        assertNothingChanged(() -> {
            RegistryException e = refusedRemove(r.as("alice"), "foo", users("bob"));
            assertEquals(400, e.status());
            assertTrue(e.detail().contains("`bob` is not an owner"), e.detail());
        });
    }

    @Test
    void a_non_owner_cannot_remove_owners() {
        assertNothingChanged(() -> assertEquals(403, refusedRemove(r.as("bob"), "foo", users("alice")).status()));
    }

    @Test
    void a_token_without_change_owners_cannot_remove_owners() {
        owners.add(r.as("alice"), "foo", users("bob"));

        assertNothingChanged(() -> assertEquals(403,
                refusedRemove(r.as("alice", EnumSet.of(Scope.YANK), null), "foo", users("bob")).status()));
    }

    @Test
    void removing_from_an_unknown_crate_is_404() {
        assertEquals(404, refusedRemove(r.as("alice"), "nope", users("bob")).status());
    }

    @Test
    void the_last_owner_rule_holds_against_a_concurrent_removal() {
        // alice and bob each remove the other at the same time: one of them must stay
        owners.add(r.as("alice"), "foo", users("bob"));
        r.store.beforeNextChange(() -> owners.remove(r.as("bob"), "foo", users("alice")));

        RegistryException e = refusedRemove(r.as("alice"), "foo", users("bob"));

        assertEquals(403, e.status(), "alice is no longer an owner when her request retries");
        assertEquals(Set.of("bob"), ownersOf("foo"));
    }
}
