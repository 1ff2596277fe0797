package dev.cargoreg.local;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.mirror.MirrorConfig;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.local.e2e.FakeUpstream;
import dev.cargoreg.local.e2e.FakeUpstream.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The mirror over real storage (DynamoDB Local, embedded S3) and a real HTTP upstream on loopback, through the local
 * runner's /mirror/ paths: hits, misses, revalidation, and every upstream failure (timeout, 5xx, garbage, a huge body,
 * a .crate that does not match its line) answered with a clear error and nothing wrong stored.
 */
class MirrorUpstreamIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration TTL = Duration.ofMillis(1500);
    static FakeUpstream upstream;
    static LocalRegistry registry;
    static BlobStore bucket;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(FakeUpstream.hasDebianCrates("itoa", "ryu"), "Debian's librust-itoa-dev and librust-ryu-dev are"
                + " not installed (.ci/run installs them): skipping the mirror tests");
        upstream = FakeUpstream.start().addDebian("itoa").addDebian("ryu");
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "mirror");
        MirrorConfig mirror = MirrorConfig.of(upstream.indexUrl()).withTtl(TTL)
                .withTimeouts(Duration.ofMillis(700), Duration.ofMillis(700)).withMaxBytes(1024 * 1024, 1024 * 1024);
        registry = LocalRegistry.start(Options.builder(dir.resolve("data")).mirror(mirror).build());
        bucket = new S3BlobStore(AwsClients.s3(AwsClients.Settings.emulated(null, registry.backends().s3Endpoint())),
                LocalRegistry.BUCKET);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registry.port() + "/" + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static String mirrorOutcome(HttpResponse<byte[]> r) {
        return r.headers().firstValue("X-Mirror").orElse("");
    }

    @Test
    void config_json_sends_downloads_to_our_cdn_and_names_no_api() throws Exception {
        HttpResponse<byte[]> r = get("mirror/index/config.json");
        assertEquals(200, r.statusCode());
        assertEquals("{\"dl\":\"http://127.0.0.1:" + registry.port() + "/mirror/crates/{crate}/{crate}-{version}.crate\"}", text(r));
        assertTrue(bucket.get("mirror/index/config.json").isPresent(), "in the bucket, for the CDN to serve without compute");
    }

    @Test
    void a_miss_is_fetched_once_stored_byte_for_byte_then_revalidated_after_the_ttl() throws Exception {
        HttpResponse<byte[]> miss = get("mirror/index/it/oa/itoa");
        assertEquals(200, miss.statusCode(), text(miss));
        assertEquals("miss", mirrorOutcome(miss));
        byte[] upstreamFile = HTTP.send(HttpRequest.newBuilder(URI.create(upstream.base() + "/index/it/oa/itoa")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertArrayEquals(upstreamFile, miss.body());
        assertArrayEquals(upstreamFile, bucket.get("mirror/index/it/oa/itoa").orElseThrow().body());
        assertTrue(text(miss).contains("\"rust_version\":"), "fields this registry never parses are there");

        int before = upstream.hits("index/it/oa/itoa");
        assertEquals("hit", mirrorOutcome(get("mirror/index/it/oa/itoa")));
        assertEquals(before, upstream.hits("index/it/oa/itoa"), "within the TTL upstream is not asked");
        Thread.sleep(TTL.toMillis() + 100);
        HttpResponse<byte[]> again = get("mirror/index/it/oa/itoa");
        assertEquals("revalidated", mirrorOutcome(again), "a conditional GET answered 304");
        assertArrayEquals(upstreamFile, again.body());
        assertEquals("hit", mirrorOutcome(get("mirror/index/it/oa/itoa")), "the 304 restarted the TTL in the stored object");

        String v = FakeUpstream.debianVersion("itoa");
        HttpResponse<byte[]> crate = get("mirror/crates/itoa/itoa-" + v + ".crate");
        assertEquals(200, crate.statusCode(), text(crate));
        assertEquals("miss", mirrorOutcome(crate));
        assertArrayEquals(upstream.crateBytes("itoa", v), crate.body());
        HttpResponse<byte[]> cdn = get("mirror/crates/itoa/itoa-" + v + ".crate");
        assertEquals("cdn-hit", mirrorOutcome(cdn), "a cached crate is served from the bucket with no compute");
        assertArrayEquals(upstream.crateBytes("itoa", v), cdn.body());
    }

    @Test
    void upstream_down_after_caching_serves_the_stale_copy() throws Exception {
        HttpResponse<byte[]> first = get("mirror/index/3/r/ryu");
        assertEquals(200, first.statusCode(), text(first));
        Thread.sleep(TTL.toMillis() + 100);
        upstream.fault("index/3/r/ryu", Fault.ERROR_500);
        try {
            HttpResponse<byte[]> stale = get("mirror/index/3/r/ryu");
            assertEquals(200, stale.statusCode());
            assertEquals("stale", mirrorOutcome(stale));
            assertArrayEquals(first.body(), stale.body());
        } finally {
            upstream.fault("index/3/r/ryu", null);
        }
    }

    /** Each failure with nothing cached: a 502 saying what upstream did, and nothing in the bucket. */
    @Test
    void every_upstream_failure_is_a_clear_error_and_stores_nothing() throws Exception {
        record Case(Fault fault, String expected) {
        }
        for (Case c : List.of(new Case(Fault.HANG, "did not answer within 700 ms"), new Case(Fault.ERROR_500, "HTTP 500"),
                new Case(Fault.GARBAGE, "not valid (line 1 is not JSON)"),
                new Case(Fault.HUGE, "over the mirror's limit of 1048576 bytes"))) {
            String name = "probe-" + c.fault().name().toLowerCase(Locale.ROOT).replace('_', '-');
            upstream.addSimple(name, "0.1.0", "pub fn f() {}\n");
            String path = FakeUpstream.indexPath(name);
            upstream.fault("index/" + path, c.fault());
            long start = System.nanoTime();
            HttpResponse<byte[]> r = get("mirror/index/" + path);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(502, r.statusCode(), c + ": " + text(r));
            assertTrue(text(r).startsWith("{\"errors\":[{\"detail\":") && text(r).contains(c.expected()), c + ": " + text(r));
            assertTrue(ms < 3000, c + " took " + ms + " ms: cargo must never wait on a dead upstream");
            assertTrue(bucket.get("mirror/index/" + path).isEmpty(), c + ": nothing stored");
            upstream.fault("index/" + path, null);
        }
    }

    @Test
    void a_crate_whose_bytes_do_not_match_its_line_is_refused_and_not_stored() throws Exception {
        upstream.addSimple("probe-tampered", "0.1.0", "pub fn f() {}\n");
        upstream.fault("api/v1/crates/probe-tampered/0.1.0/download", Fault.WRONG_BYTES);
        HttpResponse<byte[]> r = get("mirror/crates/probe-tampered/probe-tampered-0.1.0.crate");
        assertEquals(502, r.statusCode(), text(r));
        assertTrue(text(r).contains("but its index says " + FakeUpstream.sha256(upstream.crateBytes("probe-tampered", "0.1.0")))
                && text(r).contains("nothing was stored"), text(r));
        assertTrue(bucket.get("mirror/crates/probe-tampered/probe-tampered-0.1.0.crate").isEmpty());

        upstream.fault("api/v1/crates/probe-tampered/0.1.0/download", null);
        HttpResponse<byte[]> ok = get("mirror/crates/probe-tampered/probe-tampered-0.1.0.crate");
        assertEquals(200, ok.statusCode(), "once upstream sends the right bytes they are stored: " + text(ok));
        assertArrayEquals(upstream.crateBytes("probe-tampered", "0.1.0"), bucket.get(
                "mirror/crates/probe-tampered/probe-tampered-0.1.0.crate").orElseThrow().body());
    }

    @Test
    void a_hanging_download_times_out_with_a_clear_error() throws Exception {
        upstream.addSimple("probe-slow", "0.1.0", "pub fn f() {}\n");
        upstream.fault("api/v1/crates/probe-slow/0.1.0/download", Fault.HANG);
        HttpResponse<byte[]> r = get("mirror/crates/probe-slow/probe-slow-0.1.0.crate");
        assertEquals(502, r.statusCode());
        assertTrue(text(r).contains("did not answer within 700 ms"), text(r));
        assertTrue(bucket.get("mirror/crates/probe-slow/probe-slow-0.1.0.crate").isEmpty());
    }

    @Test
    void a_private_registry_keeps_its_mirror_private() throws Exception {
        String admin = "cargoreg_MirrorPrivateAdmin00000000000000000000000";
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "mirror-private");
        try (LocalRegistry privateRegistry = LocalRegistry.start(Options.builder(dir.resolve("data")).adminToken(admin)
                .authRequired(true).mirror(MirrorConfig.of(upstream.indexUrl())).build())) {
            String base = "http://127.0.0.1:" + privateRegistry.port() + "/mirror/";
            for (String path : List.of("index/config.json", "index/it/oa/itoa", "crates/itoa/itoa-" + FakeUpstream.debianVersion("itoa") + ".crate")) {
                HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, anonymous.statusCode(), path);
                assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Cargo login_url="), path);
                assertTrue(!anonymous.body().contains("itoa") && !anonymous.body().contains("dl"), path + ": nothing revealed");
            }
            HttpResponse<String> config = HTTP.send(HttpRequest.newBuilder(URI.create(base + "index/config.json"))
                    .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, config.statusCode());
            assertTrue(config.body().contains("\"auth-required\":true"), "cargo sends its token to the mirror too: " + config.body());
            HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(URI.create(base + "index/it/oa/itoa"))
                    .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, file.statusCode(), file.body());
        }
    }

    /** The negative cache: a name upstream has not is asked for once per negative TTL (60 s by default), not per request. */
    @Test
    void a_name_upstream_does_not_have_is_asked_for_once_then_remembered() throws Exception {
        String path = FakeUpstream.indexPath("probe-absent");
        HttpResponse<byte[]> first = get("mirror/index/" + path);
        assertEquals(404, first.statusCode(), text(first));
        assertEquals("not-found", mirrorOutcome(first));
        assertEquals(1, upstream.hits("index/" + path));
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> again = get("mirror/index/" + path);
            assertEquals(404, again.statusCode());
            assertEquals("negative-hit", mirrorOutcome(again));
            assertTrue(text(again).startsWith("{\"errors\":[{\"detail\":\"no crate `probe-absent` upstream"), text(again));
        }
        assertEquals(1, upstream.hits("index/" + path), "repeated misses do not reach upstream");
        assertTrue(bucket.head("mirror/absent/" + path).isPresent(), "the marker is in the bucket, shared by every instance");
        assertTrue(bucket.get("mirror/index/" + path).isEmpty(), "and no index file was stored");
    }

    /** A .crate over the inline limit (Lambda's 6 MB response in AWS): stored, then a 307 to the same path, served by the bucket. */
    @Test
    void a_crate_over_the_inline_limit_is_redirected_to_its_cdn_path() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "mirror-large");
        try (LocalRegistry small = LocalRegistry.start(Options.builder(dir.resolve("data"))
                .mirror(MirrorConfig.of(upstream.indexUrl()).withMaxInlineBytes(100)).build())) {
            String v = FakeUpstream.debianVersion("ryu");
            String path = "/mirror/crates/ryu/ryu-" + v + ".crate";
            URI uri = URI.create("http://127.0.0.1:" + small.port() + path);
            HttpResponse<byte[]> miss = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(307, miss.statusCode(), text(miss));
            assertEquals(path, miss.headers().firstValue("Location").orElse(""));
            assertEquals("no-store", miss.headers().firstValue("Cache-Control").orElse(""));
            HttpResponse<byte[]> followed = HTTP.send(HttpRequest.newBuilder(uri.resolve(miss.headers().firstValue("Location")
                    .orElseThrow())).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, followed.statusCode());
            assertEquals("cdn-hit", mirrorOutcome(followed));
            assertArrayEquals(upstream.crateBytes("ryu", v), followed.body());
        }
    }
}
