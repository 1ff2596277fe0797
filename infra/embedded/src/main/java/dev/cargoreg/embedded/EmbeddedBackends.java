package dev.cargoreg.embedded;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cargoreg.embedded.s3.FileObjectStore;
import dev.cargoreg.embedded.s3.S3Server;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DynamoDB Local and a small S3-compatible server ({@link S3Server}) in this JVM, without Docker: the local runner's
 * storage and the integration tests' backends. With a data directory both keep their state there across restarts;
 * without one, state is throw-away.
 *
 * <p>Both survive a kill at any moment: DynamoDB Local keeps its tables in SQLite (journaled), and the S3 server writes
 * each object to a temporary file and renames it into place ({@link FileObjectStore}). Every thread either starts is a
 * daemon thread, so a caller that fails after {@link #start} without closing never hangs the JVM.
 */
public final class EmbeddedBackends implements AutoCloseable {
    private static final long DDB_START_TIMEOUT_S = Long.getLong("cargoreg.embedded.dynamoStartTimeoutSeconds", 60);
    private static final boolean TIMING = Boolean.getBoolean("cargoreg.embedded.timing");

    private final AmazonDynamoDBLocal dynamoLocal;
    private final DynamoDbClient dynamo;
    private final S3Server s3;

    private EmbeddedBackends(AmazonDynamoDBLocal dynamoLocal, S3Server s3) {
        this.dynamoLocal = dynamoLocal;
        // DynamoDB Local answers a transaction before its COMMIT runs: wait for it (DurableTransactions, defect D1)
        this.dynamo = DurableTransactions.wrap(dynamoLocal.dynamoDbClient());
        this.s3 = s3;
    }

    /** A start that failed: the message is one line that says what failed and what to do. */
    public static final class StartupFailure extends RuntimeException {
        StartupFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param dataDir where state lives ({@code dynamodb/} and {@code s3/} inside it)
     * @param persistent false: DynamoDB in memory and S3 files not flushed to disk (tests)
     * @throws StartupFailure when either backend cannot start; nothing is left running then
     */
    public static EmbeddedBackends start(Path dataDir, boolean persistent) {
        long t0 = System.nanoTime();
        Path ddbDir;
        Path s3Dir;
        try {
            ddbDir = Files.createDirectories(dataDir.resolve("dynamodb"));
            s3Dir = Files.createDirectories(dataDir.resolve("s3"));
        } catch (IOException e) {
            throw new StartupFailure("cannot create the data directory " + dataDir + " (" + e
                    + "): check its permissions and free space, or pick another with --data-dir", e);
        }
        Path dbFile = ddbDir.resolve("registry.db");
        if (persistent) {
            checkSqlite(dbFile);
        }
        // DynamoDB Local's own logging (log4j-core: ~500 classes, JMX) costs startup time; log4j's simple logger
        // prints the same warnings and errors to stderr.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
        // DynamoDB Local is the slower of the two: start it beside the S3 server, on a daemon thread (the
        // common pool), so the threads it makes inherit daemon-ness where it does not set it itself.
        Set<Thread> before = nonDaemonThreads();
        CompletableFuture<AmazonDynamoDBLocal> ddbStart = CompletableFuture.supplyAsync(() -> {
            long d0 = System.nanoTime();
            AmazonDynamoDBLocal local = persistent
                    // true: no telemetry, which costs about a second offline
                    ? DynamoDBEmbedded.create(dbFile.toFile(), true)
                    : DynamoDBEmbedded.create(true);
            local.dynamoDbClient().listTables(); // opens the database now, not on the first request
            timing("dynamodb-local ready", d0);
            return local;
        });
        S3Server s3 = null;
        try {
            long s0 = System.nanoTime();
            // the JDK HTTP server reads this once: without it kept-alive answers wait for delayed ACKs (40 ms)
            if (System.getProperty("sun.net.httpserver.nodelay") == null) {
                System.setProperty("sun.net.httpserver.nodelay", "true");
            }
            s3 = S3Server.start(new FileObjectStore(s3Dir, persistent), 0);
            timing("s3 ready", s0);
        } catch (IOException | RuntimeException e) {
            ddbStart.thenAccept(AmazonDynamoDBLocal::shutdownNow);
            throw new StartupFailure("cannot start the embedded S3 store in " + s3Dir + " (" + e
                    + "): fix or move away that directory, or start with another --data-dir", e);
        }
        AmazonDynamoDBLocal ddb;
        try {
            // DynamoDB Local retries a database it cannot open every 3 s, forever: bound the wait instead
            ddb = ddbStart.get(DDB_START_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            s3.close();
            ddbStart.thenAccept(AmazonDynamoDBLocal::shutdownNow);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String what = e instanceof TimeoutException
                    ? "DynamoDB Local did not open " + dbFile + " within " + DDB_START_TIMEOUT_S + " s"
                    : "cannot start DynamoDB Local on " + dbFile + " (" + cause + ")";
            throw new StartupFailure(what + ": move " + ddbDir
                    + " away to start with empty metadata, or start with another --data-dir", cause);
        }
        timing("backends ready", t0);
        EmbeddedBackends backends = new EmbeddedBackends(ddb, s3);
        Set<Thread> ddbThreads = nonDaemonThreads();
        ddbThreads.removeAll(before);
        backends.watch(ddbThreads);
        return backends;
    }

    /** A database file DynamoDB Local would spin on forever: refuse it at once, saying so. */
    private static void checkSqlite(Path dbFile) {
        if (!Files.exists(dbFile)) {
            return;
        }
        String problem = null;
        if (!Files.isReadable(dbFile) || !Files.isWritable(dbFile)) {
            problem = "cannot be read or written by this user";
        } else {
            try (InputStream in = Files.newInputStream(dbFile)) {
                byte[] head = in.readNBytes(16);
                if (head.length > 0 && !new String(head, StandardCharsets.ISO_8859_1).equals("SQLite format 3\0")) {
                    problem = "is not an SQLite database";
                }
            } catch (IOException e) {
                problem = "cannot be read (" + e + ")";
            }
        }
        if (problem != null) {
            throw new StartupFailure("DynamoDB Local's file " + dbFile + " " + problem + ": move " + dbFile.getParent()
                    + " away to start with empty metadata, or start with another --data-dir", null);
        }
    }

    private volatile boolean closed;

    /**
     * DynamoDB Local starts non-daemon threads (its SQLite queue and a pool) that would keep the JVM alive forever
     * after a caller failed without closing (finding H1: the runner hung instead of exiting). A daemon thread watches
     * for the moment no other non-daemon thread is left (the caller's main thread ended and nothing else runs) and
     * then closes the backends, so the JVM exits with the caller's status.
     */
    private void watch(Set<Thread> own) {
        Thread watcher = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                Set<Thread> others = nonDaemonThreads();
                others.removeAll(own);
                others.removeIf(t -> t.getName().equals("DestroyJavaVM"));
                if (others.isEmpty() && !closed) {
                    System.err.println("embedded: nothing else is running; stopping DynamoDB Local and S3 so the JVM can exit");
                    close();
                }
            }
        }, "embedded-backends-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static Set<Thread> nonDaemonThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        Set<Thread> s = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (!all[i].isDaemon() && all[i].isAlive()) {
                s.add(all[i]);
            }
        }
        return s;
    }

    private static void timing(String what, long since) {
        if (TIMING) {
            System.err.printf("embedded: %s in %d ms%n", what, (System.nanoTime() - since) / 1_000_000);
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
        return s3.endpoint();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            s3.close();
        } finally {
            // shutdown() can leave a non-daemon thread behind; shutdownNow() does not.
            dynamoLocal.shutdownNow();
        }
    }
}
