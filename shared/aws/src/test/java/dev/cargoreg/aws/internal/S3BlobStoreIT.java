package dev.cargoreg.aws.internal;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The S3 adapter against the embedded S3 server over the real SDK and HTTP. */
class S3BlobStoreIT {
    static S3Client s3;
    static BlobStore store;
    static final BlobStore.Attributes CRATE = new BlobStore.Attributes("application/gzip",
            "public, max-age=31536000, immutable", Map.of("sha256", "abc"));

    @BeforeAll
    static void start() {
        EmbeddedBackends b = EmbeddedBackends.shared();
        s3 = AwsClients.s3(AwsClients.Settings.emulated(null, b.s3Endpoint()));
        String bucket = "blobs-" + UUID.randomUUID().toString().substring(0, 8);
        Provisioning.ensureBucket(s3, bucket);
        store = new S3BlobStore(s3, bucket);
    }

    @Test
    void put_if_absent_never_overwrites() {
        byte[] a = "first".getBytes(StandardCharsets.UTF_8);
        assertTrue(store.putIfAbsent("crates/x/x-1.0.0.crate", a, CRATE));
        assertFalse(store.putIfAbsent("crates/x/x-1.0.0.crate", "second".getBytes(StandardCharsets.UTF_8), CRATE));
        assertArrayEquals(a, store.get("crates/x/x-1.0.0.crate").orElseThrow().body());
    }

    @Test
    void keys_with_plus_round_trip_exactly() {
        byte[] a = {1, 2, 3};
        assertTrue(store.putIfAbsent("crates/y/y-1.0.0+build.5.crate", a, CRATE));
        assertArrayEquals(a, store.get("crates/y/y-1.0.0+build.5.crate").orElseThrow().body());
        assertTrue(store.get("crates/y/y-1.0.0 build.5.crate").isEmpty());
    }

    @Test
    void head_returns_metadata_content_type_and_cache_control_and_no_content_encoding() {
        store.put("index/3/a/abc", "line\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/plain; charset=utf-8", "public, max-age=1", Map.of("revision", "7")));
        BlobStore.BlobInfo info = store.head("index/3/a/abc").orElseThrow();
        assertEquals("7", info.metadata().get("revision"));
        assertEquals("public, max-age=1", info.cacheControl());
        assertTrue(info.contentType().startsWith("text/plain"));
        var raw = s3.headObject(b -> b.bucket(bucketOf()).key("index/3/a/abc"));
        assertNull(raw.contentEncoding());
    }

    @Test
    void put_if_match_fails_when_someone_wrote_first() {
        assertTrue(store.putIfMatch("index/2/ab", "v1".getBytes(StandardCharsets.UTF_8), CRATE, null));
        String etag = store.head("index/2/ab").orElseThrow().etag();
        assertFalse(store.putIfMatch("index/2/ab", "v1b".getBytes(StandardCharsets.UTF_8), CRATE, null), "absent-only write must fail");
        assertTrue(store.putIfMatch("index/2/ab", "v2".getBytes(StandardCharsets.UTF_8), CRATE, etag));
        assertFalse(store.putIfMatch("index/2/ab", "v3".getBytes(StandardCharsets.UTF_8), CRATE, etag), "stale etag must fail");
        assertArrayEquals("v2".getBytes(StandardCharsets.UTF_8), store.get("index/2/ab").orElseThrow().body());
    }

    @Test
    void missing_objects_are_empty_not_errors() {
        assertTrue(store.head("index/no/ne/none").isEmpty());
        assertTrue(store.get("index/no/ne/none").isEmpty());
    }

    private static String bucketOf() {
        return ((S3BlobStore) store).bucket();
    }
}
