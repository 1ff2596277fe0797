package dev.cargoreg.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.DynamoSearchSource;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.tokens.TokenMint;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.embedded.EmbeddedBackends;
import dev.cargoreg.local.LambdaJarHarness;
import dev.cargoreg.local.SamTemplate;
import dev.cargoreg.testing.AwsRegistryFixture;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipFile;

/**
 * Item 4: each function's Lambda jar size, and a local cold-start proxy: a fresh JVM on the jar alone builds the
 * handler through its Lambda constructor (wiring from the environment, pointed at DynamoDB Local and S3Mock over
 * HTTP, and at a CloudFront stub), then answers one real request. The backends run in this JVM, started outside the
 * timed section. The functions, their jars and handlers come from template.yaml ({@link SamTemplate}); each answers
 * the sample event of one of its routes (a read when it has one), or events/&lt;name&gt;.json when no route targets it.
 * That every jar answers alone is a test (infra/local's LambdaJarsIT); this section times it.
 */
final class ColdStartBench {
    static final List<String> LAMBDA_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long JAR_BUDGET = 15_000_000L;
    private static final int RUNS = 5;
    private static final int RUNS_DEFAULT_FLAGS = 3;

    private final Report report;
    private final Path root;
    private final String javaBin;
    private final Path work;
    private final AtomicInteger run = new AtomicInteger();
    private final Map<String, String> failures = new LinkedHashMap<>();

    ColdStartBench(Report report, Path root, String javaBin, Path work) {
        this.report = report;
        this.root = root;
        this.javaBin = javaBin;
        this.work = work;
    }

    /** One function of the template: its jar, handler class, event type, and the first request of run n. */
    private record Fn(String logicalId, String jar, String handler, String eventClass, IntFunction<JsonNode> event) {
        String label() {
            return handler.substring(handler.lastIndexOf('.') + 1);
        }
    }

    private record Sample(double wallMs, double constructMs, double eventMs, double handleMs, double serializeMs,
                          long uptimeMs, int classes, String status, String response, double cpuMs) {
    }

    /** Section `priming`: what the SnapStart hook buys, for every function that registers one. */
    void runPriming() throws Exception {
        report.heading("4b. SnapStart priming (local proxy)");
        List<Fn> functions = functions();
        Map<String, Path> jars = jars(functions);
        Path coldStartJar = extractColdStartClass();
        HttpServer cloudfront = cloudFrontStub();
        try (DynamoServer dynamo = DynamoServer.start()) {
            priming(report, functions, jars, coldStartJar, seed(dynamo, cloudfront));
        } finally {
            cloudfront.stop(0);
        }
    }

    /** -Dbench.stopGently=true: SIGTERM first, so a profiler given in bench.childFlags writes its file at exit. */
    private static final boolean STOP_GENTLY = Boolean.getBoolean("bench.stopGently");
    /** -Dbench.runs=N for more pairs where the host is noisy. */
    private static final int RUNTIME_RUNS = Integer.getInteger("bench.runs", 5);

    /**
     * The fresh-JVM first request as Lambda's Java runtime makes it: the function jar with the runtime interface client
     * (the open-source core of the managed java21 runtime, bench/target/lambda-runtime/) polling a local Runtime API
     * that hands it one event. The runtime reads and writes the JSON of a {@code RequestHandler} with its own Jackson;
     * a {@code RequestStreamHandler} gets the bytes. Timed from process start to the response's arrival at the
     * Runtime API; CPU from /proc at that moment. With -Dbench.baseline=DIR the other checkout's jars run in turn.
     */
    void runRuntime(Path baselineRoot) throws Exception {
        report.heading("4f. Cold start through the Lambda runtime interface client (local Runtime API)");
        Path runtimeJars = root.resolve("bench/target/lambda-runtime");
        if (!Files.isDirectory(runtimeJars)) {
            throw new IllegalStateException(runtimeJars + " is missing: build with `mvn -Pbench -DskipTests package`");
        }
        String runtimeMain = runtimeMain(runtimeJars);
        List<Fn> functions = functions();
        Map<String, Path> jars = jars(functions);
        Map<String, Path> baseline = baselineRoot == null ? Map.of() : jars(functions, baselineRoot, "lambda-jars-baseline");
        HttpServer cloudfront = cloudFrontStub();
        try (DynamoServer dynamo = DynamoServer.start(); RuntimeApi api = RuntimeApi.start()) {
            Map<String, String> env = new LinkedHashMap<>(seed(dynamo, cloudfront));
            env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.port());
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench");
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "bench");
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
            List<List<String>> rows = new ArrayList<>();
            for (Fn fn : functions) {
                Path a = jars.get(fn.jar);
                Path b = baseline.get(fn.jar);
                if (a == null || (baselineRoot != null && b == null)) {
                    continue;
                }
                report.progress("runtime cold start " + fn.label());
                env.put("AWS_LAMBDA_FUNCTION_NAME", fn.label());
                List<double[]> as = new ArrayList<>();
                List<double[]> bs = new ArrayList<>();
                String status = "";
                for (int i = 0; i <= RUNTIME_RUNS; i++) {
                    if (b != null) {
                        double[] r = runtimeRun(api, fn, b, runtimeJars, runtimeMain, env);
                        if (i > 0) {
                            bs.add(r);
                        }
                    }
                    double[] r = runtimeRun(api, fn, a, runtimeJars, runtimeMain, env);
                    status = api.lastStatus();
                    if (i > 0) {
                        as.add(r);
                    }
                }
                double aWall = median(as.stream().mapToDouble(r -> r[0]).toArray());
                double aCpu = median(as.stream().mapToDouble(r -> r[1]).toArray());
                List<String> row = new ArrayList<>(List.of(fn.label(), status, Stats.ms(aWall), Report.verdict(aWall <= 800),
                        Stats.ms(aCpu)));
                if (b != null) {
                    double[] wallRatio = new double[as.size()];
                    double[] cpuRatio = new double[as.size()];
                    for (int i = 0; i < as.size(); i++) {
                        wallRatio[i] = as.get(i)[0] / bs.get(i)[0];
                        cpuRatio[i] = as.get(i)[1] / bs.get(i)[1];
                    }
                    row.add(Stats.ms(median(bs.stream().mapToDouble(r -> r[0]).toArray())));
                    row.add(Stats.ms(median(bs.stream().mapToDouble(r -> r[1]).toArray())));
                    row.add(Stats.f2(median(wallRatio)));
                    row.add(Stats.f2(median(cpuRatio)));
                }
                rows.add(row);
            }
            List<String> head = new ArrayList<>(List.of("handler", "answered", "fresh JVM → response at the Runtime API, median ms",
                    "≤ 800 ms", "CPU ms"));
            if (baselineRoot != null) {
                head.addAll(List.of("baseline ms", "baseline CPU ms", "ms / baseline (pairwise median)", "CPU / baseline"));
            }
            report.table(head, rows);
            report.line(RUNTIME_RUNS + " runs a function after one discarded run, Lambda's JVM flags (`" + String.join(" ", LAMBDA_FLAGS)
                    + "`), `java -cp <function jar>:<runtime jars> " + runtimeMain + " <handler>`"
                    + (baselineRoot != null ? "; the baseline (" + baselineRoot + ") and this checkout in turn" : "") + ".");
        } finally {
            cloudfront.stop(0);
        }
    }

    /**
     * -Dbench.childFlags="-Xlog:class+load:file=/tmp/c%p.log:uptime": added to every child JVM of the coldstart,
     * coldstart-runtime and priming sections (for profiling, not reports).
     */
    private static List<String> childFlags() {
        return List.of(System.getProperty("bench.childFlags", "").split(" ")).stream().filter(x -> !x.isBlank()).toList();
    }

    /** One fresh JVM through the runtime client: {wall ms, CPU ms}; the process is killed once it has answered. */
    private double[] runtimeRun(RuntimeApi api, Fn fn, Path jar, Path runtimeJars, String runtimeMain, Map<String, String> env)
            throws Exception {
        int n = run.incrementAndGet();
        byte[] event = JSON.writeValueAsBytes(fn.event.apply(n));
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(LAMBDA_FLAGS);
        cmd.addAll(childFlags());
        cmd.add("-cp");
        // as Lambda runs it: the runtime client on the classpath; the function's classes from its package extracted
        // into the working directory (/var/task), which the client's own class loader reads
        cmd.add(TASK_ROOT ? runtimeJars.resolve("*").toString() : jar + File.pathSeparator + runtimeJars.resolve("*"));
        cmd.add(runtimeMain);
        cmd.add(fn.handler);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("runtime-stdout.log").toFile());
        if (TASK_ROOT) {
            pb.directory(taskRoot(jar).toFile());
        }
        pb.environment().putAll(env);
        api.expect(event);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            long answeredAt = api.awaitResponse(60_000);
            if (answeredAt < 0) {
                throw new IllegalStateException(fn.label() + " did not answer through the runtime client: "
                        + Files.readString(work.resolve("runtime-stdout.log")).lines().limit(20).toList());
            }
            double cpu = cpuMs(p.pid());
            return new double[] {(answeredAt - t0) / 1e6, cpu};
        } finally {
            if (STOP_GENTLY) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * -Dbench.taskRoot=true: the function's package extracted into a directory that is the process's working directory,
     * and not on the JVM's classpath. That is how Lambda runs a .zip or .jar package: extracted into /var/task, the
     * working directory, whose classes (and lib/*.jar) the runtime client loads through its own URLClassLoader.
     */
    private static final boolean TASK_ROOT = Boolean.getBoolean("bench.taskRoot");
    private final Set<Path> extracted = new HashSet<>();

    private Path taskRoot(Path jar) throws IOException {
        Path dir = jar.resolveSibling(jar.getFileName() + ".d");
        if (extracted.contains(dir)) {
            return dir;
        }
        deleteTree(dir);
        Path tmp = Files.createTempDirectory(jar.getParent(), "extract");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (var e : Collections.list(zip.entries())) {
                Path to = tmp.resolve(e.getName()).normalize();
                if (!to.startsWith(tmp)) {
                    throw new IOException("entry outside the directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, to);
                    }
                }
            }
        }
        Files.move(tmp, dir);
        extracted.add(dir);
        return dir;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The runtime interface client's main class, as its jar's manifest names it (what the Java runtime starts). */
    private static String runtimeMain(Path runtimeJars) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runtimeJars, "aws-lambda-java-runtime-interface-client-*.jar");
             JarFile jar = new JarFile(ds.iterator().next().toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    private static double cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The Lambda Runtime API, enough of it for one invocation a process: next, response, error, init error. */
    static final class RuntimeApi implements AutoCloseable {
        private final HttpServer server;
        private volatile byte[] event;
        private volatile boolean handedOut;
        private volatile CountDownLatch answered = new CountDownLatch(1);
        private volatile long answeredAt = -1;
        private volatile String lastStatus = "";

        private RuntimeApi(HttpServer server) {
            this.server = server;
        }

        static RuntimeApi start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "runtime-api");
                t.setDaemon(true);
                return t;
            }));
            RuntimeApi api = new RuntimeApi(server);
            server.createContext("/2018-06-01/runtime/", api::serve);
            server.start();
            return api;
        }

        int port() {
            return server.getAddress().getPort();
        }

        void expect(byte[] next) {
            answered = new CountDownLatch(1);
            answeredAt = -1;
            handedOut = false;
            event = next;
        }

        long awaitResponse(long timeoutMs) throws InterruptedException {
            return answered.await(timeoutMs, TimeUnit.MILLISECONDS) ? answeredAt : -1;
        }

        String lastStatus() {
            return lastStatus;
        }

        private synchronized boolean takeTurn() {
            if (handedOut) {
                return false;
            }
            handedOut = true;
            return true;
        }

        private void serve(HttpExchange ex) throws IOException {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                String path = ex.getRequestURI().getPath();
                if (ex.getRequestMethod().equals("GET") && path.endsWith("/invocation/next")) {
                    if (!takeTurn()) {
                        // one invocation a process: the next poll waits until the process is killed
                        try {
                            Thread.sleep(120_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return;
                    }
                    byte[] e = event;
                    ex.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", "bench-" + System.nanoTime());
                    ex.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
                    ex.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench");
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, e.length);
                    ex.getResponseBody().write(e);
                    return;
                }
                if (ex.getRequestMethod().equals("POST")) {
                    long at = System.nanoTime();
                    String text = new String(body, StandardCharsets.UTF_8);
                    lastStatus = path.endsWith("/response") ? statusOf(text) : "error: " + text.substring(0, Math.min(200, text.length()));
                    ex.sendResponseHeaders(202, -1);
                    if (path.endsWith("/response")) {
                        answeredAt = at;
                    }
                    answered.countDown();
                    return;
                }
                ex.sendResponseHeaders(404, -1);
            }
        }

        private static String statusOf(String json) {
            int at = json.indexOf("\"statusCode\":");
            if (at >= 0) {
                return json.substring(at + 13).split("[,}]")[0].trim();
            }
            return json.contains("\"isAuthorized\":true") ? "authorized" : json.length() > 40 ? json.substring(0, 40) + "…" : json;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static final int AB_PAIRS = 7;

    /**
     * The same fresh-JVM first request with the jars of another checkout (built there first) and this one's, in turn
     * (B A B A …, {@value #AB_PAIRS} pairs a function, Lambda's flags), so that a change is judged by ratios taken pair by
     * pair while the machine's speed drifts; CPU-seconds beside wall time, since the machine is shared.
     */
    void runAb(Path baselineRoot) throws Exception {
        report.heading("4e. Cold start A/B: " + baselineRoot + " (B) against this checkout (A)");
        List<Fn> functions = functions();
        Map<String, Path> jars = jars(functions);
        Map<String, Path> baseline = jars(functions, baselineRoot, "lambda-jars-baseline");
        Path coldStartJar = extractColdStartClass();
        HttpServer cloudfront = cloudFrontStub();
        try (DynamoServer dynamo = DynamoServer.start()) {
            Map<String, String> env = seed(dynamo, cloudfront);
            List<List<String>> rows = new ArrayList<>();
            for (Fn fn : functions) {
                Path a = jars.get(fn.jar);
                Path b = baseline.get(fn.jar);
                if (a == null || b == null) {
                    continue;
                }
                report.progress("A/B " + fn.label());
                invoke(fn, b, coldStartJar, env, LAMBDA_FLAGS);
                invoke(fn, a, coldStartJar, env, LAMBDA_FLAGS);
                List<Sample> as = new ArrayList<>();
                List<Sample> bs = new ArrayList<>();
                for (int i = 0; i < AB_PAIRS; i++) {
                    bs.add(invoke(fn, b, coldStartJar, env, LAMBDA_FLAGS));
                    as.add(invoke(fn, a, coldStartJar, env, LAMBDA_FLAGS));
                }
                double[] wallRatio = new double[AB_PAIRS];
                double[] cpuRatio = new double[AB_PAIRS];
                for (int i = 0; i < AB_PAIRS; i++) {
                    wallRatio[i] = as.get(i).wallMs / bs.get(i).wallMs;
                    cpuRatio[i] = as.get(i).cpuMs / bs.get(i).cpuMs;
                }
                rows.add(List.of(fn.label(), as.get(0).status,
                        Stats.ms(median(bs.stream().mapToDouble(Sample::wallMs).toArray())),
                        Stats.ms(median(as.stream().mapToDouble(Sample::wallMs).toArray())),
                        Stats.f2(median(wallRatio)),
                        Stats.ms(median(bs.stream().mapToDouble(Sample::cpuMs).toArray())),
                        Stats.ms(median(as.stream().mapToDouble(Sample::cpuMs).toArray())),
                        Stats.f2(median(cpuRatio)),
                        Stats.thousands((int) median(bs.stream().mapToDouble(Sample::classes).toArray())) + " → "
                                + Stats.thousands((int) median(as.stream().mapToDouble(Sample::classes).toArray()))));
            }
            report.table(List.of("handler", "A answered", "B wall ms", "A wall ms", "A/B wall (pairwise median)",
                    "B CPU ms", "A CPU ms", "A/B CPU (pairwise median)", "classes loaded B → A"), rows);
            report.line(AB_PAIRS + " pairs a function after one discarded run of each; medians. Wall: process start to the"
                    + " child's `ANSWERED` line; CPU: the child's user + system time at that line (every thread).");
        } finally {
            cloudfront.stop(0);
        }
    }

    void run() throws Exception {
        report.heading("4. Function jars and cold start (local proxy)");
        List<Fn> functions = functions();
        Map<String, Path> jars = jars(functions);
        if (jars.isEmpty()) {
            report.line("No Lambda jar of template.yaml under " + root + ": build first (`mvn -Pbench -DskipTests package`).");
            return;
        }

        List<List<String>> sizeRows = new ArrayList<>();
        for (Map.Entry<String, Path> e : jars.entrySet()) {
            long size = Files.size(e.getValue());
            sizeRows.add(List.of(e.getKey(), Stats.thousands(size), Stats.f1(size / 1e6) + " MB", Report.verdict(size <= JAR_BUDGET),
                    composition(e.getValue())));
        }
        report.table(List.of("function jar", "bytes", "size", "≤ 15 MB", "largest parts (compressed bytes in the jar)"), sizeRows);

        Path coldStartJar = extractColdStartClass();
        HttpServer cloudfront = cloudFrontStub();
        try (DynamoServer dynamo = DynamoServer.start()) {
            Map<String, String> env = seed(dynamo, cloudfront);
            report.progress("cold start: DynamoDB Local on " + dynamo.endpoint() + ", CloudFront stub on port "
                    + cloudfront.getAddress().getPort());
            List<List<String>> rows = new ArrayList<>();
            List<Sample> noop = new ArrayList<>();
            List<Sample> noopDefault = new ArrayList<>();
            launch(null, coldStartJar, List.of("--noop"), env, LAMBDA_FLAGS);
            for (int i = 0; i < RUNS; i++) {
                noop.add(launch(null, coldStartJar, List.of("--noop"), env, LAMBDA_FLAGS));
            }
            for (int i = 0; i < RUNS_DEFAULT_FLAGS; i++) {
                noopDefault.add(launch(null, coldStartJar, List.of("--noop"), env, List.of()));
            }
            rows.add(row("(empty JVM: start → main → print)", "–", noop, noopDefault, List.of(), false));
            for (Fn fn : functions) {
                Path jar = jars.get(fn.jar);
                if (jar == null) {
                    rows.add(List.of(fn.label(), "no jar", "–", "–", "–", "–", "–", "–", "–"));
                    continue;
                }
                report.progress("cold start " + fn.label());
                // one discarded run: the jar into the page cache, the backends' own first-request paths warmed
                invoke(fn, jar, coldStartJar, env, LAMBDA_FLAGS);
                List<Sample> lambda = new ArrayList<>();
                List<Sample> defaults = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    lambda.add(invoke(fn, jar, coldStartJar, env, LAMBDA_FLAGS));
                }
                for (int i = 0; i < RUNS_DEFAULT_FLAGS; i++) {
                    defaults.add(invoke(fn, jar, coldStartJar, env, List.of()));
                }
                // what an application class-data archive would give: one training run writes it, then the same runs
                List<Sample> cds = new ArrayList<>();
                Path archive = work.resolve("cds-" + fn.label() + ".jsa");
                Files.deleteIfExists(archive);
                List<String> training = new ArrayList<>(LAMBDA_FLAGS);
                training.add("-XX:ArchiveClassesAtExit=" + archive);
                invoke(fn, jar, coldStartJar, env, training);
                if (Files.isRegularFile(archive)) {
                    List<String> withArchive = new ArrayList<>(LAMBDA_FLAGS);
                    withArchive.add("-XX:SharedArchiveFile=" + archive);
                    for (int i = 0; i < RUNS_DEFAULT_FLAGS; i++) {
                        cds.add(invoke(fn, jar, coldStartJar, env, withArchive));
                    }
                }
                rows.add(row(fn.label() + " (" + Path.of(fn.jar).getFileName() + ")", lambda.get(0).status, lambda, defaults, cds, true));
                report.progress("  " + fn.label() + ": " + lambda.get(lambda.size() - 1).response);
            }
            report.table(List.of("handler (jar)", "first request answered", "fresh JVM → answered, median ms (min–max)",
                    "≤ 800 ms", "of which: handler built", "event in + handled + response out", "classes loaded",
                    "JVM defaults: median ms", "Lambda flags + AppCDS archive: median ms"), rows);
            report.line("Cold start runs: " + RUNS + " per handler with Lambda's JVM flags (`" + String.join(" ", LAMBDA_FLAGS)
                    + "`), " + RUNS_DEFAULT_FLAGS + " with JVM defaults, after one discarded run each; then one training run "
                    + "writes an application class-data archive (`-XX:ArchiveClassesAtExit`) and " + RUNS_DEFAULT_FLAGS
                    + " runs use it (`-XX:SharedArchiveFile`). Wall time is measured by "
                    + "the parent from process start to the child's `ANSWERED` line. CloudFront requests answered by the stub: "
                    + CF_REQUESTS.get() + ".");
            failures.forEach((fn, why) -> report.line("- `" + fn + " failed its first request: " + why));
            if (!failures.isEmpty()) {
                // a jar that cannot answer alone is a defect, not a slow figure: fail the run (CI runs this section)
                throw new IllegalStateException(failures.size() + " function jar(s) failed their first request: " + failures.keySet());
            }
        } finally {
            cloudfront.stop(0);
        }
    }

    private static final AtomicInteger CF_REQUESTS = new AtomicInteger();
    private static final int PRIMING_RUNS = 3;
    private static final int WARM_REQUESTS = 15;

    /**
     * What the SnapStart priming hook buys: in a fresh JVM, the first request's time as a ratio to a warm one, without
     * and with the hook run first (Lambda runs it before the snapshot, so a restored instance starts where the hook left
     * it; the restore itself cannot be measured here). Medians of {@value #PRIMING_RUNS} JVMs each.
     */
    private void priming(Report report, List<Fn> functions, Map<String, Path> jars, Path coldStartJar,
                         Map<String, String> env) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (Fn fn : functions) {
            Path jar = jars.get(fn.jar);
            if (jar == null || !Class.forName("org.crac.Resource").isAssignableFrom(Class.forName(fn.handler))) {
                // no hook: a function without SnapStart (bootstrap runs once, by hand)
                continue;
            }
            report.progress("priming " + fn.label());
            double[][] plain = new double[PRIMING_RUNS][];
            double[][] primed = new double[PRIMING_RUNS][];
            String status = "";
            for (int i = 0; i < PRIMING_RUNS; i++) {
                plain[i] = primingRun(fn, jar, coldStartJar, env, false);
                primed[i] = primingRun(fn, jar, coldStartJar, env, true);
                status = primingStatus;
            }
            double plainFirst = median(column(plain, 1));
            double plainWarm = median(column(plain, 2));
            double primedFirst = median(column(primed, 1));
            double primedWarm = median(column(primed, 2));
            rows.add(List.of(fn.label(), status, Stats.ms(plainFirst), Stats.f1(plainFirst / plainWarm) + "×",
                    Stats.ms(median(column(primed, 0))), Stats.ms(primedFirst), Stats.f1(primedFirst / primedWarm) + "×",
                    Stats.ms(primedWarm)));
        }
        report.table(List.of("handler", "first answer", "first request, unprimed ms", "unprimed first / warm",
                "priming hook ms", "first request after priming ms", "primed first / warm", "warm median ms"), rows);
        report.line("Each row: " + PRIMING_RUNS + " fresh JVMs without and " + PRIMING_RUNS + " with the priming hook"
                + " (`beforeCheckpoint`) run after the handler is built; each JVM then handles one first request and "
                + WARM_REQUESTS + " more of the same route (warm: their median). Times are event in + handled + response out,"
                + " Lambda's JVM flags, backends on loopback.");
    }

    private String primingStatus = "";

    private double[] primingRun(Fn fn, Path jar, Path coldStartJar, Map<String, String> env, boolean prime) throws Exception {
        List<String> args = new ArrayList<>(List.of("--priming"));
        if (prime) {
            args.add("--prime");
        }
        args.add(fn.handler);
        args.add(fn.eventClass);
        for (int i = 0; i <= WARM_REQUESTS; i++) {
            int n = run.incrementAndGet();
            Path eventFile = work.resolve("event-" + n + ".json");
            Files.write(eventFile, JSON.writeValueAsBytes(fn.event.apply(n)));
            args.add(eventFile.toString());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(LAMBDA_FLAGS);
        cmd.addAll(childFlags());
        cmd.add("-cp");
        cmd.add(jar + File.pathSeparator + coldStartJar);
        cmd.add(ColdStart.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(work.resolve("priming-stderr.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String line = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("PRIMING ")) {
                    line = l.substring(8);
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("priming run of " + fn.label() + " failed: "
                    + Files.readString(work.resolve("priming-stderr.log")));
        }
        String[] f = line.split(" ");
        primingStatus = f[3];
        return new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    private static double[] column(double[][] rows, int c) {
        return Arrays.stream(rows).mapToDouble(r -> r[c]).toArray();
    }

    private List<String> row(String label, String status, List<Sample> lambda, List<Sample> defaults, List<Sample> cds,
                             boolean judge) {
        if (lambda.stream().anyMatch(x -> Double.isNaN(x.wallMs))) {
            return List.of(label, "**crashed before answering** (below)", "–", "**missed**", "–", "–", "–", "–", "–");
        }
        double withCds = cds.stream().anyMatch(x -> Double.isNaN(x.wallMs)) ? Double.NaN
                : median(cds.stream().mapToDouble(Sample::wallMs).toArray());
        double wall = median(lambda.stream().mapToDouble(Sample::wallMs).toArray());
        double min = lambda.stream().mapToDouble(Sample::wallMs).min().orElse(0);
        double max = lambda.stream().mapToDouble(Sample::wallMs).max().orElse(0);
        double construct = median(lambda.stream().mapToDouble(Sample::constructMs).toArray());
        double request = median(lambda.stream().mapToDouble(s -> s.eventMs + s.handleMs + s.serializeMs).toArray());
        int classes = (int) median(lambda.stream().mapToDouble(Sample::classes).toArray());
        double def = median(defaults.stream().mapToDouble(Sample::wallMs).toArray());
        return List.of(label, status, Stats.ms(wall) + " (" + Stats.ms(min) + "–" + Stats.ms(max) + ")",
                judge ? (status.startsWith("5") ? "**missed** (answered " + status + ")" : Report.verdict(wall <= 800)) : "–", judge ? Stats.ms(construct) : "–", judge ? Stats.ms(request) : "–",
                Stats.thousands(classes), Stats.ms(def), cds.isEmpty() ? "–" : Stats.ms(withCds));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[(s.length - 1) / 2];
    }

    private Sample invoke(Fn fn, Path jar, Path coldStartJar, Map<String, String> env, List<String> flags) throws Exception {
        int n = run.incrementAndGet();
        Path eventFile = work.resolve("event-" + n + ".json");
        Files.write(eventFile, JSON.writeValueAsBytes(fn.event.apply(n)));
        Sample s = launch(jar, coldStartJar, List.of(fn.handler, fn.eventClass, eventFile.toString()), env, flags);
        String config = flags.isEmpty() ? "JVM defaults" : flags.stream().anyMatch(f -> f.contains("Archive")) ? "class-data archive"
                : "Lambda flags";
        String key = fn.label() + "` (" + config + ")";
        if ((s.status.startsWith("5") || s.status.equals("crashed")) && !failures.containsKey(key)) {
            // the handler's own log says why; keep its first error line for the report
            failures.put(key, s.status + ": `" + (s.status.equals("crashed") ? s.response : firstError()) + "`");
        }
        return s;
    }

    private Sample launch(Path jar, Path coldStartJar, List<String> args, Map<String, String> env, List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(flags);
        cmd.addAll(childFlags());
        cmd.add("-cp");
        cmd.add(jar == null ? coldStartJar.toString() : jar + File.pathSeparator + coldStartJar);
        cmd.add(ColdStart.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(work.resolve("coldstart-stderr.log").toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        double wall = -1;
        String figures = null;
        String response = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals("ANSWERED")) {
                    wall = (System.nanoTime() - t0) / 1e6;
                } else if (line.startsWith("FIGURES ")) {
                    figures = line.substring(8);
                } else if (line.startsWith("RESPONSE ")) {
                    response = line.substring(9);
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || figures == null || wall < 0) {
            p.destroyForcibly();
            if (jar == null) {
                throw new IllegalStateException("the empty JVM failed: " + Files.readString(work.resolve("coldstart-stderr.log")));
            }
            // the child died before answering: the first error line of its log says why
            return new Sample(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, 0, "crashed", firstError(), Double.NaN);
        }
        String[] f = figures.split(" ");
        return new Sample(wall, Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Long.parseLong(f[4]), Integer.parseInt(f[5]), f[6], response,
                f.length > 7 ? Double.parseDouble(f[7]) : Double.NaN);
    }

    private String firstError() throws IOException {
        return Files.readAllLines(work.resolve("coldstart-stderr.log")).stream()
                .filter(l -> l.contains("Error") || l.contains("Exception")).findFirst().orElse("no error logged").trim();
    }

    /** Each function's CodeUri jar that exists, by CodeUri, as a snapshot. */
    private Map<String, Path> jars(List<Fn> functions) throws IOException {
        return jars(functions, root, "lambda-jars");
    }

    private Map<String, Path> jars(List<Fn> functions, Path from, String copies) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Fn fn : functions) {
            Path jar = from.resolve(fn.jar);
            if (!out.containsKey(fn.jar) && Files.isRegularFile(jar)) {
                out.put(fn.jar, snapshot(jar, copies));
            }
        }
        return out;
    }

    /** The Java functions of template.yaml, in its order, each with the request it answers on run n. */
    private List<Fn> functions() throws IOException {
        SamTemplate template;
        try (InputStream in = Files.newInputStream(root.resolve("template.yaml"))) {
            template = SamTemplate.parse(in);
        }
        Map<String, String> eventByRoute = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve("events"), "*.json")) {
            for (Path f : ds) {
                JsonNode e = JSON.readTree(f.toFile());
                if (e.path("requestContext").has("http") && !e.has("type")) {
                    eventByRoute.putIfAbsent(e.path("routeKey").asText(), f.getFileName().toString());
                }
            }
        }
        List<String> methods = List.of("GET", "HEAD", "PUT", "POST", "PATCH", "DELETE");
        List<Fn> out = new ArrayList<>();
        // -Dbench.only=PublishFunction,CratesFunction: a subset (for profiling one function)
        List<String> only = List.of(System.getProperty("bench.only", "").split(",")).stream().filter(x -> !x.isBlank()).toList();
        for (SamTemplate.Function f : template.functions()) {
            if (!f.isJava() || (!only.isEmpty() && !only.contains(f.logicalId()))) {
                continue;
            }
            // a read if the function has one (repeatable, changes nothing), deletions last; never the catch-all
            // $default route (it answers a 404 without touching storage)
            SamTemplate.ApiRoute route = template.routesOf(f.logicalId()).stream()
                    .filter(r -> methods.contains(r.method()))
                    .min(Comparator.comparingInt(r -> methods.indexOf(r.method()))).orElse(null);
            String file = route == null ? f.logicalId().replaceFirst("Function$", "").toLowerCase(Locale.ROOT) + ".json"
                    : eventByRoute.get(route.routeKey());
            if (file == null || !Files.isRegularFile(root.resolve("events").resolve(file))) {
                throw new IllegalStateException(f.logicalId() + ": no sample event in events/ for "
                        + (route == null ? file : route.routeKey()));
            }
            boolean authorized = route != null && route.authorized(false);
            out.add(new Fn(f.logicalId(), f.codeUri(), f.handlerClass(), eventClass(f.handlerClass()),
                    n -> event(file, authorized, n)));
        }
        return out;
    }

    /** I of the handler's RequestHandler<I, O>, as the Java runtime finds it (the handler is on this classpath too). */
    private static String eventClass(String handlerClass) {
        try {
            Type t = LambdaJarHarness.inputType(Class.forName(handlerClass), Map.of());
            Type raw = t instanceof ParameterizedType p ? p.getRawType() : t;
            return raw instanceof Class<?> c ? c.getName() : Object.class.getName();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(handlerClass + " is not on the bench's classpath", e);
        }
    }

    /** A copy that a concurrent build cannot change under the runs; retried while the jar is being written. */
    private Path snapshot(Path jar, String copies) throws IOException {
        Path copy = work.resolve(copies).resolve(jar.getFileName());
        Files.createDirectories(copy.getParent());
        for (int attempt = 1; ; attempt++) {
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            try (ZipFile zip = new ZipFile(copy.toFile())) {
                if (zip.stream().anyMatch(e -> e.getName().startsWith("dev/cargoreg/functions/"))) {
                    return copy;
                }
            } catch (IOException broken) {
                // being written
            }
            if (attempt == 10) {
                throw new IllegalStateException(jar + " is not a complete Lambda jar");
            }
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** The biggest contributors to a jar, by compressed size. */
    static String composition(Path jar) throws IOException {
        Map<String, Long> parts = new HashMap<>();
        int entries;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            entries = zip.size();
            zip.stream().forEach(e -> parts.merge(part(e.getName()), e.getCompressedSize(), Long::sum));
        }
        return String.join(", ", parts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .map(e -> e.getKey() + " " + Stats.f1(e.getValue() / 1e6) + " MB").toList()) + "; " + Stats.thousands(entries) + " entries";
    }

    private static String part(String entry) {
        if (entry.startsWith("software/amazon/awssdk/services/")) {
            String rest = entry.substring("software/amazon/awssdk/services/".length());
            return "SDK " + (rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : "services");
        }
        if (entry.startsWith("software/amazon/awssdk/")) {
            return "SDK core";
        }
        if (entry.startsWith("software/amazon/eventstream/") || entry.startsWith("software/amazon/")) {
            return "SDK core";
        }
        if (entry.startsWith("com/fasterxml/jackson/")) {
            return "Jackson";
        }
        if (entry.startsWith("com/amazonaws/services/lambda/runtime/events/")) {
            return "lambda-events";
        }
        if (entry.startsWith("org/apache/commons/compress/")) {
            return "commons-compress";
        }
        if (entry.startsWith("org/apache/commons/")) {
            return "commons-lang3/io/codec";
        }
        if (entry.startsWith("dev/cargoreg/")) {
            return "registry code";
        }
        if (entry.startsWith("org/joda/")) {
            return "joda-time";
        }
        if (entry.startsWith("META-INF/") || !entry.contains("/")) {
            return "META-INF";
        }
        String[] p = entry.split("/");
        return p.length >= 3 ? p[0] + "." + p[1] + "." + p[2] : p[0];
    }

    /** ColdStart.class alone in a jar (class-data archives refuse non-empty directories on the classpath). */
    private Path extractColdStartClass() throws IOException {
        Path jar = work.resolve("coldstart.jar");
        try (InputStream in = ColdStart.class.getResourceAsStream("ColdStart.class");
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("dev/cargoreg/bench/ColdStart.class"));
            out.write(in.readAllBytes());
            out.closeEntry();
        }
        return jar;
    }

    /** Answers CreateInvalidation as CloudFront does (201 and the invalidation), so the publish path runs in full. */
    private static HttpServer cloudFrontStub() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            CF_REQUESTS.incrementAndGet();
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<Invalidation xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>IBENCH</Id>"
                    + "<Status>InProgress</Status><CreateTime>" + Instant.now() + "</CreateTime><InvalidationBatch><Paths>"
                    + "<Quantity>1</Quantity><Items><Path>/index/x</Path></Items></Paths><CallerReference>bench</CallerReference>"
                    + "</InvalidationBatch></Invalidation>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            ex.getResponseHeaders().set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/EBENCH/invalidation/IBENCH");
            ex.sendResponseHeaders(201, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }

    /** A table and bucket with users, tokens and one crate; the environment a function gets in the template. */
    private Map<String, String> seed(DynamoServer dynamo, HttpServer cloudfront) {
        String id = Long.toHexString(System.nanoTime());
        String table = "coldstart-" + id;
        String bucket = "coldstart-" + id;
        DynamoDbClient ddb = AwsClients.dynamo(AwsClients.Settings.emulated(dynamo.endpoint(), null));
        S3Client s3 = AwsClients.s3(AwsClients.Settings.emulated(null, EmbeddedBackends.shared().s3Endpoint()));
        Provisioning.ensureTable(ddb, table);
        Provisioning.ensureBucket(s3, bucket);
        MetadataStore store = new DynamoMetadataStore(ddb, table);
        Instant now = Instant.now();
        Unaudited.of(store).createUser("root", "Root", true, now);
        Unaudited.of(store).createUser("alice", "Alice", false, now);
        TokenMint mint = new TokenMint(store, Clock.systemUTC());
        mint.adopt(AwsRegistryFixture.ROOT, "root", "t");
        mint.adopt(AwsRegistryFixture.ALICE, "alice", "t");
        RegistryConfig config = RegistryConfig.builder(table, bucket, "http://127.0.0.1:9", "http://127.0.0.1:9").build();
        RegistryServices services = RegistryServices.builder().config(config).clock(Clock.systemUTC()).store(store)
                .blobs(new S3BlobStore(s3, bucket)).cdn(CdnInvalidator.NONE).searchSource(new DynamoSearchSource(ddb, table))
                .build();
        authenticator = services.authenticator();
        services.publish().publish(authenticator.resolve(AwsRegistryFixture.ROOT, false), Crates.body("sample-crate", "0.1.0", 0, 1));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("REGISTRY_TABLE", table);
        env.put("REGISTRY_BUCKET", bucket);
        env.put("REGISTRY_CDN_URL", "http://127.0.0.1:9");
        env.put("REGISTRY_API_URL", "http://127.0.0.1:9");
        env.put("REGISTRY_AUTH_REQUIRED", "false");
        env.put("REGISTRY_DISTRIBUTION_ID", "EBENCH");
        env.put("REGISTRY_DYNAMODB_ENDPOINT", dynamo.endpoint().toString());
        env.put("REGISTRY_S3_ENDPOINT", EmbeddedBackends.shared().s3Endpoint().toString());
        env.put("AWS_ENDPOINT_URL_CLOUDFRONT", "http://127.0.0.1:" + cloudfront.getAddress().getPort());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    private Authenticator authenticator;

    /**
     * The sample event for run n, as API Gateway delivers it for the admin ROOT: its token in place of the placeholder,
     * the authorizer's context on an authorized route; requests that create something get a new name each run.
     */
    private ObjectNode event(String file, boolean authorized, int n) {
        try {
            ObjectNode e = (ObjectNode) JSON.readTree(root.resolve("events").resolve(file).toFile());
            if (e.path("headers").has("authorization")) {
                e.with("headers").put("authorization", AwsRegistryFixture.ROOT);
            }
            if (e.has("identitySource")) {
                e.putArray("identitySource").add(AwsRegistryFixture.ROOT);
            }
            if (authorized) {
                Map<String, Object> context = authenticator.resolve(AwsRegistryFixture.ROOT, false).toContext();
                ((ObjectNode) e.get("requestContext")).set("authorizer",
                        JSON.createObjectNode().set("lambda", JSON.valueToTree(context)));
            }
            switch (e.path("routeKey").asText()) {
                case "PUT /api/v1/crates/new" -> {
                    e.put("body", Base64.getEncoder().encodeToString(Crates.body("cold-crate", "1.0." + n, 0, n)));
                    e.put("isBase64Encoded", true);
                }
                case "PUT /api/v1/admin/users" -> {
                    e.put("body", "{\"login\":\"user" + n + "\",\"name\":\"User " + n + "\"}");
                    e.put("isBase64Encoded", false);
                }
                default -> {
                    if (e.has("login")) {
                        // bootstrap: one first administrator per run
                        e.put("login", "boot" + n);
                    }
                }
            }
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
