package dev.cargoreg.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.embedded.EmbeddedBackends;
import dev.cargoreg.aws.internal.DynamoSearchSource;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.admin.UserAdminService;
import dev.cargoreg.core.yank.YankService;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.functions.admin.AdminHandler;
import dev.cargoreg.functions.authorizer.AuthorizerHandler;
import dev.cargoreg.functions.tokens.TokensHandler;
import dev.cargoreg.functions.crates.CratesHandler;
import dev.cargoreg.functions.owners.OwnersHandler;
import dev.cargoreg.functions.publish.PublishHandler;
import dev.cargoreg.functions.search.SearchHandler;
import dev.cargoreg.functions.yank.YankHandler;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The whole registry on one machine, on embedded defaults: DynamoDB Local and S3Mock in this JVM, the Lambda handler
 * classes behind an API Gateway emulator, and the bucket served the way CloudFront serves it. Loopback only.
 */
public final class LocalRegistry implements AutoCloseable {
    static final String TABLE = "cargo-registry";
    static final String BUCKET = "cargo-registry";
    static final String ADMIN = "admin";

    private final EmbeddedBackends backends;
    private final HttpServer server;
    private final ExecutorService executor;
    private final FileChannel lockChannel;
    private final RegistryConfig config;
    private final String token;
    private final Path dataDir;

    private LocalRegistry(EmbeddedBackends backends, HttpServer server, ExecutorService executor, FileChannel lockChannel,
                          RegistryConfig config, String token, Path dataDir) {
        this.backends = backends;
        this.server = server;
        this.executor = executor;
        this.lockChannel = lockChannel;
        this.config = config;
        this.token = token;
        this.dataDir = dataDir;
    }

    public static void main(String[] args) {
        // stdout belongs to the JSON line and the instructions; every library log goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);
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
        } catch (StartupException e) {
            System.err.println("error: " + e.getMessage());
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
        RegistryConfig config = new RegistryConfig(TABLE, BUCKET, null, base, base, options.authRequired(), null, null);

        EmbeddedBackends backends = EmbeddedBackends.start(dataDir, true);
        S3Client s3 = AwsClients.s3(AwsClients.Settings.emulated(null, backends.s3Endpoint()));
        Provisioning.ensureTable(backends.dynamo(), TABLE);
        Provisioning.ensureBucket(s3, BUCKET);
        MetadataStore store = new DynamoMetadataStore(backends.dynamo(), TABLE);
        BlobStore blobs = new S3BlobStore(s3, BUCKET);
        Authenticator authenticator = new Authenticator(store);
        CdnEmulator cdn = new CdnEmulator(blobs, config.authRequired() ? authenticator : null, base + "/me");
        IndexSync index = new IndexSync(store, blobs, cdn, config);

        index.ensureConfig();
        String token = bootstrapAdmin(store, dataDir, options.adminToken());

        server.createContext("/api/", new ApiGatewayEmulator(routes(config, store, blobs, index, backends),
                new AuthorizerHandler(authenticator, config.authRequired())));
        server.createContext("/index/", cdn);
        server.createContext("/crates/", cdn);
        server.createContext("/", new LoginPage(config));
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 8));
        server.setExecutor(executor);
        server.start();
        return new LocalRegistry(backends, server, executor, lock, config, token, dataDir);
    }

    /** Every route of the HTTP API, to the same handler classes API Gateway invokes in AWS. */
    static List<Route> routes(RegistryConfig config, MetadataStore store, BlobStore blobs, IndexSync index,
                              EmbeddedBackends backends) {
        Clock clock = Clock.systemUTC();
        PublishHandler publish = new PublishHandler(new PublishService(config, store, blobs, index, clock));
        YankHandler yank = new YankHandler(new YankService(store, index, clock));
        OwnersHandler owners = new OwnersHandler(new OwnerService(store, clock));
        SearchHandler search = new SearchHandler(new SearchService(
                new DynamoSearchSource(backends.dynamo(), config.tableName()), clock, Duration.ofMillis(250)));
        CratesHandler crates = new CratesHandler(new CrateReadService(store, blobs, config));
        AdminHandler admin = new AdminHandler(new RemovalService(store, blobs, index, clock), new UserAdminService(store, clock),
                new ReindexService(new DynamoSearchSource(backends.dynamo(), config.tableName()), index));
        TokensHandler tokens = new TokensHandler(new TokenService(store, clock));
        // writes always pass the authorizer; reads only when the registry is private (as template.yaml wires them)
        boolean reads = config.authRequired();
        return Route.bySpecificity(List.of(
                new Route("PUT", "/api/v1/crates/new", publish, true),
                new Route("DELETE", "/api/v1/crates/{name}/{version}/yank", yank, true),
                new Route("PUT", "/api/v1/crates/{name}/{version}/unyank", yank, true),
                new Route("GET", "/api/v1/crates/{name}/owners", owners, reads),
                new Route("PUT", "/api/v1/crates/{name}/owners", owners, true),
                new Route("DELETE", "/api/v1/crates/{name}/owners", owners, true),
                new Route("GET", "/api/v1/crates", search, reads),
                new Route("GET", "/api/v1/crates/{name}", crates, reads),
                new Route("GET", "/api/v1/crates/{name}/versions", crates, reads),
                new Route("GET", "/api/v1/crates/{name}/{version}", crates, reads),
                new Route("GET", "/api/v1/crates/{name}/{version}/download", crates, reads),
                new Route("GET", "/api/v1/crates/{name}/{version}/readme", crates, reads),
                new Route("DELETE", "/api/v1/crates/{name}", admin, true),
                new Route("DELETE", "/api/v1/crates/{name}/{version}", admin, true),
                new Route("PUT", "/api/v1/admin/users", admin, true),
                new Route("POST", "/api/v1/admin/reindex", admin, true),
                new Route("PUT", "/api/v1/me/tokens", tokens, true),
                new Route("GET", "/api/v1/me/tokens", tokens, true),
                new Route("DELETE", "/api/v1/me/tokens/{id}", tokens, true),
                new Route("DELETE", "/api/v1/tokens/current", tokens, true),
                new Route("GET", "/api/v1/me", tokens, true)));
    }

    /** The admin user, and its token: the one given, the one kept from the first start, or a new one. */
    private static String bootstrapAdmin(MetadataStore store, Path dataDir, String given) {
        Instant now = Instant.now();
        if (store.findUser(ADMIN).isEmpty()) {
            store.putUser(new MetadataStore.UserRecord(1, ADMIN, "Registry administrator", true, now));
        }
        String token = given;
        Path file = dataDir.resolve("admin-token");
        try {
            if (token == null && Files.exists(file)) {
                token = Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            if (token == null) {
                token = Tokens.generate(new SecureRandom());
                Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String hash = Tokens.sha256Hex(token);
        if (store.findToken(hash).isEmpty()) {
            store.putToken(MetadataStore.TokenRecord.unrestricted(hash, ADMIN, "local admin", now));
        }
        return token;
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

    public String indexUrl() {
        return "sparse+" + config.indexUrl();
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

                    cargo login --registry local %s

                Then publish with `cargo publish --registry local`, and depend on crates with
                    mycrate = { version = "0.1", registry = "local" }

                Stop with Ctrl-C; everything is kept for the next start.
                """.formatted(config.apiUrl(), dataDir, config.authRequired() ? ", private: every read needs a token" : "",
                indexUrl(), privateNote, token);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
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
}
