package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.RegistryFixture;
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
    private RegistryFixture r;
    private ReindexService reindex;
    private Principal root;

    @BeforeEach
    void setUp() {
        r = new RegistryFixture().users("alice").admin("root");
        reindex = new ReindexService(InMemorySearchSource.of(r.store), r.index);
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
                Map.of(IndexSync.REVISION_METADATA, Long.toString(revision))), RegistryFixture.START);
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
        assertTrue(r.cdn.paths().contains("/index/3/b/bar"), r.cdn.paths().toString());
    }

    @Test
    void removed_crates_are_skipped() {
        new RemovalService(r.store, r.blobs, r.index, r.clock).removeCrate(root, "baz");

        ReindexReport out = reindex.reindex(root);

        assertEquals(2, out.rebuilt());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty(), "no file comes back for a removed crate");
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
