package dev.cargoreg.functions.publish;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.DynamoSearchSource;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.RecordingCdn;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.tokens.TokenMint;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publish handler against DynamoDB Local and S3Mock through the real SDK, fed API Gateway events. Every refusal is
 * checked for its status, cargo's error body, and that nothing at all was written (table and bucket compared).
 */
class PublishHandlerIT {
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final String OWNER_TOKEN = "cargoreg_SampleEventTokenDoNotUseAnywhere0000000000";
    static final String OTHER_TOKEN = "cargoreg_SomeoneElse0000000000000000000000000000000";

    DynamoDbClient dynamo;
    S3Client s3;
    String table;
    String bucket;
    MetadataStore store;
    FlakyBlobs blobs;
    RecordingCdn cdn;
    RegistryConfig config;

    /** The S3 adapter, with a switch to make writes under one prefix fail (fault injection). */
    static final class FlakyBlobs implements BlobStore {
        final BlobStore real;
        volatile String failWritesUnder;

        FlakyBlobs(BlobStore real) {
            this.real = real;
        }

        private void maybeFail(String key) {
            String p = failWritesUnder;
            if (p != null && key.startsWith(p)) {
                throw SdkClientException.create("injected failure writing " + key);
            }
        }

        @Override public Optional<BlobInfo> head(String key) { return real.head(key); }
        @Override public Optional<Blob> get(String key) { return real.get(key); }
        @Override public boolean putIfAbsent(String key, byte[] body, Attributes a) { maybeFail(key); return real.putIfAbsent(key, body, a); }
        @Override public boolean putIfMatch(String key, byte[] body, Attributes a, String etag) { maybeFail(key); return real.putIfMatch(key, body, a, etag); }
        @Override public void put(String key, byte[] body, Attributes a) { maybeFail(key); real.put(key, body, a); }
        @Override public void delete(String key) { real.delete(key); }
        @Override public List<String> keys(String prefix) { return real.keys(prefix); }
        @Override public URI presignPut(String key, Duration ttl) { return real.presignPut(key, ttl); }
    }

    @BeforeEach
    void setUp() {
        EmbeddedBackends backends = EmbeddedBackends.shared();
        dynamo = backends.dynamo();
        s3 = AwsClients.s3(AwsClients.Settings.emulated(null, backends.s3Endpoint()));
        String id = UUID.randomUUID().toString().substring(0, 8);
        table = "registry-" + id;
        bucket = "registry-" + id;
        Provisioning.ensureTable(dynamo, table);
        Provisioning.ensureBucket(s3, bucket);
        store = new DynamoMetadataStore(dynamo, table);
        blobs = new FlakyBlobs(new S3BlobStore(s3, bucket));
        cdn = new RecordingCdn();
        config = RegistryConfig.builder(table, bucket, "https://cdn.example.com", "https://api.example.com").distributionId("E123").build();
        Instant now = Instant.now();
        Unaudited.of(store).createUser("alice", "Alice", false, now);
        Unaudited.of(store).createUser("bob", "Bob", false, now);
        TokenMint mint = new TokenMint(store, Clock.systemUTC());
        mint.adopt(OWNER_TOKEN, "alice", "ci");
        mint.adopt(OTHER_TOKEN, "bob", "ci");
    }

    PublishHandler handler(RegistryConfig cfg) {
        RegistryServices services = RegistryServices.builder().config(cfg).clock(Clock.systemUTC()).store(store).blobs(blobs)
                .cdn(cdn).searchSource(new DynamoSearchSource(dynamo, table)).build();
        return new PublishHandler(services.publish(), services.imports(), services.stagedPush());
    }

    PublishHandler handler() {
        return handler(config);
    }

    static APIGatewayV2HTTPEvent sampleEvent() throws IOException {
        Path events = Path.of(System.getProperty("events.dir", "../../events"));
        return JSON.readValue(Files.readString(events.resolve("publish.json")), APIGatewayV2HTTPEvent.class);
    }

    /** What the authorizer puts into the request context, as API Gateway hands the event to the function. */
    APIGatewayV2HTTPEvent authorized(APIGatewayV2HTTPEvent e) {
        String header = e.getHeaders() == null ? null : e.getHeaders().get("authorization");
        var p = new Authenticator(store).resolve(header, false);
        e.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withLambda(new HashMap<>(p.toContext())).build());
        return e;
    }

    APIGatewayV2HTTPEvent event(byte[] body, String token) throws IOException {
        APIGatewayV2HTTPEvent e = sampleEvent();
        e.setBody(Base64.getEncoder().encodeToString(body));
        e.setIsBase64Encoded(true);
        Map<String, String> headers = new HashMap<>(e.getHeaders());
        headers.remove("authorization");
        if (token != null) {
            headers.put("authorization", token);
        }
        headers.put("content-length", Integer.toString(body.length));
        e.setHeaders(headers);
        return authorized(e);
    }

    APIGatewayV2HTTPResponse publish(byte[] body, String token) throws IOException {
        return handler().handleRequest(event(body, token), null);
    }

    /** Everything stored: every item of the table and every object of the bucket with its ETag. */
    TreeSet<String> snapshot() {
        TreeSet<String> all = new TreeSet<>();
        // a token's last-use time is the authorizer's bookkeeping, not an effect of the request
        dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(i -> {
            TreeMap<String, AttributeValue> item = new TreeMap<>(i);
            item.remove("lastUsed");
            all.add("ddb " + item);
        });
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> all.add("s3 " + o.key() + " " + o.eTag()));
        return all;
    }

    static JsonNode body(APIGatewayV2HTTPResponse r) throws IOException {
        return JSON.readTree(r.getBody());
    }

    void assertRefused(APIGatewayV2HTTPResponse r, int status, String detailPart) throws IOException {
        assertEquals(status, r.getStatusCode(), r.getBody());
        JsonNode errors = body(r).get("errors");
        assertEquals(1, errors.size(), r.getBody());
        String detail = errors.get(0).get("detail").asText();
        assertTrue(detail.contains(detailPart), "detail '" + detail + "' should mention '" + detailPart + "'");
    }

    void assertRefusedAndNothingWritten(byte[] body, String token, int status, String detailPart) throws IOException {
        TreeSet<String> before = snapshot();
        assertRefused(publish(body, token), status, detailPart);
        assertEquals(before, snapshot(), "a refused publish must write nothing");
    }

    String indexFile(String path) {
        return blobs.get("index/" + path).map(b -> new String(b.body(), StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void publish_of_the_sample_event_records_version_tarball_and_index() throws Exception {
        APIGatewayV2HTTPResponse r = handler().handleRequest(authorized(sampleEvent()), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals("{\"warnings\":{\"invalid_badges\":[],\"invalid_categories\":[],\"other\":[]}}", r.getBody());

        String index = indexFile("sa/mp/sample-crate");
        assertTrue(index.endsWith("\n"));
        JsonNode line = JSON.readTree(index.trim());
        assertEquals("sample-crate", line.get("name").asText());
        assertEquals("0.1.0", line.get("vers").asText());
        assertEquals("https://github.com/rust-lang/crates.io-index", line.get("deps").get(0).get("registry").asText(),
                "a crates.io dependency keeps the crates.io index URL");
        assertEquals("serde", line.get("deps").get(0).get("name").asText());
        assertFalse(line.get("deps").get(0).has("package"));

        byte[] tarball = blobs.get("crates/sample-crate/sample-crate-0.1.0.crate").orElseThrow().body();
        assertEquals(line.get("cksum").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarball)));
        BlobStore.BlobInfo info = blobs.head("crates/sample-crate/sample-crate-0.1.0.crate").orElseThrow();
        assertEquals("public, max-age=31536000, immutable", info.cacheControl());
        assertEquals("application/gzip", info.contentType());
        assertTrue(blobs.head("index/sa/mp/sample-crate").orElseThrow().cacheControl().contains("max-age"));
        assertTrue(cdn.paths().isEmpty(), "publish never waits on the CDN: the index file's max-age bounds edge copies");

        MetadataStore.CrateRecord crate = store.findCrate("sample_crate").orElseThrow();
        assertEquals(Set.of("alice"), crate.owners(), "the first publisher owns the crate");
    }

    @Test
    void publish_rejects_duplicate_version_whatever_its_content() throws Exception {
        assertEquals(200, publish(PublishBodyBuilder.minimal("dup-crate", "1.0.0").body(), OWNER_TOKEN).getStatusCode());
        byte[] different = PublishBodyBuilder.minimal("dup-crate", "1.0.0").body(TarballBuilder.crate("dup-crate", "1.0.0").file("dup-crate-1.0.0/extra.txt", "other content").build());
        assertRefusedAndNothingWritten(different, OWNER_TOKEN, 400, "crate version `1.0.0` is already uploaded");
        assertRefusedAndNothingWritten(PublishBodyBuilder.minimal("dup-crate", "1.0.0+build.2").body(), OWNER_TOKEN, 400, "already uploaded");
    }

    @Test
    void publish_rejects_another_spelling_of_an_existing_crate() throws Exception {
        assertEquals(200, publish(PublishBodyBuilder.minimal("spelled-crate", "1.0.0").body(), OWNER_TOKEN).getStatusCode());
        assertRefusedAndNothingWritten(PublishBodyBuilder.minimal("Spelled_Crate", "2.0.0").body(), OWNER_TOKEN, 400, "previously named `spelled-crate`");
    }

    @Test
    void publish_requires_a_known_token_and_ownership_of_an_existing_crate() throws Exception {
        byte[] body = PublishBodyBuilder.minimal("owned-crate", "1.0.0").body();
        assertRefusedAndNothingWritten(body, null, 403, "requires authentication");
        assertRefusedAndNothingWritten(body, "", 403, "requires authentication");
        assertRefusedAndNothingWritten(body, "cargoreg_unknown", 403, "authentication failed");
        assertEquals(200, publish(body, OWNER_TOKEN).getStatusCode());
        assertRefusedAndNothingWritten(PublishBodyBuilder.minimal("owned-crate", "1.1.0").body(), OTHER_TOKEN, 403, "not one of its owners");
        assertEquals(200, publish(PublishBodyBuilder.minimal("owned-crate", "1.1.0").body(), "Bearer " + OWNER_TOKEN).getStatusCode(),
                "Bearer tokens are accepted too");
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static Stream<Arguments> badEnvelopes() {
        byte[] json = PublishBodyBuilder.minimal("bad-crate", "1.0.0").json().getBytes(StandardCharsets.UTF_8);
        byte[] crate = TarballBuilder.crate("bad-crate", "1.0.0").build();
        byte[] good = PublishBodyBuilder.minimal("bad-crate", "1.0.0").body();
        return Stream.of(
                Arguments.of("empty body", new byte[0], 400, "invalid metadata length"),
                Arguments.of("three bytes", new byte[] {1, 0, 0}, 400, "invalid metadata length"),
                Arguments.of("metadata length lies", concat(u32(json.length + 50), json), 400, "invalid metadata length for remaining payload"),
                Arguments.of("no tarball length", concat(u32(json.length), json), 400, "invalid tarball length"),
                Arguments.of("tarball length lies", concat(u32(json.length), json, u32(crate.length + 1), crate), 400, "invalid tarball length for remaining payload"),
                Arguments.of("truncated envelope", Arrays.copyOf(good, good.length - 10), 400, "invalid tarball length"),
                Arguments.of("trailing bytes", concat(good, new byte[] {0}), 400, "unexpected bytes after the tarball"),
                Arguments.of("metadata length near 4 GiB", concat(u32(-1), json), 400, "invalid metadata length for remaining payload"),
                Arguments.of("metadata over 1 MiB", PublishBodyBuilder.envelope("{\"name\":\"" + "x".repeat(1_100_000) + "\"}", crate), 413, "JSON metadata blob too large"),
                Arguments.of("metadata not JSON", PublishBodyBuilder.envelope("not json", crate), 400, "invalid upload request"),
                Arguments.of("metadata not UTF-8", concat(u32(3), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd}, u32(crate.length), crate), 400, "invalid upload request"),
                Arguments.of("metadata deeply nested", PublishBodyBuilder.envelope("[".repeat(5000) + "]".repeat(5000), crate), 400, "invalid upload request"),
                Arguments.of("metadata without name", PublishBodyBuilder.envelope("{\"vers\":\"1.0.0\",\"deps\":[]}", crate), 400, "missing field `name`"),
                Arguments.of("empty tarball", PublishBodyBuilder.envelope(new String(json, StandardCharsets.UTF_8), new byte[0]), 400, "empty"),
                Arguments.of("tarball not gzip", PublishBodyBuilder.envelope(new String(json, StandardCharsets.UTF_8), TarballBuilder.crate("bad-crate", "1.0.0").buildTar()), 400, "not gzip"),
                Arguments.of("gzip but not tar", PublishBodyBuilder.envelope(new String(json, StandardCharsets.UTF_8), TarballBuilder.gzip("hello, this is not a tar archive at all".repeat(20).getBytes(StandardCharsets.UTF_8))), 400, "malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEnvelopes")
    void publish_rejects_malformed_envelopes(String name, byte[] body, int status, String detail) throws Exception {
        assertRefusedAndNothingWritten(body, OWNER_TOKEN, status, detail);
    }

    static Stream<Arguments> hostileTarballs() {
        String p = "evil-crate-1.0.0/";
        return Stream.of(
                Arguments.of("path traversal", TarballBuilder.crate("evil-crate", "1.0.0").file(p + "../../etc/passwd", "x"), "invalid path"),
                Arguments.of("absolute path", TarballBuilder.crate("evil-crate", "1.0.0").file("/etc/passwd", "x"), "invalid path"),
                Arguments.of("outside the prefix", TarballBuilder.crate("evil-crate", "1.0.0").file("other-1.0.0/x", "x"), "invalid path"),
                Arguments.of("symlink", TarballBuilder.crate("evil-crate", "1.0.0").special(p + "link", TarConstants.LF_SYMLINK, "/etc/passwd"), "Symlink"),
                Arguments.of("hard link", TarballBuilder.crate("evil-crate", "1.0.0").special(p + "hard", TarConstants.LF_LINK, p + "Cargo.toml"), "Link"),
                Arguments.of("char device", TarballBuilder.crate("evil-crate", "1.0.0").special(p + "dev", TarConstants.LF_CHR, null), "Char"),
                Arguments.of("fifo", TarballBuilder.crate("evil-crate", "1.0.0").special(p + "fifo", TarConstants.LF_FIFO, null), "Fifo"),
                Arguments.of("duplicate entry", TarballBuilder.crate("evil-crate", "1.0.0").file(p + "src/lib.rs", "again"), "duplicate"),
                Arguments.of("no manifest", TarballBuilder.empty().file(p + "src/lib.rs", "x"), "missing a `Cargo.toml`"),
                Arguments.of("manifest name mismatch", TarballBuilder.empty().file(p + "Cargo.toml", TarballBuilder.manifest("other-crate", "1.0.0")), "does not match manifest name"),
                Arguments.of("manifest version mismatch", TarballBuilder.empty().file(p + "Cargo.toml", TarballBuilder.manifest("evil-crate", "1.0.1")), "does not match manifest version"),
                Arguments.of("manifest not TOML", TarballBuilder.empty().file(p + "Cargo.toml", "[package\nname ="), "failed to parse `Cargo.toml`"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTarballs")
    void publish_rejects_hostile_tarballs(String name, TarballBuilder tarball, String detail) throws Exception {
        assertRefusedAndNothingWritten(PublishBodyBuilder.minimal("evil-crate", "1.0.0").body(tarball.build()),
                OWNER_TOKEN, 400, detail);
    }

    static Stream<Arguments> badNamesAndVersions() {
        return Stream.of(
                Arguments.of("1abc", "1.0.0", "cannot start with a digit"),
                Arguments.of("_abc", "1.0.0", "first character must be an ASCII letter"),
                Arguments.of("a b", "1.0.0", "invalid character"),
                Arguments.of("caf\u00e9", "1.0.0", "invalid character"),
                Arguments.of("a".repeat(65), "1.0.0", "too long"),
                Arguments.of("std", "1.0.0", "reserved name"),
                Arguments.of("Compiler-Builtins", "1.0.0", "reserved name"),
                Arguments.of("nul", "1.0.0", "reserved name"),
                Arguments.of("good-name", "1.0", "invalid semver"),
                Arguments.of("good-name", "01.0.0", "invalid semver"),
                Arguments.of("good-name", "1.0.0-", "invalid semver"),
                Arguments.of("good-name", "v1.0.0", "invalid semver"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badNamesAndVersions")
    void publish_rejects_invalid_names_and_versions(String name, String version, String detail) throws Exception {
        byte[] crate = TarballBuilder.crate(name.replace(" ", ""), version).build();
        assertRefusedAndNothingWritten(PublishBodyBuilder.minimal(name, version).body(crate), OWNER_TOKEN, 400, detail);
    }

    @Test
    void publish_enforces_the_size_limits_from_the_config() throws Exception {
        RegistryConfig small = config.toBuilder().distributionId(null)
                .limits(RegistryConfig.Limits.builder().maxCrateBytes(200).maxUnpackedBytes(100_000).build()).build();
        TreeSet<String> before = snapshot();
        byte[] big = TarballBuilder.crate("big-crate", "1.0.0").file("big-crate-1.0.0/data.txt", "x".repeat(50_000) + UUID.randomUUID()).build();
        assertTrue(big.length < 1000);
        APIGatewayV2HTTPResponse r = handler(small).handleRequest(event(PublishBodyBuilder.minimal("big-crate", "1.0.0").body(big), OWNER_TOKEN), null);
        assertRefused(r, big.length > 200 ? 413 : 400, big.length > 200 ? "max upload size is: 200" : "");

        RegistryConfig roomy = config.toBuilder().distributionId(null)
                .limits(RegistryConfig.Limits.builder().maxUnpackedBytes(100_000).build()).build();
        byte[] bomb = TarballBuilder.crate("bomb-crate", "1.0.0").file("bomb-crate-1.0.0/zeros", "\0".repeat(5_000_000)).build();
        r = handler(roomy).handleRequest(event(PublishBodyBuilder.minimal("bomb-crate", "1.0.0").body(bomb), OWNER_TOKEN), null);
        assertRefused(r, 400, "too large when decompressed");
        assertEquals(before, snapshot());
    }

    @Test
    void publish_rejects_bodies_api_gateway_could_not_have_encoded() throws Exception {
        APIGatewayV2HTTPEvent e = event(new byte[0], OWNER_TOKEN);
        e.setBody("this is %%% not base64");
        TreeSet<String> before = snapshot();
        assertRefused(handler().handleRequest(e, null), 400, "not valid base64");
        e.setBody("{\"plain\": \"text body\"}");
        e.setIsBase64Encoded(false);
        assertRefused(handler().handleRequest(e, null), 400, "invalid metadata length");
        assertEquals(before, snapshot());
    }

    @Test
    void versions_with_build_metadata_are_stored_under_their_exact_name() throws Exception {
        assertEquals(200, publish(PublishBodyBuilder.minimal("built-crate", "1.0.0+build.5").body(), OWNER_TOKEN).getStatusCode());
        assertTrue(blobs.get("crates/built-crate/built-crate-1.0.0+build.5.crate").isPresent());
        assertTrue(indexFile("bu/il/built-crate").contains("\"vers\":\"1.0.0+build.5\""));
    }

    @Test
    void concurrent_publishes_of_one_crate_never_lose_a_line() throws Exception {
        int n = 12;
        PublishHandler h = handler();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] body = PublishBodyBuilder.minimal("busy-crate", "1.0." + i).body();
            results.add(pool.submit(() -> {
                go.await();
                return h.handleRequest(event(body, OWNER_TOKEN), null).getStatusCode();
            }));
        }
        // and the same version from several threads at once: exactly one wins
        AtomicInteger sameOk = new AtomicInteger();
        List<Future<Integer>> same = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] body = PublishBodyBuilder.minimal("busy-crate", "2.0.0").body();
            same.add(pool.submit(() -> {
                go.await();
                return h.handleRequest(event(body, OWNER_TOKEN), null).getStatusCode();
            }));
        }
        go.countDown();
        for (Future<Integer> f : results) {
            assertEquals(200, f.get());
        }
        for (Future<Integer> f : same) {
            int s = f.get();
            if (s == 200) {
                sameOk.incrementAndGet();
            } else {
                assertTrue(s == 400 || s == 409, "the losers are refused, got " + s);
            }
        }
        pool.shutdown();
        assertEquals(1, sameOk.get(), "exactly one publish of 2.0.0 succeeds");

        String index = indexFile("bu/sy/busy-crate");
        List<String> versions = new ArrayList<>();
        for (String l : index.split("\n")) {
            versions.add(JSON.readTree(l).get("vers").asText());
        }
        assertEquals(n + 1, versions.size(), index);
        assertEquals(n + 1, new TreeSet<>(versions).size(), "every version exactly once");
        byte[] regenerated = IndexLines.render(store.listVersions("busy_crate").stream()
                .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList());
        assertEquals(new String(regenerated, StandardCharsets.UTF_8), index, "the index equals its regeneration from DynamoDB");
    }

    @Test
    void a_failed_index_write_answers_503_and_the_retry_repairs_the_index() throws Exception {
        byte[] body = PublishBodyBuilder.minimal("flaky-crate", "1.0.0").body();
        blobs.failWritesUnder = "index/";
        assertRefused(publish(body, OWNER_TOKEN), 503, "run the same `cargo publish` again");
        assertTrue(store.findVersion("flaky_crate", "1.0.0").isPresent(), "the version was committed");
        assertEquals(null, indexFile("fl/ak/flaky-crate"), "but the index could not be written");
        blobs.failWritesUnder = null;
        assertRefused(publish(body, OWNER_TOKEN), 400, "already uploaded");
        assertTrue(indexFile("fl/ak/flaky-crate").contains("\"vers\":\"1.0.0\""), "the retry brought the index up to date");
    }

    @Test
    void a_failed_tarball_write_leaves_nothing_and_the_retry_succeeds() throws Exception {
        byte[] body = PublishBodyBuilder.minimal("shaky-crate", "1.0.0").body();
        TreeSet<String> before = snapshot();
        blobs.failWritesUnder = "crates/";
        APIGatewayV2HTTPResponse r = publish(body, OWNER_TOKEN);
        assertEquals(503, r.getStatusCode(), r.getBody());
        assertTrue(body(r).get("errors").get(0).get("detail").asText().contains("try again"));
        assertEquals(before, snapshot());
        blobs.failWritesUnder = null;
        assertEquals(200, publish(body, OWNER_TOKEN).getStatusCode());
    }
}
