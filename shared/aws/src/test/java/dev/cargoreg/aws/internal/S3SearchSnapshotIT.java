package dev.cargoreg.aws.internal;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.search.SnapshotInBlobStore;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search snapshot through the production S3 adapter, against the embedded S3 server over the SDK and HTTP. */
class S3SearchSnapshotIT {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private SnapshotInBlobStore source;

    @BeforeEach
    void setUp() {
        S3Client s3 = AwsClients.s3(AwsClients.Settings.emulated(null, EmbeddedBackends.shared().s3Endpoint()));
        String bucket = "snapshot-" + UUID.randomUUID().toString().substring(0, 8);
        Provisioning.ensureBucket(s3, bucket);
        source = new SnapshotInBlobStore(new NoChanges(), new S3BlobStore(s3, bucket));
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void no_snapshot_reads_as_none() {
        assertTrue(source.snapshot().isEmpty());
    }

    @Test
    void a_large_snapshot_is_read_back_whole_with_its_time() {
        byte[] data = bytes(20_000_000, 1);

        source.saveSnapshot(new SearchSource.Snapshot(T, data));

        SearchSource.Snapshot back = source.snapshot().orElseThrow();
        assertEquals(T, back.asOf());
        assertArrayEquals(data, back.data());
    }

    @Test
    void an_older_snapshot_saved_late_never_replaces_a_newer_one_and_a_newer_one_does() {
        source.saveSnapshot(new SearchSource.Snapshot(T, bytes(1000, 2)));

        source.saveSnapshot(new SearchSource.Snapshot(T.minusSeconds(60), bytes(1000, 3)));
        assertArrayEquals(bytes(1000, 2), source.snapshot().orElseThrow().data());

        source.saveSnapshot(new SearchSource.Snapshot(T.plusSeconds(60), bytes(1000, 4)));
        assertArrayEquals(bytes(1000, 4), source.snapshot().orElseThrow().data());
        assertEquals(T.plusSeconds(60), source.snapshot().orElseThrow().asOf());
    }

    private static final class NoChanges implements SearchSource {
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
