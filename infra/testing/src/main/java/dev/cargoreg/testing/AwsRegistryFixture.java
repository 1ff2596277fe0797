package dev.cargoreg.testing;

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
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.RecordingCdn;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.embedded.EmbeddedBackends;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fresh registry for one test: its own table and bucket in the JVM-wide DynamoDB Local and S3Mock, the production
 * adapters over the real SDK, users alice (owner), bob and root (admin) with tokens, and helpers to build API Gateway
 * events from the samples in events/ and to prove that a refused request changed nothing. (Core's service tests use
 * {@code dev.cargoreg.core.testing.FakeRegistry}, the same idea over in-memory fakes.)
 */
public final class AwsRegistryFixture {
    public static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    public static final String ALICE = "cargoreg_AliceToken000000000000000000000000000000000";
    public static final String BOB = "cargoreg_BobToken00000000000000000000000000000000000";
    public static final String ROOT = "cargoreg_RootToken0000000000000000000000000000000000";

    public final DynamoDbClient dynamo;
    public final S3Client s3;
    public final String table;
    public final String bucket;
    public final MetadataStore store;
    public final BlobStore blobs;
    public final RecordingCdn cdn = new RecordingCdn();
    public final RegistryConfig config;
    public final IndexSync index;
    public final DynamoSearchSource searchSource;
    /** Every service, built by the production composition root over this fixture's adapters. */
    public final RegistryServices services;

    public AwsRegistryFixture() {
        this(EmbeddedBackends.shared().dynamo(),
                AwsClients.s3(AwsClients.Settings.emulated(null, EmbeddedBackends.shared().s3Endpoint())));
    }

    /** The same fixture on other backends (LocalStack, or real AWS). */
    public AwsRegistryFixture(DynamoDbClient dynamo, S3Client s3) {
        this.dynamo = dynamo;
        this.s3 = s3;
        String id = UUID.randomUUID().toString().substring(0, 8);
        table = "registry-" + id;
        bucket = "registry-" + id;
        Provisioning.ensureTable(dynamo, table);
        Provisioning.ensureBucket(s3, bucket);
        store = new DynamoMetadataStore(dynamo, table);
        blobs = new S3BlobStore(s3, bucket);
        config = RegistryConfig.builder(table, bucket, "https://cdn.example.com", "https://api.example.com")
                .distributionId("E123").searchRefresh(Duration.ZERO).build();
        searchSource = new DynamoSearchSource(dynamo, table);
        services = services(config);
        index = services.index();
        Instant now = Instant.now();
        // seeded as the registry itself creates users and tokens: through the store and the one token mint
        Unaudited.of(store).createUser("root", "Root", true, now);
        Unaudited.of(store).createUser("alice", "Alice", false, now);
        Unaudited.of(store).createUser("bob", "Bob", false, now);
        services.tokenMint().adopt(ROOT, "root", "t");
        services.tokenMint().adopt(ALICE, "alice", "t");
        services.tokenMint().adopt(BOB, "bob", "t");
    }

    /** The production composition root over this fixture's table and bucket, with another configuration. */
    public RegistryServices services(RegistryConfig with) {
        return RegistryServices.builder().config(with).clock(Clock.systemUTC()).store(store).blobs(blobs).cdn(cdn)
                .searchSource(searchSource).build();
    }

    public PublishService publishService() {
        return services.publish();
    }

    /** Publishes a minimal crate with a README.md through the real publish policy. */
    public void publish(String token, String name, String version) {
        byte[] body = PublishBodyBuilder.bare(name, version).with("description", "the " + name + " crate")
                .with("keywords", List.of("kw-" + name)).with("license", "MIT").with("readme", "# " + name)
                .with("readme_file", "README.md")
                .body(TarballBuilder.crate(name, version).file(name + "-" + version + "/README.md", "# " + name + "\n").build());
        publishService().publish(principal(token), body);
    }

    /**
     * A sample event from events/ with the given path parameters, token and body, and the authorizer's context for
     * that token, as API Gateway hands it to a function.
     */
    public APIGatewayV2HTTPEvent event(String sample, Map<String, String> pathParameters, String token, String body) {
        return authorize(rawEvent(sample, pathParameters, token, body));
    }

    /** The principal the authorizer makes of a token. */
    public Principal principal(String token) {
        return services.authenticator().resolve(token, config.authRequired());
    }

    /** What the authorizer puts into the request context for the event's Authorization header. */
    public APIGatewayV2HTTPEvent authorize(APIGatewayV2HTTPEvent e) {
        String header = e.getHeaders() == null ? null : e.getHeaders().get("authorization");
        Principal p = services.authenticator().resolve(header, config.authRequired());
        e.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withLambda(new HashMap<>(p.toContext())).build());
        return e;
    }

    /** A sample event without authorizer context. */
    public static APIGatewayV2HTTPEvent rawEvent(String sample, Map<String, String> pathParameters, String token, String body) {
        try {
            Path events = Path.of(System.getProperty("events.dir", "../../events"));
            APIGatewayV2HTTPEvent e = JSON.readValue(Files.readString(events.resolve(sample)), APIGatewayV2HTTPEvent.class);
            if (pathParameters != null) {
                e.setPathParameters(pathParameters);
            }
            Map<String, String> headers = new HashMap<>(e.getHeaders() == null ? Map.of() : e.getHeaders());
            headers.remove("authorization");
            if (token != null) {
                headers.put("authorization", token);
            }
            e.setHeaders(headers);
            if (body != null) {
                e.setBody(body);
                e.setIsBase64Encoded(false);
            }
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static APIGatewayV2HTTPEvent withBase64Body(APIGatewayV2HTTPEvent e, byte[] body) {
        e.setBody(Base64.getEncoder().encodeToString(body));
        e.setIsBase64Encoded(true);
        return e;
    }

    /** Every item of the table and every object of the bucket with its ETag. */
    public TreeSet<String> snapshot() {
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

    public static JsonNode json(APIGatewayV2HTTPResponse r) {
        try {
            return JSON.readTree(r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 4xx with exactly one error whose detail mentions {@code detailPart}. */
    public static void assertRefused(APIGatewayV2HTTPResponse r, int status, String detailPart) {
        assertEquals(status, r.getStatusCode(), r.getBody());
        JsonNode errors = json(r).get("errors");
        assertEquals(1, errors.size(), r.getBody());
        String detail = errors.get(0).get("detail").asText();
        assertTrue(detail.contains(detailPart), "detail '" + detail + "' should mention '" + detailPart + "'");
    }

    /** Runs the request and checks it was refused and that the table and bucket are exactly as before. */
    public void assertRefusedAndUnchanged(Supplier<APIGatewayV2HTTPResponse> request, int status, String detailPart) {
        TreeSet<String> before = snapshot();
        assertRefused(request.get(), status, detailPart);
        assertEquals(before, snapshot(), "a refused request must change nothing");
    }

    public String indexFile(String path) {
        return blobs.get("index/" + path).map(b -> new String(b.body(), StandardCharsets.UTF_8)).orElse(null);
    }
}
