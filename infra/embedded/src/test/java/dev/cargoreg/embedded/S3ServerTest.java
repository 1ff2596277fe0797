package dev.cargoreg.embedded;

import dev.cargoreg.embedded.s3.FileObjectStore;
import dev.cargoreg.embedded.s3.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded S3 server through the real SDK (both checksum modes), and the raw HTTP answers S3 gives. */
class S3ServerTest {
    @TempDir
    static Path dir;
    static S3Server server;
    static S3Client s3;        // as the registry configures it: checksums only when required
    static S3Client s3Default; // the SDK's defaults: aws-chunked bodies with trailing checksums

    @BeforeAll
    static void start() throws IOException {
        server = S3Server.start(new FileObjectStore(dir, false), 0);
        s3 = client(true);
        s3Default = client(false);
        s3.createBucket(b -> b.bucket("bkt1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static S3Client client(boolean whenRequired) {
        var b = S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        if (whenRequired) {
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b.build();
    }

    @Test
    void put_get_head_delete_round_trip_with_metadata() {
        for (S3Client c : List.of(s3, s3Default)) {
            byte[] body = "hello\nworld".getBytes(StandardCharsets.UTF_8);
            String etag = c.putObject(r -> r.bucket("bkt1").key("a/b c+d=e%f.txt").contentType("text/plain")
                    .cacheControl("max-age=1").metadata(Map.of("sha256", "abc", "revision", "7")), RequestBody.fromBytes(body)).eTag();
            var got = c.getObjectAsBytes(r -> r.bucket("bkt1").key("a/b c+d=e%f.txt"));
            assertArrayEquals(body, got.asByteArray());
            assertEquals(etag, got.response().eTag());
            assertEquals("text/plain", got.response().contentType());
            assertEquals("max-age=1", got.response().cacheControl());
            assertEquals(Map.of("sha256", "abc", "revision", "7"), got.response().metadata());
            var head = c.headObject(r -> r.bucket("bkt1").key("a/b c+d=e%f.txt"));
            assertEquals(body.length, head.contentLength());
            assertNull(head.contentEncoding());
            assertEquals(etag, head.eTag());
            c.deleteObject(r -> r.bucket("bkt1").key("a/b c+d=e%f.txt"));
            assertThrows(NoSuchKeyException.class, () -> c.getObjectAsBytes(r -> r.bucket("bkt1").key("a/b c+d=e%f.txt")));
            assertEquals(404, assertThrows(S3Exception.class,
                    () -> c.headObject(r -> r.bucket("bkt1").key("a/b c+d=e%f.txt"))).statusCode());
        }
    }

    @Test
    void empty_and_large_bodies() {
        s3.putObject(r -> r.bucket("bkt1").key("empty"), RequestBody.fromBytes(new byte[0]));
        assertEquals(0, s3.getObjectAsBytes(r -> r.bucket("bkt1").key("empty")).asByteArray().length);
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        s3Default.putObject(r -> r.bucket("bkt1").key("big"), RequestBody.fromBytes(big));
        assertArrayEquals(big, s3.getObjectAsBytes(r -> r.bucket("bkt1").key("big")).asByteArray());
    }

    @Test
    void conditional_writes_answer_412_and_404_as_s3_does() {
        s3.putObject(r -> r.bucket("bkt1").key("c/1").ifNoneMatch("*"), RequestBody.fromString("one"));
        assertEquals(412, assertThrows(S3Exception.class, () ->
                s3.putObject(r -> r.bucket("bkt1").key("c/1").ifNoneMatch("*"), RequestBody.fromString("two"))).statusCode());
        String etag = s3.headObject(r -> r.bucket("bkt1").key("c/1")).eTag();
        String etag2 = s3.putObject(r -> r.bucket("bkt1").key("c/1").ifMatch(etag), RequestBody.fromString("three")).eTag();
        assertEquals(412, assertThrows(S3Exception.class, () ->
                s3.putObject(r -> r.bucket("bkt1").key("c/1").ifMatch(etag), RequestBody.fromString("four"))).statusCode());
        assertEquals("three", s3.getObjectAsBytes(r -> r.bucket("bkt1").key("c/1")).asUtf8String());
        assertEquals(etag2, s3.headObject(r -> r.bucket("bkt1").key("c/1")).eTag());
        // S3: If-Match on a key with no object is 404 NoSuchKey
        assertThrows(NoSuchKeyException.class, () ->
                s3.putObject(r -> r.bucket("bkt1").key("c/none").ifMatch(etag), RequestBody.fromString("x")));
    }

    @Test
    void concurrent_if_none_match_has_exactly_one_winner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger wins = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            fs.add(pool.submit(() -> {
                try {
                    s3.putObject(r -> r.bucket("bkt1").key("race").ifNoneMatch("*"), RequestBody.fromString("w" + n));
                    wins.incrementAndGet();
                } catch (S3Exception e) {
                    assertEquals(412, e.statusCode());
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertEquals(1, wins.get());
    }

    @Test
    void buckets_list_and_errors() {
        assertThrows(BucketAlreadyOwnedByYouException.class, () -> s3.createBucket(b -> b.bucket("bkt1")));
        assertThrows(NoSuchBucketException.class, () -> s3.headBucket(b -> b.bucket("nope-bucket")));
        assertThrows(NoSuchBucketException.class, () -> s3.getObjectAsBytes(b -> b.bucket("nope-bucket").key("k")));
        s3.createBucket(b -> b.bucket("list-me"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String k = "p/" + (char) ('a' + i) + "/k" + i + (i % 5 == 0 ? " +é" : "");
            keys.add(k);
            s3.putObject(r -> r.bucket("list-me").key(k), RequestBody.fromString(k));
        }
        s3.putObject(r -> r.bucket("list-me").key("q/other"), RequestBody.fromString("x"));
        List<String> listed = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket("list-me").prefix("p/").maxKeys(7)).contents()
                .forEach(o -> listed.add(o.key()));
        assertEquals(keys, listed);
        var top = s3.listObjectsV2(r -> r.bucket("list-me").delimiter("/"));
        assertEquals(List.of("p/", "q/"), top.commonPrefixes().stream().map(p -> p.prefix()).toList());
        S3Object first = s3.listObjectsV2(r -> r.bucket("list-me").maxKeys(1)).contents().get(0);
        assertEquals(s3.headObject(r -> r.bucket("list-me").key(first.key())).eTag(), first.eTag());
        assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals("list-me")));
        assertEquals(409, assertThrows(S3Exception.class, () -> s3.deleteBucket(b -> b.bucket("list-me"))).statusCode());
    }

    @Test
    void raw_errors_are_s3_xml_and_unknown_features_501() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI base = server.endpoint();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/bkt1/missing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("<Code>NoSuchKey</Code>"), r.body());
        r = http.send(HttpRequest.newBuilder(base.resolve("/bkt1/x?tagging")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(501, r.statusCode());
        r = http.send(HttpRequest.newBuilder(base.resolve("/B_ad/x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        r = http.send(HttpRequest.newBuilder(base.resolve("/bkt1/md5")).header("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("BadDigest"));
    }
}
