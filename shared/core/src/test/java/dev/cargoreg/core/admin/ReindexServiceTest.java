package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReindexServiceTest {
    private FakeRegistry r;
    private ReindexService reindex;
    private Principal root;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice").admin("root");
        reindex = r.services.reindex();
        root = r.as("root");
        r.publish("alice", "foo", "1.0.0");
        r.publish("alice", "foo", "1.1.0");
        r.publish("alice", "bar", "0.1.0");
        r.publish("alice", "baz", "2.0.0");
    }

    private void damage(String name) {
        String key = IndexPaths.keyOf(name);
        long revision = r.store.findCrate(name).orElseThrow().revision();
        r.blobs.seed(key, "garbage\n".getBytes(StandardCharsets.UTF_8), new BlobStore.Attributes("text/plain", "x",
                Map.of(IndexSync.REVISION_METADATA, Long.toString(revision))), FakeRegistry.START);
    }

    @Test
    void rebuilds_lost_and_damaged_index_files_from_the_truth() {
        List<String> fooBefore = r.indexVersions("foo");
        r.blobs.delete(IndexPaths.keyOf("foo"));
        r.blobs.delete(IndexPaths.CONFIG_KEY);
        damage("bar");

        ReindexReport out = reindex.reindex(root);

        assertEquals(true, out.ok());
        assertEquals(3, out.rebuilt());
        assertEquals(0, out.failed());
        assertEquals(fooBefore, r.indexVersions("foo"));
        assertEquals(List.of("0.1.0"), r.indexVersions("bar"), "rewritten although its label said current");
        assertEquals(List.of("2.0.0"), r.indexVersions("baz"));
        assertTrue(r.blobs.get(IndexPaths.CONFIG_KEY).isPresent(), "config.json too");
        assertTrue(r.cdn.paths().contains("/index/*"), r.cdn.paths().toString());
    }

    @Test
    void invalidates_the_index_once_with_a_wildcard_not_once_per_crate() {
        for (int i = 0; i < 30; i++) {
            r.publish("alice", "many" + i, "1.0.0");
        }
        int before = r.cdn.paths().size();

        assertEquals(33, reindex.reindex(root).rebuilt());

        List<String> sent = r.cdn.paths().subList(before, r.cdn.paths().size());
        assertEquals(List.of("/index/*"), sent.stream().filter(p -> !p.equals("/index/config.json")).toList(),
                "one wildcard path whatever the number of crates: " + sent);
    }

    @Test
    void removed_crates_get_no_index_file_back() {
        new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock).removeCrate(root, "baz");

        ReindexReport out = reindex.reindex(root);

        assertEquals(2, out.rebuilt());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty(), "no file comes back for a removed crate");
    }

    // ---- finishing interrupted removals (finding H2) ------------------------------------------------------------------

    /** A removal whose commit went through and whose process died before anything else. */
    private void crashRightAfterTheCommit(Runnable removal) {
        r.blobs.failWritesTo(k -> k.startsWith("index/"));
        r.blobs.failDeletesTo(k -> true);
        assertEquals(503, assertThrows(RegistryException.class, removal::run).status());
        r.blobs.failWritesTo(k -> false);
        r.blobs.failDeletesTo(k -> false);
    }

    @Test
    void reindex_finishes_an_interrupted_version_removal() {
        RemovalService removal = new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock);
        crashRightAfterTheCommit(() -> removal.removeVersion(root, "foo", "1.0.0"));

        ReindexReport out = reindex.reindex(root);

        assertEquals(true, out.ok());
        assertEquals(1, out.cleaned());
        assertTrue(r.blobs.get("crates/foo/foo-1.0.0.crate").isEmpty());
        assertEquals(List.of("1.1.0"), r.indexVersions("foo"));
        assertTrue(r.store.pendingRemovals("foo").isEmpty());
        assertTrue(r.cdn.paths().contains("/crates/foo/foo-1.0.0.crate"), r.cdn.paths().toString());
    }

    @Test
    void reindex_deletes_the_files_of_a_crate_whose_removal_was_interrupted() {
        RemovalService removal = new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock);
        crashRightAfterTheCommit(() -> removal.removeCrate(root, "baz"));

        ReindexReport out = reindex.reindex(root);

        assertEquals(true, out.ok());
        assertEquals(2, out.rebuilt());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty(), "a file with no crate is deleted");
        assertTrue(r.blobs.get("crates/baz/baz-2.0.0.crate").isEmpty());
        assertEquals(List.of("/crates/baz/baz-2.0.0.crate", "/crates/baz/baz-2.0.0.readme.html", "/index/*"), r.cdn.paths(),
                "the removed tarball and its rendered readme, then one wildcard for the index files");
    }

    @Test
    void reindex_deletes_what_unrecorded_removals_left_behind() {
        // what removals left before they kept a record: the truth lost the version, every file stayed
        forgetWithoutCleanup("foo", "1.0.0");
        forgetWithoutCleanup("baz", "2.0.0");

        ReindexReport out = reindex.reindex(root);

        assertEquals(2, out.cleaned());
        assertTrue(r.blobs.get("crates/foo/foo-1.0.0.crate").isEmpty());
        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isPresent(), "what the truth has stays");
        assertEquals(List.of("1.1.0"), r.indexVersions("foo"));
        assertTrue(r.blobs.get("crates/baz/baz-2.0.0.crate").isEmpty());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty());
    }

    private void forgetWithoutCleanup(String canonical, String version) {
        var crate = r.store.findCrate(canonical).orElseThrow();
        boolean last = r.store.listVersions(canonical).size() == 1;
        try {
            Unaudited.of(r.store).commitRemoval(new MetadataStore.RemovalCommit(canonical, crate.name(), version, version,
                    crate.revision(), last ? null : crate.summary(), r.clock.instant()));
        } catch (MetadataStore.CommitConflict e) {
            throw new AssertionError(e);
        }
        r.store.finishRemoval(canonical, version);
    }

    @Test
    void reindex_replaces_an_index_file_labelled_above_its_crates_revision() {
        // left by a removed crate of the same name, before revisions survived removal
        r.blobs.seed(IndexPaths.keyOf("bar"), "{\"name\":\"bar\",\"vers\":\"0.0.9\"}\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/plain", "x", Map.of(IndexSync.REVISION_METADATA, "99")), FakeRegistry.START);

        reindex.reindex(root);

        assertEquals(List.of("0.1.0"), r.indexVersions("bar"));
        assertEquals(Long.toString(r.store.findCrate("bar").orElseThrow().revision()),
                r.blobs.head(IndexPaths.keyOf("bar")).orElseThrow().metadata().get(IndexSync.REVISION_METADATA));
    }

    @Test
    void a_failing_crate_is_counted_and_the_others_are_still_rebuilt() {
        damage("foo");
        damage("baz");
        r.blobs.failWritesTo(k -> k.equals(IndexPaths.keyOf("foo")));

        ReindexReport out = reindex.reindex(root);

        assertEquals(false, out.ok());
        assertEquals(1, out.failed());
        assertEquals(2, out.rebuilt());
        assertEquals(List.of("2.0.0"), r.indexVersions("baz"));
    }

    @Test
    void only_admins_may_reindex_and_a_refusal_writes_nothing() {
        List<String> writes = r.blobs.writes();
        Principal scopedAdmin = r.as("root", EnumSet.of(Scope.PUBLISH_NEW), null);

        for (Principal p : List.of(r.as("alice"), scopedAdmin, Principal.anonymous(null, false))) {
            assertEquals(403, assertThrows(RegistryException.class, () -> reindex.reindex(p)).status());
        }
        assertEquals(writes, r.blobs.writes());
    }

    @Test
    void an_admin_token_with_the_admin_scope_may_reindex() {
        assertEquals(true, reindex.reindex(r.as("root", EnumSet.of(Scope.ADMIN), null)).ok());
    }
}
