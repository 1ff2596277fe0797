package dev.cargoreg.embedded;

import com.adobe.testing.s3mock.S3MockApplication;
import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * DynamoDB Local and Adobe S3Mock in this JVM, without Docker: the local runner's storage and the integration tests'
 * backends. With a data directory both keep their state there across restarts; without one, state is throw-away.
 */
public final class EmbeddedBackends implements AutoCloseable {
    private final AmazonDynamoDBLocal dynamoLocal;
    private final DynamoDbClient dynamo;
    private final S3MockApplication s3mock;
    private final URI s3Endpoint;

    private EmbeddedBackends(AmazonDynamoDBLocal dynamoLocal, S3MockApplication s3mock) {
        this.dynamoLocal = dynamoLocal;
        this.dynamo = dynamoLocal.dynamoDbClient();
        this.s3mock = s3mock;
        this.s3Endpoint = URI.create("http://127.0.0.1:" + s3mock.getHttpPort());
    }

    /**
     * @param dataDir where state lives ({@code dynamodb/} and {@code s3/} inside it)
     * @param persistent false: DynamoDB in memory and S3 files removed on exit (tests)
     */
    public static EmbeddedBackends start(Path dataDir, boolean persistent) {
        try {
            Path ddbDir = Files.createDirectories(dataDir.resolve("dynamodb"));
            Path s3Dir = Files.createDirectories(dataDir.resolve("s3"));
            // S3Mock (Spring Boot) takes seconds to start: let DynamoDB Local start beside it.
            CompletableFuture<AmazonDynamoDBLocal> ddbStart = CompletableFuture.supplyAsync(() -> persistent
                    // true: no telemetry, which costs about a second offline
                    ? DynamoDBEmbedded.create(ddbDir.resolve("registry.db").toFile(), true)
                    : DynamoDBEmbedded.create(true));
            Map<String, Object> props = new HashMap<>();
            props.put(S3MockApplication.PROP_HTTP_PORT, 0);
            props.put(S3MockApplication.PROP_HTTPS_PORT, 0);
            props.put(S3MockApplication.PROP_ROOT_DIRECTORY, s3Dir.toString());
            props.put("com.adobe.testing.s3mock.store.retainFilesOnExit", persistent);
            props.put(S3MockApplication.PROP_SILENT, true);
            props.put("server.address", "127.0.0.1");
            props.put("spring.main.sources", LoopbackOnly.class.getName());
            props.put("spring.main.banner-mode", "off");
            props.put("logging.level.root", "WARN");
            props.put("logging.level.com.adobe.testing", "WARN");
            S3MockApplication s3 = S3MockApplication.start(props);
            return new EmbeddedBackends(ddbStart.join(), s3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedBackends shared;

    /** One throw-away pair per JVM, for test suites: tables and buckets are named per test to keep them apart. */
    public static synchronized EmbeddedBackends shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "backends");
                shared = start(dir, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedBackends b = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
        }
        return shared;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /** Plain-HTTP, path-style S3 endpoint on loopback. */
    public URI s3Endpoint() {
        return s3Endpoint;
    }

    @Override
    public void close() {
        try {
            s3mock.stop();
        } finally {
            // shutdown() can leave a non-daemon thread behind; shutdownNow() does not.
            dynamoLocal.shutdownNow();
        }
    }
}
