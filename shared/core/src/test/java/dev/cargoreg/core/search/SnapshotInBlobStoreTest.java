package dev.cargoreg.core.search;

import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotInBlobStoreTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private final InMemoryBlobStore blobs = new InMemoryBlobStore(Clock.fixed(T, ZoneOffset.UTC));
    private final SnapshotInBlobStore source = new SnapshotInBlobStore(new Changes(), blobs);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void no_snapshot_reads_as_none() {
        assertTrue(source.snapshot().isEmpty());
    }

    @Test
    void a_saved_snapshot_reads_back_with_its_time_under_its_own_key_never_cached_by_a_cdn() {
        source.saveSnapshot(new SearchSource.Snapshot(T, b("one")));

        assertEquals(T, source.snapshot().orElseThrow().asOf());
        assertArrayEquals(b("one"), source.snapshot().orElseThrow().data());
        BlobStore.BlobInfo info = blobs.head(SnapshotInBlobStore.KEY).orElseThrow();
        assertEquals("no-store", info.cacheControl());
        assertTrue(blobs.keys("").equals(List.of(SnapshotInBlobStore.KEY)), blobs.keys("").toString());
    }

    @Test
    void an_older_snapshot_saved_late_never_replaces_a_newer_one() {
        source.saveSnapshot(new SearchSource.Snapshot(T, b("newer")));

        source.saveSnapshot(new SearchSource.Snapshot(T.minusSeconds(60), b("older")));

        assertArrayEquals(b("newer"), source.snapshot().orElseThrow().data());
    }

    @Test
    void a_newer_snapshot_replaces_the_stored_one() {
        source.saveSnapshot(new SearchSource.Snapshot(T, b("first")));

        source.saveSnapshot(new SearchSource.Snapshot(T.plusSeconds(60), b("second")));

        assertArrayEquals(b("second"), source.snapshot().orElseThrow().data());
        assertEquals(T.plusSeconds(60), source.snapshot().orElseThrow().asOf());
    }

    @Test
    void a_snapshot_stored_by_another_instance_between_the_check_and_the_write_is_kept() {
        source.saveSnapshot(new SearchSource.Snapshot(T, b("first")));
        // another instance stores a newer one after this one looked at the stored snapshot
        blobs.beforeNextPutIfMatch(() -> blobs.put(SnapshotInBlobStore.KEY, b("theirs"),
                new BlobStore.Attributes("application/octet-stream", "no-store",
                        Map.of(SnapshotInBlobStore.AS_OF, T.plusSeconds(120).toString()))));

        source.saveSnapshot(new SearchSource.Snapshot(T.plusSeconds(60), b("mine")));

        assertArrayEquals(b("theirs"), source.snapshot().orElseThrow().data());
    }

    @Test
    void an_object_without_a_readable_time_is_no_snapshot() {
        blobs.put(SnapshotInBlobStore.KEY, b("x"), new BlobStore.Attributes("application/octet-stream", "no-store",
                Map.of(SnapshotInBlobStore.AS_OF, "yesterday")));

        assertTrue(source.snapshot().isEmpty());
    }

    private static final class Changes implements SearchSource {
        @Override
        public List<Entry> loadAll() {
            return List.of();
        }

        @Override
        public List<Entry> changedSince(Instant since) {
            return List.of();
        }
    }
}
