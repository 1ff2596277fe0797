package dev.cargoreg.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.DynamoSearchSource;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.embedded.EmbeddedBackends;
import dev.cargoreg.functions.authorizer.AuthorizerHandler;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The whole registry on one machine, on embedded defaults: DynamoDB Local and S3Mock in this JVM, the Lambda handler
 * classes behind an API Gateway emulator, and the bucket served the way CloudFront serves it. Loopback only.
 */
public final class LocalRegistry implements AutoCloseable {
    /** sqlite4java warns about its own jar's version at every start: noise, not news (held: JUL keeps loggers weakly). */
    private static final Logger SQLITE_LOG = Logger.getLogger("com.almworks.sqlite4java");
    static final String TABLE = "cargo-registry";
    static final String BUCKET = "cargo-registry";
    /** The CDN's access logs, apart from the registry's objects as in AWS (template.yaml's LogBucket). */
    static final String LOG_BUCKET = "cargo-registry-logs";

    private final EmbeddedBackends backends;
    private final HttpServer server;
    private final ExecutorService executor;
    private final FileChannel lockChannel;
    private final RegistryConfig config;
    private final String token;
    private final Path dataDir;
    /** {@code --webhook}: null without it. */
    private final WebhookRelay relay;
    private final CdnAccessLog accessLog;

    private LocalRegistry(EmbeddedBackends backends, HttpServer server, ExecutorService executor, FileChannel lockChannel,
                          RegistryConfig config, String token, Path dataDir, WebhookRelay relay, CdnAccessLog accessLog) {
        this.accessLog = accessLog;
        this.backends = backends;
        this.server = server;
        this.executor = executor;
        this.lockChannel = lockChannel;
        this.config = config;
        this.token = token;
        this.dataDir = dataDir;
        this.relay = relay;
    }

    public static void main(String[] args) {
        // stdout belongs to the JSON line and the instructions; every library log goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);
        SQLITE_LOG.setLevel(Level.SEVERE);
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(Options.usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            out.print(Options.usage());
            return;
        }
        LocalRegistry registry;
        try {
            registry = start(options);
        } catch (StartupException | EmbeddedBackends.StartupFailure e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            // never hang and never bury the reason in a stack trace: one line, then the details for a bug report
            System.err.println("error: the registry could not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            System.err.println("registry stopped; state kept in " + registry.dataDir);
        }, "shutdown"));
        out.println(registry.startupJson());
        out.println(registry.instructions());
        out.flush();
    }

    static final class StartupException extends RuntimeException {
        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static LocalRegistry start(Options options) {
        // The JDK server leaves Nagle on and writes headers and body apart: with delayed ACKs every kept-alive
        // response waited 40 ms (docs/benchmarks.md). Must be set before the first HttpServer is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path dataDir = options.dataDir();
        // the webhook relays what changes from here on (the first start's bootstrap included)
        Instant started = Instant.now();
        FileChannel lock = lockDataDir(dataDir);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 256);
        } catch (BindException e) {
            closeQuietly(lock);
            throw new StartupException("port " + options.port() + " on 127.0.0.1 is in use; pick another with --port N (0 = any free port)", e);
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException(e);
        }
        int port = server.getAddress().getPort();
        String base = "http://127.0.0.1:" + port;
        RegistryConfig config = RegistryConfig.builder(TABLE, BUCKET, base, base).authRequired(options.authRequired())
                .addTrustedIssuers(options.trustedIssuers())
                .limits(RegistryConfig.Limits.defaults().withMaxCrateBytes(options.maxCrateBytes()))
                // search answers within a quarter second of a change, so scripts and tests need not wait long
                .searchRefresh(Duration.ofMillis(250)).mirror(options.mirror()).build();

        EmbeddedBackends backends;
        try {
            backends = EmbeddedBackends.start(dataDir, true);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        try {
            S3Client s3 = AwsClients.s3(AwsClients.Settings.emulated(null, backends.s3Endpoint()));
            Provisioning.ensureTable(backends.dynamo(), TABLE);
            Provisioning.ensureBucket(s3, BUCKET);
            MetadataStore store = new DynamoMetadataStore(backends.dynamo(), TABLE);
            BlobStore blobs = new S3BlobStore(s3, BUCKET);
            CdnEmulator cdn = new CdnEmulator(blobs, base + "/me");
            RegistryServices services = RegistryServices.builder().config(config).clock(Clock.systemUTC()).store(store)
                    .blobs(blobs).cdn(cdn).searchSource(new DynamoSearchSource(backends.dynamo(), TABLE)).build();
            if (config.authRequired()) {
                cdn.requireTokens(services.authenticator());
            }

            services.index().ensureConfig();
            // standard logging, counted by the same code as in AWS (docs/downloads.md)
            Provisioning.ensureBucket(s3, LOG_BUCKET);
            CdnAccessLog accessLog = new CdnAccessLog(s3, LOG_BUCKET, services.downloadCounter()).start(options.downloadsInterval());
            cdn.logTo(accessLog);
            String token = AdminToken.ensure(services, dataDir, options.adminToken());

            HandlerFactory handlers = new HandlerFactory(services);
            SamTemplate template = SamTemplate.load();
            server.createContext("/api/", new ApiGatewayEmulator(routes(template, handlers, config.authRequired()),
                    (AuthorizerHandler) handlers.build(template.authorizer().orElseThrow().handlerClass())));
            server.createContext("/index/", cdn);
            server.createContext("/crates/", cdn);
            if (config.mirror().enabled()) {
                services.mirror().ensureConfig();
                server.createContext("/mirror/", new MirrorEmulator(services.mirror(), blobs,
                        config.authRequired() ? services.authenticator() : null, base + "/me"));
            }
            // the web UI, and cargo's login_url (/me): the page where a user signs in with a token and creates tokens
            server.createContext("/", options.webDir() == null ? new WebUi() : WebUi.live(options.webDir()));
            ExecutorService executor = Executors.newFixedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 8));
            server.setExecutor(executor);
            server.start();
            WebhookRelay relay = options.webhook() == null ? null : new WebhookRelay(store, options.webhook(), started).start();
            return new LocalRegistry(backends, server, executor, lock, config, token, dataDir, relay, accessLog);
        } catch (RuntimeException e) {
            // nothing half-started stays behind: the caller exits with the reason
            server.stop(0);
            backends.close();
            closeQuietly(lock);
            throw e;
        }
    }

    /**
     * Every route of template.yaml, to the handler class its function names (one instance per function), authorized
     * as the template configures it: what `sam local start-api` does with the same file.
     */
    static List<Route> routes(SamTemplate template, HandlerFactory handlers, boolean privateRegistry) {
        Map<String, HttpFunction> byFunction = new HashMap<>();
        List<Route> routes = new ArrayList<>();
        for (SamTemplate.ApiRoute r : template.routes()) {
            SamTemplate.Function fn = template.function(r.functionLogicalId());
            HttpFunction handler = byFunction.computeIfAbsent(fn.logicalId(), id -> (HttpFunction) handlers.build(fn.handlerClass()));
            routes.add(new Route(r.method(), r.path(), handler, r.authorized(privateRegistry)));
        }
        return Route.bySpecificity(routes);
    }

    private static FileChannel lockDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FileChannel ch = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new StartupException("another registry is running on " + dataDir + "; give this one its own --data-dir", null);
            }
            return ch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For in-process tests that inspect storage. */
    EmbeddedBackends backends() {
        return backends;
    }

    RegistryConfig config() {
        return config;
    }

    /** For in-process tests: the CDN's access log (write and count now with {@link CdnAccessLog#flushAndCount}). */
    CdnAccessLog accessLog() {
        return accessLog;
    }

    public String indexUrl() {
        return "sparse+" + config.indexUrl();
    }

    /** The mirror's sparse index URL, or null when no --upstream was given. */
    public String mirrorUrl() {
        return config.mirror().enabled() ? "sparse+" + config.cdnBaseUrl() + "/mirror/index/" : null;
    }

    public String apiUrl() {
        return config.apiUrl();
    }

    public String token() {
        return token;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    String startupJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", indexUrl());
        m.put("api", apiUrl());
        m.put("dl", config.dlTemplate());
        m.put("token", token);
        m.put("port", port());
        m.put("authRequired", config.authRequired());
        m.put("dataDir", dataDir.toString());
        if (config.mirror().enabled()) {
            m.put("mirror", mirrorUrl());
        }
        try {
            return Json.mapper().writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String instructions() {
        String privateNote = config.authRequired() ? """

                    # a private registry: cargo sends the token on every request only with this
                    [registry]
                    global-credential-providers = ["cargo:token"]
                """ : "";
        return """

                Cargo registry running at %s (state in %s)%s.

                Add this to ~/.cargo/config.toml (or a project's .cargo/config.toml):

                    [registries.local]
                    index = "%s"
                %s
                Log in once (this is the admin's token; keep it secret):

                    echo %s | cargo login --registry local

                Then publish with `cargo publish --registry local`, and depend on crates with
                    mycrate = { version = "0.1", registry = "local" }

                %sStop with Ctrl-C; everything is kept for the next start.
                """.formatted(config.apiUrl(), dataDir, config.authRequired() ? ", private: every read needs a token" : "",
                indexUrl(), privateNote, token, mirrorNote());
    }

    private String mirrorNote() {
        if (!config.mirror().enabled()) {
            return "";
        }
        return """
                crates.io through this registry (a mirror of %s, revalidated every %d s):

                    [source.crates-io]
                    replace-with = "local-mirror"

                    [source.local-mirror]
                    registry = "%s"

                """.formatted(config.mirror().upstream(), config.mirror().ttl().toSeconds(), mirrorUrl());
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            // what the CDN served last is written and counted before the storage stops
            accessLog.close();
        } catch (RuntimeException e) {
            System.err.println("the last CDN access log could not be written or counted: " + e);
        }
        try {
            backends.close();
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** {@code --webhook}: failed delivery attempts since start (0 without a webhook). */
    public long webhookFailedAttempts() {
        return relay == null ? 0 : relay.failedAttempts();
    }

}
