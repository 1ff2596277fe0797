package dev.cargoreg.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.index.IndexPaths;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Item 5: the local runner as a user starts it, serving one crate's index file and tarball to many concurrent
 * keep-alive clients (plain HTTP/1.1 over sockets, so the client side costs as little CPU as possible on a 2-core
 * machine that also runs the server).
 */
final class ServeBench {
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration MEASURE = Duration.ofSeconds(10);

    private final Report report;
    private final Path root;
    private final String javaBin;
    private final Path work;

    ServeBench(Report report, Path root, String javaBin, Path work) {
        this.report = report;
        this.root = root;
        this.javaBin = javaBin;
        this.work = work;
    }

    record Load(String what, int connections, long requests, double seconds, Stats latency, long errors, long bytes) {
        double rps() {
            return requests / seconds;
        }
    }

    void run() throws Exception {
        report.heading("5. Local runner: start and serving");
        Path jar = root.resolve("infra/local/target/registry-local.jar");
        if (!Files.isRegularFile(jar)) {
            report.line("No " + jar + ": build first (`mvn -Pbench -DskipTests package`).");
            return;
        }
        List<Load> loads = new ArrayList<>();
        serve(jar, null, new int[][]{{16, 0}, {64, 0}, {16, 1}}, loads, true);
        // diagnosis: the same runner with TCP_NODELAY on the JDK HTTP server's sockets
        String nodelay = "-Dsun.net.httpserver.nodelay=true";
        List<Load> diagnosis = new ArrayList<>();
        serve(jar, nodelay, new int[][]{{64, 0}, {16, 1}}, diagnosis, false);

        List<List<String>> rows = new ArrayList<>();
        for (Load l : loads) {
            rows.add(loadRow(l, "as shipped"));
        }
        for (Load l : diagnosis) {
            rows.add(loadRow(l, "diagnosis: `" + nodelay + "`"));
        }
        report.table(List.of("GET", "runner", "keep-alive connections", "requests in " + MEASURE.toSeconds() + " s", "requests/s",
                "p50 ms", "p99 ms", "errors", "throughput", "≥ 5,000 req/s"), rows);
        report.line("Load: " + WARMUP.toSeconds() + " s warm-up, then " + MEASURE.toSeconds() + " s measured; each connection "
                + "sends the next GET when the previous response is read (HTTP/1.1 keep-alive over plain sockets with TCP_NODELAY "
                + "on the client side). Client and runner share the machine's " + Runtime.getRuntime().availableProcessors()
                + " cores. The diagnosis rows start the same jar with `JAVA_TOOL_OPTIONS=" + nodelay + "`; they are not the "
                + "shipped configuration.");
    }

    private static List<String> loadRow(Load l, String runner) {
        return List.of(l.what, runner, Integer.toString(l.connections), Stats.thousands(l.requests), Stats.thousands(Math.round(l.rps())),
                Stats.ms(l.latency.p50()), Stats.ms(l.latency.p99()), Long.toString(l.errors),
                Stats.f1(l.bytes / l.seconds / 1048576.0) + " MiB/s", Report.verdict(l.rps() >= 5000));
    }

    /** Starts the runner on a fresh data directory, publishes one crate, runs the loads ({connections, 0 = index / 1 = .crate}). */
    private void serve(Path jar, String javaToolOptions, int[][] plan, List<Load> loads, boolean reportStart) throws Exception {
        Path data = work.resolve("serve-data");
        deleteTree(data);
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString(), "--port", "0", "--data-dir", data.toString())
                .redirectError(work.resolve("serve-runner.log").toFile());
        pb.environment().put("DDB_LOCAL_TELEMETRY", "0");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        if (javaToolOptions != null) {
            pb.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        long t0 = System.nanoTime();
        Process runner = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(runner.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            double readyMs = (System.nanoTime() - t0) / 1e6;
            if (first == null) {
                throw new IllegalStateException("the runner printed nothing; see " + work.resolve("serve-runner.log"));
            }
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // the cargo instructions
                    }
                } catch (IOException ignored) {
                    // the runner stopped
                }
            }, "runner-stdout");
            drain.setDaemon(true);
            drain.start();
            JsonNode info = new ObjectMapper().readTree(first);
            String api = info.get("api").asText();
            String indexBase = info.get("index").asText().replaceFirst("^sparse\\+", "");
            String token = info.get("token").asText();

            String name = "bench-serve";
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long p0 = System.nanoTime();
            HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/crates/new"))
                    .header("Authorization", token).PUT(HttpRequest.BodyPublishers.ofByteArray(Crates.body(name, "0.1.0", 0, 5)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double publishMs = (System.nanoTime() - p0) / 1e6;
            if (published.statusCode() != 200) {
                throw new IllegalStateException("publish to the runner answered " + published.statusCode() + ": " + published.body());
            }
            URI index = URI.create(indexBase + IndexPaths.pathOf(name));
            HttpResponse<String> visible = http.send(HttpRequest.newBuilder(index).build(), HttpResponse.BodyHandlers.ofString());
            boolean atOrigin = visible.statusCode() == 200 && visible.body().contains("\"vers\":\"0.1.0\"");
            URI crate = URI.create(info.get("dl").asText().replace("{crate}", name).replace("{version}", "0.1.0"));
            HttpResponse<byte[]> tarball = http.send(HttpRequest.newBuilder(crate).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (tarball.statusCode() != 200) {
                throw new IllegalStateException("GET " + crate + " answered " + tarball.statusCode());
            }
            if (reportStart) {
                report.table(List.of("figure", "value", "budget", "verdict"), List.of(
                        List.of("runner ready (process start → first stdout line, fresh data dir)", Stats.ms(readyMs) + " ms",
                                "≤ 5,000 ms", Report.verdict(readyMs <= 5000)),
                        List.of("one publish through the runner (its first: cold JVM paths)", Stats.ms(publishMs) + " ms", "–", "–"),
                        List.of("new version in the index file at the origin when the publish response arrives",
                                atOrigin ? "yes" : "no", "yes", Report.verdict(atOrigin))));
            }
            for (int[] step : plan) {
                boolean isIndex = step[1] == 0;
                report.progress("serve" + (javaToolOptions == null ? "" : " (" + javaToolOptions + ")") + ": "
                        + (isIndex ? "index file" : "tarball") + ", " + step[0] + " connections");
                loads.add(isIndex ? load("index file (" + visible.body().length() + " B)", index, step[0])
                        : load(".crate (" + tarball.body().length + " B)", crate, step[0]));
            }
        } finally {
            runner.destroy();
            if (!runner.waitFor(30, TimeUnit.SECONDS)) {
                runner.destroyForcibly();
            }
        }
    }

    private static Load load(String what, URI url, int connections) throws InterruptedException {
        byte[] request = ("GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nUser-Agent: cargo/1.95.0 (bench)\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        long measureFrom = start + WARMUP.toNanos();
        long end = measureFrom + MEASURE.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        List<Stats> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Stats s = new Stats();
            perThread.add(s);
            Thread t = new Thread(() -> {
                Socket socket = null;
                try {
                    while (System.nanoTime() < end) {
                        if (socket == null) {
                            socket = new Socket(url.getHost(), url.getPort());
                            socket.setTcpNoDelay(true);
                        }
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            out.write(request);
                            out.flush();
                            int body = readResponse(in);
                            long t1 = System.nanoTime();
                            if (body < 0) {
                                errors.incrementAndGet();
                                socket.close();
                                socket = null;
                                break;
                            }
                            if (t0 >= measureFrom && t1 <= end) {
                                s.add(t1 - t0);
                                bytes.addAndGet(body);
                            }
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } finally {
                    if (socket != null) {
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                }
            }, "load-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Stats all = new Stats();
        perThread.forEach(all::addAll);
        return new Load(what, connections, all.count(), MEASURE.toNanos() / 1e9, all, errors.get(), bytes.get());
    }

    /** Reads one response; returns its body length, or -1 if it was not a 200 or the connection closed. */
    private static int readResponse(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            return -1;
        }
        int length = -1;
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(h.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length in the response (" + status + ")");
        }
        in.skipNBytes(length);
        return status.startsWith("HTTP/1.1 200") ? length : -1;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
