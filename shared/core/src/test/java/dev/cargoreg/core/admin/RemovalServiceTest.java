package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.PendingRemoval;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        removal = new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock);
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
        // only the tarball: edges keep it for a year; the index file (max-age 1 s) refreshes by itself
        assertEquals(List.of("/crates/foo/foo-1.1.0.crate", "/crates/foo/foo-1.1.0.readme.html", "/crates/foo/foo-1.1.0.readme"), r.cdn.paths());
        assertEquals(List.of("0.1.0"), r.indexVersions("bar"));
    }

    @Test
    void removing_a_version_takes_its_rendered_readme_too() {
        String crateRoot = "baz-0.1.0/";
        byte[] tarball = TarballBuilder.empty().file(crateRoot + "Cargo.toml", TarballBuilder.manifest("baz", "0.1.0"))
                .file(crateRoot + "README.md", "# baz\n").build();
        r.publisher.publish(r.as("alice"), PublishBodyBuilder.of("baz", "0.1.0").with("readme_file", "README.md")
                .with("readme", "# baz\n").body(tarball));
        // rendered and kept by the first read
        assertTrue(new CrateReadService(r.store, r.blobs, r.config).readmeHtml("baz", "0.1.0").isPresent());
        assertTrue(r.blobs.get("crates/baz/baz-0.1.0.readme.html").isPresent());
        assertTrue(r.blobs.get("crates/baz/baz-0.1.0.readme").isPresent());

        removal.removeVersion(root, "baz", "0.1.0");

        assertTrue(r.blobs.get("crates/baz/baz-0.1.0.readme.html").isEmpty());
        assertTrue(r.blobs.get("crates/baz/baz-0.1.0.readme").isEmpty(), "the README text publish stored");
        assertTrue(r.cdn.paths().containsAll(List.of("/crates/baz/baz-0.1.0.readme.html", "/crates/baz/baz-0.1.0.readme")),
                r.cdn.paths().toString());
    }

    @Test
    void removing_again_takes_a_readme_kept_after_the_removal_when_taking_it_back_failed() {
        String crateRoot = "baz-0.1.0/";
        byte[] tarball = TarballBuilder.empty().file(crateRoot + "Cargo.toml", TarballBuilder.manifest("baz", "0.1.0")).build();
        r.publisher.publish(r.as("alice"), PublishBodyBuilder.of("baz", "0.1.0").with("readme", "# baz\n").body(tarball));
        removal.removeVersion(root, "baz", "0.1.0");
        // a reader kept the HTML in the moment the removal ran, and could not take it back
        r.blobs.put("crates/baz/baz-0.1.0.readme.html", "<h1>baz</h1>\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/html; charset=utf-8", null, Map.of()));

        removal.removeVersion(root, "baz", "0.1.0");

        assertTrue(r.blobs.get("crates/baz/baz-0.1.0.readme.html").isEmpty());
        // with nothing left at all, a removal is a 404 again
        assertNothingChanged(() -> assertEquals(404, refused(() -> removal.removeVersion(root, "baz", "0.1.0")).status()));
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
        r.clock.advance(PendingRemoval.SETTLE);

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
        assertEquals(List.of("/crates/bar/bar-0.1.0.crate", "/crates/bar/bar-0.1.0.readme.html", "/crates/bar/bar-0.1.0.readme"), r.cdn.paths());
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

    // ---- resuming an interrupted removal (finding H2) ------------------------------------------------------------------

    /** A removal whose commit went through and whose process died before anything else: the truth changed, no file did. */
    private void crashRightAfterTheCommit(Runnable removal) {
        r.blobs.failWritesTo(k -> k.startsWith("index/"));
        r.blobs.failDeletesTo(k -> true);
        assertEquals(503, refused(removal).status());
        r.blobs.failWritesTo(k -> false);
        r.blobs.failDeletesTo(k -> false);
    }

    @Test
    void a_version_removal_interrupted_after_its_commit_is_finished_by_removing_it_again() {
        crashRightAfterTheCommit(() -> removal.removeVersion(root, "foo", "1.1.0"));
        assertTrue(r.store.findVersion("foo", "1.1.0").isEmpty(), "committed");
        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isPresent(), "still downloadable");
        assertEquals(1, r.store.pendingRemovals("foo").size(), "the truth records what is left to do");

        removal.removeVersion(root, "foo", "1.1.0");

        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isEmpty());
        assertEquals(List.of("1.0.0", "2.0.0"), r.indexVersions("foo"));
        assertTrue(r.cdn.paths().contains("/crates/foo/foo-1.1.0.crate"), r.cdn.paths().toString());
        assertTrue(r.store.pendingRemovals("foo").isEmpty(), "done, and forgotten");
        assertEquals(404, refused(() -> removal.removeVersion(root, "foo", "1.1.0")).status(), "nothing is left now");
    }

    @Test
    void a_tarball_delete_that_failed_is_retried_by_removing_again() {
        r.blobs.failDeletesTo(k -> k.endsWith(".crate"));
        assertEquals(503, refused(() -> removal.removeVersion(root, "foo", "1.1.0")).status());
        r.blobs.failDeletesTo(k -> false);

        removal.removeVersion(root, "foo", "1.1.0");

        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isEmpty());
        assertTrue(r.cdn.paths().contains("/crates/foo/foo-1.1.0.crate"), r.cdn.paths().toString());
        assertTrue(r.store.pendingRemovals("foo").isEmpty());
    }

    @Test
    void a_failed_tarball_invalidation_answers_503_and_keeps_the_removal_pending_until_removing_again() {
        r.cdn.setFailing(true);
        RegistryException e = refused(() -> removal.removeVersion(root, "foo", "1.1.0"));
        assertEquals(503, e.status());
        assertTrue(e.detail().contains("remove it again"), e.detail());
        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isEmpty(), "deleted at the origin");
        assertEquals(1, r.store.pendingRemovals("foo").size(), "the edge copy is still to be dropped");
        r.cdn.setFailing(false);

        removal.removeVersion(root, "foo", "1.1.0");

        assertEquals(List.of("/crates/foo/foo-1.1.0.crate", "/crates/foo/foo-1.1.0.readme.html", "/crates/foo/foo-1.1.0.readme"), r.cdn.paths());
        assertTrue(r.store.pendingRemovals("foo").isEmpty(), "done, and forgotten");
    }

    @Test
    void a_crate_removal_interrupted_after_its_last_commit_is_finished_by_removing_it_again() {
        crashRightAfterTheCommit(() -> removal.removeCrate(root, "bar"));
        assertTrue(r.store.findCrate("bar").isEmpty(), "committed");
        assertTrue(r.blobs.get("index/3/b/bar").isPresent());
        assertTrue(r.blobs.get("crates/bar/bar-0.1.0.crate").isPresent());

        assertEquals(1, removal.removeCrate(root, "bar"));

        assertTrue(r.blobs.get("index/3/b/bar").isEmpty());
        assertTrue(r.blobs.get("crates/bar/bar-0.1.0.crate").isEmpty());
        assertTrue(r.cdn.paths().contains("/crates/bar/bar-0.1.0.crate"), r.cdn.paths().toString());
        assertTrue(r.store.pendingRemovals("bar").isEmpty());
        assertEquals(404, refused(() -> removal.removeCrate(root, "bar")).status(), "nothing is left now");
    }

    @Test
    void removing_a_version_again_finishes_it_when_only_the_version_is_named() {
        crashRightAfterTheCommit(() -> removal.removeCrate(root, "bar"));

        removal.removeVersion(root, "bar", "0.1.0");

        assertTrue(r.blobs.get("crates/bar/bar-0.1.0.crate").isEmpty());
        assertTrue(r.blobs.get("index/3/b/bar").isEmpty());
    }

    @Test
    void a_removal_recorded_before_removals_kept_a_record_is_finished_from_what_the_index_file_lists() {
        // the truth lost the version, with no record of what was left (what removals did before they kept one)
        forgetWithoutCleanup("foo", "1.1.0");
        forgetWithoutCleanup("bar", "0.1.0");

        removal.removeVersion(root, "foo", "1.1.0");
        assertEquals(1, removal.removeCrate(root, "bar"), "one version cleaned up");

        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isEmpty());
        assertEquals(List.of("1.0.0", "2.0.0"), r.indexVersions("foo"));
        assertTrue(r.blobs.get("crates/bar/bar-0.1.0.crate").isEmpty());
        assertTrue(r.blobs.get("index/3/b/bar").isEmpty());
        assertTrue(r.blobs.get("crates/foo/foo-1.0.0.crate").isPresent(), "nothing else is touched");
    }

    /** Removes a version from the truth directly and forgets the record, leaving every file. */
    private void forgetWithoutCleanup(String canonical, String version) {
        var crate = r.store.findCrate(canonical).orElseThrow();
        boolean last = r.store.listVersions(canonical).size() == 1;
        try {
            Unaudited.of(r.store).commitRemoval(new MetadataStore.RemovalCommit(canonical, crate.name(), version, version,
                    crate.revision(), last ? null : crate.summary(), r.clock.instant()));
        } catch (MetadataStore.CommitConflict e) {
            throw new AssertionError(e);
        }
        r.store.finishRemoval(canonical, version, r.clock.instant());
    }

    /** A publish body built once, so that sending it again sends the same bytes (as a CI retry does). */
    private static byte[] body(String name, String version) {
        return PublishEnvelope.encode(PublishBodyBuilder.of(name, version).with("description", name + " " + version).bytes(),
                TarballBuilder.valid(name, version));
    }

    @Test
    void a_version_whose_removal_is_unfinished_cannot_be_published_again_until_it_is_finished() {
        byte[] same = body("baz", "1.0.0");
        r.publisher.publish(r.as("alice"), body("baz", "0.1.0"));
        r.publisher.publish(r.as("alice"), same);
        crashRightAfterTheCommit(() -> removal.removeVersion(root, "baz", "1.0.0"));

        RegistryException e = refused(() -> r.publisher.publish(r.as("alice"), same));
        assertEquals(409, e.status());
        assertTrue(e.detail().contains("removed by an administrator"), e.detail());
        assertTrue(r.store.findVersion("baz", "1.0.0").isEmpty());

        removal.removeVersion(root, "baz", "1.0.0");
        // finished: the version still waits until no second cleanup of the removal can be running
        assertEquals(409, refused(() -> r.publisher.publish(r.as("alice"), same)).status());
        r.clock.advance(PendingRemoval.SETTLE.plusSeconds(1));
        r.publisher.publish(r.as("alice"), same);

        assertTrue(r.blobs.get("crates/baz/baz-1.0.0.crate").isPresent(), "the new publish's tarball is there");
        assertEquals(List.of("0.1.0", "1.0.0"), r.indexVersions("baz"));
    }

    @Test
    void a_publish_whose_tarball_vanished_before_its_commit_writes_it_again() {
        removal.removeVersion(root, "foo", "1.1.0");
        r.clock.advance(PendingRemoval.SETTLE);
        // a removal's cleanup deleting the object between the publish's tarball write and its commit
        r.store.beforeNextCommit(c -> r.blobs.delete("crates/foo/foo-1.1.0.crate"));

        r.publish("alice", "foo", "1.1.0");

        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isPresent());
    }

    @Test
    void publishing_the_same_bytes_again_restores_a_missing_tarball() {
        byte[] same = body("baz", "1.0.0");
        r.publisher.publish(r.as("alice"), same);
        r.blobs.delete("crates/baz/baz-1.0.0.crate");

        RegistryException e = refused(() -> r.publisher.publish(r.as("alice"), same));

        assertTrue(e.detail().contains("already uploaded"), e.detail());
        assertTrue(r.blobs.get("crates/baz/baz-1.0.0.crate").isPresent(), "cargo's retry repairs it");
    }

    // ---- revisions across removal (finding H2) -------------------------------------------------------------------------

    @Test
    void a_crate_published_again_after_an_interrupted_removal_gets_a_correct_index_file() {
        r.publish("alice", "bar", "0.2.0");
        r.store.yank("bar", "0.2.0");
        removal.removeVersion(root, "bar", "0.2.0");
        long before = r.store.findCrate("bar").orElseThrow().revision();
        crashRightAfterTheCommit(() -> removal.removeCrate(root, "bar"));
        assertEquals(List.of("0.1.0"), r.indexVersions("bar"), "the removed crate's file is still there");
        Unaudited.of(r.store).createUser("bob", "Bob", false, FakeRegistry.START);

        r.publish("bob", "bar", "2.0.0");

        assertTrue(r.store.findCrate("bar").orElseThrow().revision() > before, "revisions never go backwards for a name");
        assertEquals(List.of("2.0.0"), r.indexVersions("bar"));
    }

    @Test
    void a_crate_published_again_after_removal_continues_its_revision() {
        removal.removeCrate(root, "foo");
        r.publish("alice", "foo", "0.0.1");

        assertEquals(3 + 3 + 1, r.store.findCrate("foo").orElseThrow().revision(),
                "3 publishes, 3 removals, then the new publish");
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
        Unaudited.of(r.store).createUser("bob", "Bob", false, FakeRegistry.START);

        r.publish("bob", "foo", "0.0.1");

        assertEquals(Set.of("bob"), r.store.findCrate("foo").orElseThrow().owners());
        assertEquals(List.of("0.0.1"), r.indexVersions("foo"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> crates(Map<String, Object> result) {
        return (List<Object>) result.get("crates");
    }
}
