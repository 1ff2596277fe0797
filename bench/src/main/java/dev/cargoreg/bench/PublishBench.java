package dev.cargoreg.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.functions.publish.PublishHandler;
import dev.cargoreg.testing.AwsRegistryFixture;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Item 1: a warm publish through {@link PublishHandler} (as API Gateway invokes it, the authorizer's context in the
 * event) next to the raw DynamoDB and S3 calls one publish makes, interleaved in the same run on the same backends.
 */
final class PublishBench {
    /** The storage calls of one warm publish to an existing crate, in order. */
    static final List<String> OPS = List.of("GetItem crate", "GetItem version", "PutObject tarball (If-None-Match)",
            "TransactWriteItems", "GetItem crate (index)", "Query versions", "HeadObject index", "PutObject index (If-Match)");

    private final Report report;
    private final AwsRegistryFixture f;

    PublishBench(Report report, AwsRegistryFixture fixture) {
        this.report = report;
        this.f = fixture;
    }

    record Result(String label, Stats publish, Stats raw, Map<String, Stats> ops, Stats configHead, long crateBytes) {
    }

    void run() {
        report.heading("1. Publish latency vs. the storage calls it makes");
        List<String> calls = countCalls();
        report.line("Storage calls of one warm publish of a new version of an existing crate, counted through the ports: "
                + String.join(", ", calls) + ".");
        report.line("");
        Result small = measure("small", 0, 20, 60, 300);
        Result large = measure("1 MiB", 1024 * 1024, 10, 20, 120);

        List<List<String>> rows = new ArrayList<>();
        for (Result r : List.of(small, large)) {
            double p50 = r.publish.p50() / r.raw.p50();
            double p99 = r.publish.p99() / r.raw.p99();
            rows.add(List.of(r.label + " (.crate " + Stats.thousands(r.crateBytes) + " B)", Stats.thousands(r.publish.count()),
                    Stats.ms(r.publish.p50()), Stats.ms(r.publish.p99()), Stats.ms(r.raw.p50()), Stats.ms(r.raw.p99()),
                    Stats.f2(p50) + "× (" + Report.verdict(p50 <= 1.5) + ")", Stats.f2(p99) + "× (" + Report.verdict(p99 <= 3.0) + ")"));
        }
        report.table(List.of("crate", "samples", "publish p50 ms", "publish p99 ms", "raw calls p50 ms", "raw calls p99 ms",
                "ratio p50 (≤ 1.5×)", "ratio p99 (≤ 3×)"), rows);

        List<List<String>> opRows = new ArrayList<>();
        for (String op : OPS) {
            opRows.add(List.of(op, Stats.ms(small.ops.get(op).p50()), Stats.ms(small.ops.get(op).p99()),
                    Stats.ms(large.ops.get(op).p50()), Stats.ms(large.ops.get(op).p99())));
        }
        opRows.add(List.of("*(HeadObject config.json: once per instance, not in the sum)*", Stats.ms(small.configHead.p50()),
                Stats.ms(small.configHead.p99()), Stats.ms(large.configHead.p50()), Stats.ms(large.configHead.p99())));
        report.table(List.of("raw call", "small p50 ms", "small p99 ms", "1 MiB p50 ms", "1 MiB p99 ms"), opRows);
    }

    /** The port calls a warm publish makes, through counting proxies around the same adapters. */
    private List<String> countCalls() {
        List<String> log = new CopyOnWriteArrayList<>();
        MetadataStore store = counting(MetadataStore.class, f.store, log);
        BlobStore blobs = counting(BlobStore.class, f.blobs, log);
        PublishService service = RegistryServices.builder().config(f.config).clock(Clock.systemUTC()).store(store)
                .blobs(blobs).cdn(f.cdn).searchSource(f.searchSource).build().publish();
        // as through API Gateway: the authorizer resolved the token already
        var alice = f.principal(AwsRegistryFixture.ALICE);
        service.publish(alice, Crates.body("count-calls", "1.0.0", 0, 1));
        List<String> first = List.copyOf(log);
        log.clear();
        service.publish(alice, Crates.body("count-calls", "1.0.1", 0, 2));
        report.progress("first publish of an instance (new crate): " + first + "; warm: " + log);
        return List.copyOf(log);
    }

    @SuppressWarnings("unchecked")
    static <T> T counting(Class<T> type, T target, List<String> log) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            log.add(method.getName());
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private Result measure(String label, int randomBytes, int crates, int warmup, int samples) {
        report.progress("publish " + label + ": " + warmup + " warm-up + " + samples + " measured, interleaved with raw calls");
        PublishHandler handler = new PublishHandler(f.publishService(), f.services.imports(), f.services.stagedPush());
        Map<String, Object> alice = f.principal(AwsRegistryFixture.ALICE).toContext();
        String tag = randomBytes == 0 ? "s" : "l";
        for (int k = 0; k < crates; k++) {
            // the raw calls work on twin crates that real publishes created, so items and objects have the same shape
            requireOk(handler.handleRequest(event(Crates.body("pub-" + tag + k, "0.0.1", randomBytes, k), alice), null));
            requireOk(handler.handleRequest(event(Crates.body("raw-" + tag + k, "0.0.1", randomBytes, k), alice), null));
        }
        Stats publish = new Stats();
        Stats raw = new Stats();
        Stats configHead = new Stats();
        Map<String, Stats> ops = new LinkedHashMap<>();
        OPS.forEach(op -> ops.put(op, new Stats()));
        long crateBytes = 0;
        for (int i = 0; i < warmup + samples; i++) {
            int k = i % crates;
            String version = "1." + i + ".0";
            String pubName = "pub-" + tag + k;
            String rawName = "raw-" + tag + k;
            byte[] body = Crates.body(pubName, version, randomBytes, 1000 + i);
            APIGatewayV2HTTPEvent event = event(body, alice);
            byte[] rawCrate = Crates.tarball(rawName, version, randomBytes, 1000 + i);
            crateBytes = rawCrate.length;
            boolean measured = i >= warmup;
            Runnable real = () -> {
                long t0 = System.nanoTime();
                APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);
                long t = System.nanoTime() - t0;
                requireOk(r);
                if (measured) {
                    publish.add(t);
                }
            };
            Runnable rawCalls = () -> {
                Map<String, Long> times = rawPublish(rawName, version, rawCrate, pubName);
                if (measured) {
                    long sum = 0;
                    for (String op : OPS) {
                        ops.get(op).add(times.get(op));
                        sum += times.get(op);
                    }
                    raw.add(sum);
                    configHead.add(times.get("config"));
                }
            };
            if (i % 2 == 0) {
                real.run();
                rawCalls.run();
            } else {
                rawCalls.run();
                real.run();
            }
        }
        return new Result(label, publish, raw, ops, configHead, crateBytes);
    }

    static APIGatewayV2HTTPEvent event(byte[] body, Map<String, Object> authorizerContext) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("PUT").withPath("/api/v1/crates/new")
                .withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("cargo/1.95.0").build();
        var rc = APIGatewayV2HTTPEvent.RequestContext.builder().withHttp(http).withRouteKey("PUT /api/v1/crates/new")
                .withStage("$default").withRequestId("bench")
                .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withLambda(new HashMap<>(authorizerContext)).build())
                .build();
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("PUT /api/v1/crates/new")
                .withRawPath("/api/v1/crates/new").withHeaders(new HashMap<>(Map.of("user-agent", "cargo/1.95.0")))
                .withBody(Base64.getEncoder().encodeToString(body)).withIsBase64Encoded(true).withRequestContext(rc).build();
    }

    static void requireOk(APIGatewayV2HTTPResponse r) {
        if (r.getStatusCode() != 200) {
            throw new IllegalStateException("publish answered " + r.getStatusCode() + ": " + r.getBody());
        }
    }

    /**
     * The calls of {@link #OPS}, made directly with the SDK on the twin crate: the same items (the version item carries
     * the index line the real publish stored), the same object sizes and headers, the same conditions.
     */
    private Map<String, Long> rawPublish(String name, String version, byte[] crate, String realTwin) {
        // the line and details of the real twin's version: the same bytes, with the twin's name
        MetadataStore.VersionRecord twin = f.store.findVersion(CrateName.canonical(realTwin), "0.0.1").orElseThrow();
        String line = twin.line().replace("\"name\":\"" + realTwin + "\"", "\"name\":\"" + name + "\"");
        String canonical = CrateName.canonical(name);
        String pk = "CRATE#" + canonical;
        Map<String, AttributeValue> metaKey = Map.of("PK", s(pk), "SK", s("META"));
        Map<String, Long> t = new HashMap<>();

        long t0 = System.nanoTime();
        Map<String, AttributeValue> meta = f.dynamo.getItem(r -> r.tableName(f.table).key(metaKey).consistentRead(true)).item();
        t.put(OPS.get(0), System.nanoTime() - t0);
        long rev = Long.parseLong(meta.get("rev").n());
        long count = Long.parseLong(meta.get("versions").n());

        t0 = System.nanoTime();
        f.dynamo.getItem(r -> r.tableName(f.table).key(Map.of("PK", s(pk), "SK", s("V#" + version))).consistentRead(true));
        t.put(OPS.get(1), System.nanoTime() - t0);

        String cksum = Digests.sha256Hex(crate);
        PutObjectRequest putCrate = PutObjectRequest.builder().bucket(f.bucket).key(IndexPaths.crateKey(name, version))
                .contentType("application/gzip").cacheControl(f.config.cache().crate()).metadata(Map.of("sha256", cksum))
                .ifNoneMatch("*").build();
        t0 = System.nanoTime();
        f.s3.putObject(putCrate, RequestBody.fromBytes(crate));
        t.put(OPS.get(2), System.nanoTime() - t0);

        Instant now = Instant.now();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", n(1));
        values.put(":now", s(now.toString()));
        values.put(":rev", n(rev));
        values.put(":login", s("alice"));
        Map<String, AttributeValue> summary = new LinkedHashMap<>();
        summary.put("description", meta.getOrDefault("description", s("")));
        summary.put("homepage", AttributeValue.fromNul(true));
        summary.put("documentation", meta.getOrDefault("documentation", s("")));
        summary.put("repository", meta.getOrDefault("repository", s("")));
        summary.put("keywords", meta.getOrDefault("keywords", AttributeValue.fromL(List.of())));
        summary.put("categories", meta.getOrDefault("categories", AttributeValue.fromL(List.of())));
        summary.put("maxVersion", s(version));
        summary.put("maxStableVersion", s(version));
        summary.put("newestVersion", s(version));
        summary.put("allYanked", AttributeValue.fromBool(false));
        summary.put("spk", meta.getOrDefault("spk", s("S#0")));
        summary.put("ssk", s(String.format("%015d#%s", now.toEpochMilli(), canonical)));
        StringBuilder set = new StringBuilder("SET rev = rev + :one, versions = versions + :one, updated = :now");
        summary.forEach((k, v) -> {
            set.append(", ").append(k).append(" = :s_").append(k);
            values.put(":s_" + k, v);
        });
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", s(pk));
        item.put("SK", s("V#" + version));
        item.put("seq", n(count + 1));
        item.put("vers", s(version));
        item.put("line", s(line));
        item.put("yanked", AttributeValue.fromBool(false));
        item.put("cksum", s(cksum));
        item.put("size", n(crate.length));
        item.put("publisher", s("alice"));
        item.put("published", s(now.toString()));
        item.put("details", AttributeValue.fromM(details(twin.details().toMap())));
        TransactWriteItem update = TransactWriteItem.builder().update(Update.builder().tableName(f.table).key(metaKey)
                .updateExpression(set.toString()).conditionExpression("rev = :rev AND contains(owners, :login)")
                .expressionAttributeValues(values).build()).build();
        TransactWriteItem put = TransactWriteItem.builder().put(Put.builder().tableName(f.table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
        t0 = System.nanoTime();
        f.dynamo.transactWriteItems(r -> r.transactItems(update, put));
        t.put(OPS.get(3), System.nanoTime() - t0);

        t0 = System.nanoTime();
        Map<String, AttributeValue> after = f.dynamo.getItem(r -> r.tableName(f.table).key(metaKey).consistentRead(true)).item();
        t.put(OPS.get(4), System.nanoTime() - t0);

        QueryRequest q = QueryRequest.builder().tableName(f.table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :v)")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":v", s("V#"))).build();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        t0 = System.nanoTime();
        for (var page : f.dynamo.queryPaginator(q)) {
            items.addAll(page.items());
        }
        t.put(OPS.get(5), System.nanoTime() - t0);

        String indexKey = IndexPaths.keyOf(name);
        t0 = System.nanoTime();
        HeadObjectResponse head = f.s3.headObject(r -> r.bucket(f.bucket).key(indexKey));
        t.put(OPS.get(6), System.nanoTime() - t0);

        StringBuilder file = new StringBuilder();
        items.forEach(i -> file.append(i.get("line").s()).append('\n'));
        PutObjectRequest putIndex = PutObjectRequest.builder().bucket(f.bucket).key(indexKey)
                .contentType("text/plain; charset=utf-8").cacheControl(f.config.cache().index())
                .metadata(Map.of(IndexSync.REVISION_METADATA, after.get("rev").n())).ifMatch(head.eTag()).build();
        byte[] fileBytes = file.toString().getBytes(StandardCharsets.UTF_8);
        t0 = System.nanoTime();
        f.s3.putObject(putIndex, RequestBody.fromBytes(fileBytes));
        t.put(OPS.get(7), System.nanoTime() - t0);

        t0 = System.nanoTime();
        f.s3.headObject(r -> r.bucket(f.bucket).key(IndexPaths.CONFIG_KEY));
        t.put("config", System.nanoTime() - t0);
        return t;
    }

    private static Map<String, AttributeValue> details(Map<String, Object> d) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        d.forEach((k, v) -> {
            if (v instanceof List<?> l) {
                out.put(k, AttributeValue.fromL(l.stream().map(x -> s(String.valueOf(x))).toList()));
            } else {
                out.put(k, s(String.valueOf(v)));
            }
        });
        return out;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
