package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.FakeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemovalServiceTest {
    private FakeRegistry r;
    private RemovalService removal;
    private Principal root;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice").admin("root");
        removal = new RemovalService(r.store, r.blobs, r.index, r.clock);
        root = r.as("root");
        r.publish("alice", "foo", "1.0.0");
        r.publish("alice", "foo", "1.1.0");
        r.publish("alice", "foo", "2.0.0");
        r.publish("alice", "bar", "0.1.0");
    }

    private void assertNothingChanged(Runnable refusal) {
        var before = r.store.snapshot();
        var blobs = r.blobs.snapshot();
        refusal.run();
        assertEquals(before, r.store.snapshot());
        assertEquals(blobs, r.blobs.snapshot());
    }

    private RegistryException refused(Runnable call) {
        return assertThrows(RegistryException.class, call::run);
    }

    // ---- who may ----------------------------------------------------------------------------------------------------

    @Test
    void an_owner_who_is_not_an_admin_gets_403_and_nothing_changes() {
        assertNothingChanged(() -> {
            assertEquals(403, refused(() -> removal.removeVersion(r.as("alice"), "foo", "1.0.0")).status());
            assertEquals(403, refused(() -> removal.removeCrate(r.as("alice"), "foo")).status());
        });
    }

    @Test
    void an_admin_with_a_token_without_the_admin_scope_gets_403() {
        Principal scoped = r.as("root", EnumSet.of(Scope.PUBLISH_NEW, Scope.YANK), null);

        assertNothingChanged(() -> {
            RegistryException e = refused(() -> removal.removeVersion(scoped, "foo", "1.0.0"));
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("`admin` scope"), e.detail());
        });
    }

    @Test
    void an_admin_token_with_the_admin_scope_may_remove() {
        removal.removeVersion(r.as("root", EnumSet.of(Scope.ADMIN), null), "foo", "1.0.0");

        assertTrue(r.store.findVersion("foo", "1.0.0").isEmpty());
    }

    @Test
    void anonymous_callers_get_403() {
        assertNothingChanged(() -> assertEquals(403,
                refused(() -> removal.removeCrate(Principal.anonymous(null, false), "foo")).status()));
    }

    @Test
    void unknown_crates_and_versions_are_404() {
        assertNothingChanged(() -> {
            assertEquals(404, refused(() -> removal.removeVersion(root, "nope", "1.0.0")).status());
            assertEquals(404, refused(() -> removal.removeVersion(root, "foo", "9.9.9")).status());
            assertEquals(404, refused(() -> removal.removeVersion(root, "foo", "1.0.0+other")).status());
            assertEquals(404, refused(() -> removal.removeCrate(root, "nope")).status());
        });
    }

    // ---- removing a version -------------------------------------------------------------------------------------------

    @Test
    void removing_a_version_takes_its_line_tarball_and_cdn_copies() {
        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isPresent());

        removal.removeVersion(root, "foo", "1.1.0");

        assertTrue(r.store.findVersion("foo", "1.1.0").isEmpty());
        assertEquals(List.of("1.0.0", "2.0.0"), r.indexVersions("foo"));
        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isEmpty());
        assertTrue(r.blobs.get("crates/foo/foo-1.0.0.crate").isPresent(), "nothing else is touched");
        assertTrue(r.cdn.paths().contains("/crates/foo/foo-1.1.0.crate"), r.cdn.paths().toString());
        assertTrue(r.cdn.paths().contains("/index/3/f/foo"), r.cdn.paths().toString());
        assertEquals(List.of("0.1.0"), r.indexVersions("bar"));
    }

    @Test
    void removing_the_highest_version_updates_the_summary() {
        removal.removeVersion(root, "foo", "2.0.0");

        var summary = r.store.findCrate("foo").orElseThrow().summary();
        assertEquals("1.1.0", summary.maxVersion());
        assertEquals("1.1.0", summary.newestVersion());
        assertEquals(2, summary.numVersions());
        assertEquals("foo 1.1.0", summary.description(), "the crate now describes its newest remaining version");
    }

    @Test
    void a_removed_version_can_be_published_again_without_reusing_a_sequence_number() {
        removal.removeVersion(root, "foo", "1.1.0");

        r.publish("alice", "foo", "1.1.0");

        assertEquals(List.of("1.0.0", "2.0.0", "1.1.0"), r.indexVersions("foo"), "the new line goes last");
        List<Long> seqs = r.store.listVersions("foo").stream().map(v -> v.seq()).sorted().toList();
        assertEquals(seqs.stream().distinct().count(), seqs.size(), "sequence numbers stay unique: " + seqs);
    }

    @Test
    void removing_the_last_version_removes_the_crate_and_its_index_file() {
        removal.removeVersion(root, "bar", "0.1.0");

        assertTrue(r.store.findCrate("bar").isEmpty());
        assertTrue(r.store.listVersions("bar").isEmpty());
        assertTrue(r.blobs.get("index/3/b/bar").isEmpty());
        assertTrue(r.blobs.get("crates/bar/bar-0.1.0.crate").isEmpty());
        assertTrue(r.cdn.paths().contains("/index/3/b/bar"), r.cdn.paths().toString());
        assertEquals(404, refused(() -> removal.removeCrate(root, "bar")).status());
    }

    @Test
    void a_tarball_that_cannot_be_deleted_is_503_naming_the_object_and_is_not_invalidated() {
        r.blobs.failDeletesTo(k -> k.endsWith(".crate"));

        RegistryException e = refused(() -> removal.removeVersion(root, "foo", "1.1.0"));

        assertEquals(503, e.status());
        assertTrue(e.detail().contains("crates/foo/foo-1.1.0.crate"), e.detail());
        assertEquals(List.of("1.0.0", "2.0.0"), r.indexVersions("foo"), "gone from the index already");
        assertFalse(r.cdn.paths().contains("/crates/foo/foo-1.1.0.crate"),
                "no invalidation before the delete, or the CDN could fetch and keep it again");
    }

    @Test
    void a_concurrent_change_is_retried() {
        r.store.beforeNextChange(() -> r.publish("alice", "foo", "3.0.0"));

        removal.removeVersion(root, "foo", "1.0.0");

        assertEquals(List.of("1.1.0", "2.0.0", "3.0.0"), r.indexVersions("foo"));
        assertEquals("3.0.0", r.store.findCrate("foo").orElseThrow().summary().maxVersion());
    }

    // ---- removing a crate ---------------------------------------------------------------------------------------------

    @Test
    void removing_a_crate_removes_every_version_and_file() {
        assertEquals(3, removal.removeCrate(root, "FOO"));

        assertTrue(r.store.findCrate("foo").isEmpty());
        assertTrue(r.store.listVersions("foo").isEmpty());
        assertTrue(r.blobs.get("index/3/f/foo").isEmpty());
        for (String v : List.of("1.0.0", "1.1.0", "2.0.0")) {
            assertTrue(r.blobs.get("crates/foo/foo-" + v + ".crate").isEmpty(), v);
            assertTrue(r.cdn.paths().contains("/crates/foo/foo-" + v + ".crate"), v);
        }
        assertEquals(List.of("0.1.0"), r.indexVersions("bar"), "other crates are untouched");
    }

    @Test
    void search_forgets_a_removed_crate() {
        SearchService search = new SearchService(InMemorySearchSource.of(r.store), r.clock, Duration.ofSeconds(10));
        assertEquals(1, crates(search.search(Map.of("q", "foo"))).size());

        removal.removeCrate(root, "foo");
        r.clock.advance(Duration.ofSeconds(10));

        assertEquals(0, crates(search.search(Map.of("q", "foo"))).size());
        assertTrue(r.store.searchEntries().stream().anyMatch(e -> e.canonicalName().equals("foo") && e.removed()),
                "a tombstone for the change feed");
    }

    @Test
    void a_crate_can_be_published_again_after_removal_by_anyone() {
        removal.removeCrate(root, "foo");
        r.store.createUser("bob", "Bob", false, FakeRegistry.START);

        r.publish("bob", "foo", "0.0.1");

        assertEquals(java.util.Set.of("bob"), r.store.findCrate("foo").orElseThrow().owners());
        assertEquals(List.of("0.0.1"), r.indexVersions("foo"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> crates(Map<String, Object> result) {
        return (List<Object>) result.get("crates");
    }
}
