package dev.cargoreg.embedded;

import dev.cargoreg.embedded.s3.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 / finding H1: a SIGKILL of the runner during writes must never leave a data directory that cannot start,
 * and every write acknowledged before the kill must read back intact. A start that cannot succeed must fail at once,
 * with one line that names the file and what to do, never hang.
 */
class CrashSafetyIT {
    static final String BUCKET = "cargo-registry";

    @TempDir
    Path dir;

    @Test
    void sigkill_during_writes_loses_nothing_acknowledged_and_always_restarts() throws Exception {
        Path s3 = dir.resolve("s3");
        long seed = 20261202L;
        Random delays = new Random(seed);
        Set<String> acked = new HashSet<>();
        List<String> hotAcked = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 6; round++) {
            Process child = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                    KillWriter.class.getName(), s3.toString(), BUCKET, Long.toString(seed), Integer.toString(next))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine(), "the writer restarts on the directory the last kill left");
            // the kill comes after a random number of acknowledged writes (plus a random few milliseconds), not after a
            // fixed time: on a loaded machine a timed kill could land before the writer has done anything
            int killAfterAcks = 10 + delays.nextInt(50);
            long killDelayMs = delays.nextInt(60);
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(killDelayMs);
                } catch (InterruptedException ignored) {
                    // kill now
                }
                // SIGKILL through the handle: Process.destroyForcibly() also closes our end of the pipe, which would
                // race with the reads below
                child.toHandle().destroyForcibly();
            });
            int acksThisRound = 0;
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ok ")) {
                    acked.add(line.substring(3));
                    if (++acksThisRound == killAfterAcks) {
                        killer.start();
                    }
                } else if (line.startsWith("hot ")) {
                    hotAcked.add(line.substring(4));
                }
            }
            if (!killer.isAlive() && acksThisRound < killAfterAcks) {
                throw new AssertionError("the writer stopped by itself after " + acksThisRound + " writes");
            }
            killer.join();
            child.waitFor(10, TimeUnit.SECONDS);
            next += 100_000;

            // what a restart sees: the store's own startup (temporaries removed), then every acknowledged write
            FileObjectStore store = new FileObjectStore(s3, true);
            for (String key : acked) {
                FileObjectStore.StoredObject o = store.get(BUCKET, key);
                assertNotNull(o, "acknowledged " + key + " is missing after kill " + round);
                assertArrayEquals(KillWriter.body(seed, key), o.body(), key);
            }
            if (!hotAcked.isEmpty()) {
                // the If-Match chain serializes the hot key's writes: it holds the last acknowledged one (4 writer
                // threads may print out of order) or one in flight at the kill, never an older acknowledged one
                String hot = new String(store.get(BUCKET, "index/hot").body(), StandardCharsets.UTF_8);
                int at = hotAcked.lastIndexOf(hot);
                assertTrue(at < 0 || at >= hotAcked.size() - 4,
                        "hot key went back to " + hot + " after " + hotAcked.subList(Math.max(0, hotAcked.size() - 4), hotAcked.size()));
            }
            if (round == 0) {
                // L9: a private registry's tarballs are the owner's alone
                Path any;
                try (var files = Files.walk(s3.resolve(BUCKET))) {
                    any = files.filter(Files::isRegularFile).findFirst().orElseThrow();
                }
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(any)));
                assertEquals("rwx------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(any.getParent())));
            }
            try (var tmp = Files.list(s3.resolve(".tmp"))) {
                assertEquals(0, tmp.count(), "temporaries are cleared at start");
            }
        }
        assertTrue(acked.size() > 50, "the kills came too early to test anything: " + acked.size() + " writes");

        // and the whole backends start on it, serving the same bytes over HTTP to the SDK
        try (EmbeddedBackends b = EmbeddedBackends.start(dir, true); S3Client c = client(b)) {
            List<String> listed = new ArrayList<>();
            c.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("crates/")).contents().forEach(o -> listed.add(o.key()));
            assertTrue(listed.containsAll(acked));
            for (String key : acked.stream().limit(40).toList()) {
                assertArrayEquals(KillWriter.body(seed, key), c.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray());
            }
        }
    }

    /** The exact state H1 left: S3Mock's bucketMetadata.json at 0 bytes. Its objects are recovered, not lost. */
    @Test
    void truncated_s3mock_bucket_metadata_is_recovered_from_the_object_directories() throws Exception {
        Path bucket = Files.createDirectories(dir.resolve("s3").resolve(BUCKET));
        Files.write(bucket.resolve("bucketMetadata.json"), new byte[0]);
        s3MockObject(bucket, "0b6e7d3e-0000-4000-8000-000000000001", "index/3/a/abc", "line\n", 1000);
        s3MockObject(bucket, "0b6e7d3e-0000-4000-8000-000000000002", "crates/abc/abc-1.0.0.crate", "tarball", 1000);
        // an object S3Mock never finished (binaryData, no objectMetadata.json) read as absent before, and still does
        Files.createDirectories(bucket.resolve("0b6e7d3e-0000-4000-8000-000000000003"));
        Files.writeString(bucket.resolve("0b6e7d3e-0000-4000-8000-000000000003/binaryData"), "half");

        try (EmbeddedBackends b = EmbeddedBackends.start(dir, true); S3Client c = client(b)) {
            c.headBucket(r -> r.bucket(BUCKET));
            var index = c.getObjectAsBytes(r -> r.bucket(BUCKET).key("index/3/a/abc"));
            assertEquals("line\n", index.asUtf8String());
            assertEquals("text/plain; charset=utf-8", index.response().contentType());
            assertEquals("public, max-age=60", index.response().cacheControl());
            assertEquals("7", index.response().metadata().get("revision"));
            assertEquals("tarball", c.getObjectAsBytes(r -> r.bucket(BUCKET).key("crates/abc/abc-1.0.0.crate")).asUtf8String());
            assertEquals(2, c.listObjectsV2(r -> r.bucket(BUCKET)).keyCount());
        }
        assertTrue(Files.notExists(bucket.resolve("bucketMetadata.json")));
    }

    @Test
    void a_database_dynamodb_local_cannot_open_fails_the_start_at_once_with_one_clear_line() throws Exception {
        Files.createDirectories(dir.resolve("dynamodb"));
        Files.writeString(dir.resolve("dynamodb/registry.db"), "this is not sqlite");
        long t0 = System.nanoTime();
        EmbeddedBackends.StartupFailure e = assertThrows(EmbeddedBackends.StartupFailure.class,
                () -> EmbeddedBackends.start(dir, true));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertTrue(e.getMessage().contains("registry.db") && e.getMessage().contains("--data-dir")
                && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void a_caller_that_fails_after_start_without_closing_exits_instead_of_hanging() throws Exception {
        Process child = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                FailAfterStart.class.getName(), dir.toString()).redirectErrorStream(true).start();
        child.getInputStream().transferTo(OutputStream.nullOutputStream());
        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        assertTrue(exited, "DynamoDB Local's non-daemon threads kept the JVM alive");
        assertEquals(1, child.exitValue());
    }

    @Test
    void leftover_temporaries_and_a_damaged_object_do_not_stop_the_start() throws Exception {
        Path s3 = dir.resolve("s3");
        FileObjectStore store = new FileObjectStore(s3, true);
        store.createBucket(BUCKET);
        store.put(BUCKET, "good", "ok".getBytes(), Map.of(), Map.of(), FileObjectStore.Precondition.NONE, null);
        store.put(BUCKET, "bad", "ok".getBytes(), Map.of(), Map.of(), FileObjectStore.Precondition.NONE, null);
        Files.writeString(s3.resolve(".tmp/" + UUID.randomUUID()), "a write a kill interrupted");
        // not something a kill can do (files are renamed into place whole), but a disk can: only that key fails
        Path bad;
        try (var files = Files.walk(s3.resolve(BUCKET))) {
            bad = files.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.readString(p, StandardCharsets.ISO_8859_1).contains("key=bad\n");
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
        Files.write(bad, new byte[0]);
        try (EmbeddedBackends b = EmbeddedBackends.start(dir, true); S3Client c = client(b)) {
            assertEquals("ok", c.getObjectAsBytes(r -> r.bucket(BUCKET).key("good")).asUtf8String());
            assertEquals(500, assertThrows(S3Exception.class,
                    () -> c.getObjectAsBytes(r -> r.bucket(BUCKET).key("bad"))).statusCode());
        }
    }

    private static void s3MockObject(Path bucket, String id, String key, String body, long lastModified) throws IOException {
        Path d = Files.createDirectories(bucket.resolve(id));
        Files.writeString(d.resolve("binaryData"), body);
        Files.writeString(d.resolve("objectMetadata.json"), "{\"id\":\"" + id + "\",\"key\":\"" + key + "\",\"size\":\""
                + body.length() + "\",\"etag\":\"\\\"x\\\"\",\"contentType\":\"text/plain; charset=utf-8\",\"lastModified\":"
                + lastModified + ",\"userMetadata\":{\"x-amz-meta-revision\":\"7\"},\"storeHeaders\":{\"cache-control\":"
                + "\"public, max-age=60\"},\"encryptionHeaders\":{}}");
    }

    static S3Client client(EmbeddedBackends b) {
        return S3Client.builder().endpointOverride(b.s3Endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
