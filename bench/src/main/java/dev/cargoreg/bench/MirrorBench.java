package dev.cargoreg.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.mirror.MirrorConfig;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.local.LocalRegistry;
import dev.cargoreg.local.MirrorRunner;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The crates.io mirror (docs/mirror.md) through the local runner (its CDN emulation, MirrorService over DynamoDB Local
 * and the embedded S3) against a fake upstream on loopback that serves real crate sources (Debian's
 * /usr/share/cargo/registry, packaged as .crate files) with a static sparse index: (a) cached .crate downloads run no
 * mirror code, (b) what a miss adds to a direct fetch of the same file from the upstream, interleaved in one run, and
 * (c) the freshness bound: from a version appearing upstream to the mirror serving it, at a small TTL.
 */
final class MirrorBench {
    static final Path DEBIAN = Path.of("/usr/share/cargo/registry");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Report report;
    private final Path work;
    /** Files of the fake upstream, by path (index/..., dl/<name>/<version>/download). */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    MirrorBench(Report report, Path work) {
        this.report = report;
        this.work = work;
    }

    /** Counts MirrorService's answers: it logs one line per index or .crate request it serves (docs/mirror.md). */
    static final class Calls extends Handler {
        final AtomicInteger n = new AtomicInteger();

        @Override
        public void publish(LogRecord r) {
            if (r.getMessage() != null && r.getMessage().startsWith("mirror ")) {
                n.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    record Crate(String name, String version, byte[] bytes) {
    }

    void run() throws Exception {
        // The JDK's HttpServer (the fake upstream and the runner's CDN emulation) writes headers and body apart; with
        // Nagle on, a small answer then waits ~40 ms for the client's delayed ACK, which neither CloudFront nor
        // crates.io does. Read when the first HttpServer of the JVM starts: run this section alone.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        report.heading("crates.io mirror: cached hits, miss overhead, freshness");
        List<Crate> crates = debianCrates();
        if (crates.size() < 20) {
            report.line("Skipped: fewer than 20 Debian crate sources under " + DEBIAN + " (.ci/run installs librust-*-dev).");
            return;
        }
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        upstream.createContext("/", this::serveUpstream);
        upstream.start();
        String up = "http://127.0.0.1:" + upstream.getAddress().getPort();
        files.put("index/config.json", ("{\"dl\":\"" + up + "/dl\"}").getBytes(StandardCharsets.UTF_8));
        for (Crate c : crates) {
            files.put("index/" + IndexPaths.pathOf(c.name()), line(c.name(), c.version(), c.bytes()));
            files.put("dl/" + c.name() + "/" + c.version() + "/download", c.bytes());
        }
        Duration ttl = Duration.ofSeconds(1);
        Calls calls = new Calls();
        Logger mirrorLog = Logger.getLogger(MirrorService.class.getName());
        mirrorLog.addHandler(calls);
        Path dir = Files.createTempDirectory(work, "mirror");
        try (LocalRegistry registry = MirrorRunner.start(dir, MirrorConfig.of("sparse+" + up + "/index/").withTtl(ttl))) {
            String base = "http://127.0.0.1:" + registry.port() + "/mirror/";
            report.line("Fake upstream: " + crates.size() + " real crates (Debian's sources, packaged), a static sparse index"
                    + " with ETags, on loopback; the runner in the same JVM; mirror TTL " + ttl.toSeconds() + " s.");
            misses(crates, base, up);
            storage(MirrorRunner.bucket(registry), MirrorRunner.table(registry));
            hits(crates.get(0), base, calls);
            freshness(crates.get(1), base, ttl, 30);
        } finally {
            mirrorLog.removeHandler(calls);
            upstream.stop(0);
        }
    }

    /** (b) every crate once: its index file and its .crate through the mirror (a miss) and straight from upstream. */
    private void misses(List<Crate> crates, String base, String up) throws Exception {
        // warm both paths (JIT, connections) on two crates that are then left out
        for (Crate c : crates.subList(0, 2)) {
            get(base + "index/" + IndexPaths.pathOf(c.name()));
            get(up + "/index/" + IndexPaths.pathOf(c.name()));
            get(base + "crates/" + c.name() + "/" + c.name() + "-" + c.version() + ".crate");
            get(up + "/dl/" + c.name() + "/" + c.version() + "/download");
        }
        Stats indexMirror = new Stats();
        Stats indexDirect = new Stats();
        Stats crateMirror = new Stats();
        Stats crateDirect = new Stats();
        List<Crate> measured = crates.subList(2, crates.size());
        report.progress("mirror: " + measured.size() + " index-file and .crate misses, each against a direct fetch");
        int i = 0;
        for (Crate c : measured) {
            String path = IndexPaths.pathOf(c.name());
            String file = c.name() + "/" + c.name() + "-" + c.version() + ".crate";
            // alternate which goes first, so neither always meets a warmer machine
            boolean mirrorFirst = i++ % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == mirrorFirst) {
                    expect(indexMirror, base + "index/" + path, "miss");
                } else {
                    expect(indexDirect, up + "/index/" + path, null);
                }
            }
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == mirrorFirst) {
                    expect(crateMirror, base + "crates/" + file, "miss");
                } else {
                    expect(crateDirect, up + "/dl/" + c.name() + "/" + c.version() + "/download", null);
                }
            }
        }
        report.table(List.of("miss (" + measured.size() + " distinct files each)", "p50 ms", "p99 ms", "p50 added", "p99 added",
                        "ratio p50"),
                List.of(List.of("index file: through the mirror", Stats.ms(indexMirror.p50()), Stats.ms(indexMirror.p99()),
                                Stats.ms(indexMirror.p50() - indexDirect.p50()), Stats.ms(indexMirror.p99() - indexDirect.p99()),
                                Stats.f2(indexMirror.p50() / indexDirect.p50()) + "×"),
                        List.of("index file: direct from upstream", Stats.ms(indexDirect.p50()), Stats.ms(indexDirect.p99()), "", "", ""),
                        List.of(".crate: through the mirror", Stats.ms(crateMirror.p50()), Stats.ms(crateMirror.p99()),
                                Stats.ms(crateMirror.p50() - crateDirect.p50()), Stats.ms(crateMirror.p99() - crateDirect.p99()),
                                Stats.f2(crateMirror.p50() / crateDirect.p50()) + "×"),
                        List.of(".crate: direct from upstream", Stats.ms(crateDirect.p50()), Stats.ms(crateDirect.p99()), "", "", "")));
        report.line("");
        report.line("A mirror miss is the upstream round trip plus: the S3 read that finds nothing (and, for a .crate, the"
                + " cached index file's line), the checks (index lines; the .crate's SHA-256 against its line), the S3 PUT,"
                + " and the answer. Upstream here is loopback (~0 ms), so the added ms is all ours; against crates.io the"
                + " round trip dominates.");
    }

    /** What the local storage alone costs: a miss reads a key that is not there and writes one (the embedded S3). */
    private void storage(BlobStore bucket, MetadataStore table) {
        Stats missing = new Stats();
        Stats put = new Stats();
        Stats lookup = new Stats();
        byte[] body = new byte[2048];
        for (int i = 0; i < 120; i++) {
            long t0 = System.nanoTime();
            bucket.get("mirror/bench/absent-" + i);
            long t1 = System.nanoTime();
            bucket.putIfAbsent("mirror/bench/written-" + i, body, new BlobStore.Attributes("text/plain", "no-store", Map.of()));
            long t2 = System.nanoTime();
            table.findCrate("bench_absent_" + i);
            long t3 = System.nanoTime();
            if (i >= 20) {
                missing.add(t1 - t0);
                put.add(t2 - t1);
                lookup.add(t3 - t2);
            }
        }
        report.table(List.of("the miss's storage calls alone (same adapters)", "samples", "p50 ms", "p99 ms"),
                List.of(List.of("GET of a key that is not there", Stats.thousands(missing.count()), Stats.ms(missing.p50()),
                                Stats.ms(missing.p99())),
                        List.of("conditional PUT, 2 KiB", Stats.thousands(put.count()), Stats.ms(put.p50()), Stats.ms(put.p99())),
                        List.of("private-name lookup (DynamoDB Local GetItem)", Stats.thousands(lookup.count()),
                                Stats.ms(lookup.p50()), Stats.ms(lookup.p99()))));
        report.line("");
    }

    /** (a) a cached .crate: many downloads, and how many times the mirror's code ran for them. */
    private void hits(Crate c, String base, Calls calls) throws Exception {
        String url = base + "crates/" + c.name() + "/" + c.name() + "-" + c.version() + ".crate";
        get(url);
        int before = calls.n.get();
        Stats hit = new Stats();
        int n = 1000;
        int cdn = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = get(url);
            hit.add(System.nanoTime() - t0);
            cdn += "cdn-hit".equals(r.headers().firstValue("X-Mirror").orElse("")) ? 1 : 0;
        }
        int ran = calls.n.get() - before;
        report.table(List.of("cached .crate downloads", "requests", "served by the CDN path", "MirrorService calls", "p50 ms", "p99 ms"),
                List.of(List.of(c.name() + " " + c.version(), Stats.thousands(n), Stats.thousands(cdn), Stats.thousands(ran),
                        Stats.ms(hit.p50()), Stats.ms(hit.p99()))));
        if (ran != 0 || cdn != n) {
            throw new IllegalStateException("a cached .crate ran the mirror's code " + ran + " times (" + cdn + "/" + n + " CDN hits)");
        }
        report.line("");
        report.line("Locally the CDN path is the runner's emulation of the `/mirror/crates/*` origin group: the bucket first,"
                + " the mirror function only when the key is missing. In AWS the same request is a CloudFront hit, or an S3"
                + " read on an edge miss: no Lambda invocation either way.");
    }

    /**
     * (c) trials: a new version appears upstream at a random moment of the cached file's TTL; the mirror is polled every
     * 10 ms until it serves it.
     */
    private void freshness(Crate c, String base, Duration ttl, int trials) throws Exception {
        String path = IndexPaths.pathOf(c.name());
        String url = base + "index/" + path;
        get(url);
        Stats lag = new Stats();
        report.progress("mirror: " + trials + " freshness trials at a " + ttl.toSeconds() + " s TTL");
        for (int t = 0; t < trials; t++) {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ttl.toMillis()));
            String version = "99." + t + ".0";
            byte[] added = line(c.name(), version, c.bytes());
            byte[] current = files.get("index/" + path);
            byte[] next = new byte[current.length + added.length];
            System.arraycopy(current, 0, next, 0, current.length);
            System.arraycopy(added, 0, next, current.length, added.length);
            long t0 = System.nanoTime();
            files.put("index/" + path, next);
            String needle = "\"vers\":\"" + version + "\"";
            while (!new String(get(url).body(), StandardCharsets.UTF_8).contains(needle)) {
                Thread.sleep(10);
                if (System.nanoTime() - t0 > ttl.toNanos() * 10) {
                    throw new IllegalStateException("the mirror did not serve " + version + " within 10 TTLs");
                }
            }
            lag.add(System.nanoTime() - t0);
        }
        report.table(List.of("freshness: upstream change → mirror serves it", "trials", "p50 ms", "p99 ms", "max ms", "bound"),
                List.of(List.of("TTL " + ttl.toMillis() + " ms, polled every 10 ms", Stats.thousands(lag.count()),
                        Stats.ms(lag.p50()), Stats.ms(lag.p99()), Stats.ms(lag.max()), "TTL + one upstream round trip")));
        report.line("");
        report.line("In AWS the CDN keeps the function's answer for max-age = TTL as well, so the bound there is two TTLs"
                + " plus a round trip (docs/mirror.md).");
    }

    private void expect(Stats stats, String url, String outcome) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = get(url);
        long ns = System.nanoTime() - t0;
        if (r.statusCode() != 200 || (outcome != null && !outcome.equals(r.headers().firstValue("X-Mirror").orElse("")))) {
            throw new IllegalStateException(url + ": HTTP " + r.statusCode() + " " + r.headers().firstValue("X-Mirror").orElse("")
                    + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        stats.add(ns);
    }

    private static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void serveUpstream(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = files.get(ex.getRequestURI().getPath().substring(1));
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String etag = "\"" + Digests.sha256Hex(body).substring(0, 16) + "\"";
            ex.getResponseHeaders().set("ETag", etag);
            if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.sendResponseHeaders(304, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static byte[] line(String name, String version, byte[] crate) {
        return ("{\"name\":\"" + name + "\",\"vers\":\"" + version + "\",\"deps\":[],\"cksum\":\"" + Digests.sha256Hex(crate)
                + "\",\"features\":{},\"yanked\":false}\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Debian's crate sources (name-version directories), each packaged as cargo would: a gzipped tar under name-version/. */
    static List<Crate> debianCrates() throws IOException {
        List<Crate> out = new ArrayList<>();
        if (!Files.isDirectory(DEBIAN)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(DEBIAN)) {
            for (Path d : dirs.sorted().toList()) {
                String dirName = d.getFileName().toString();
                int dash = dirName.lastIndexOf('-');
                if (dash <= 0 || !Files.isRegularFile(d.resolve("Cargo.toml"))) {
                    continue;
                }
                String name = dirName.substring(0, dash);
                String version = dirName.substring(dash + 1);
                if (!name.matches("[a-z0-9][a-z0-9_-]*") || !version.matches("[0-9][0-9A-Za-z.+-]*")) {
                    continue;
                }
                out.add(new Crate(name, version, tarball(dirName, d)));
            }
        }
        return out;
    }

    private static byte[] tarball(String root, Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes));
             Stream<Path> walk = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                TarArchiveEntry e = new TarArchiveEntry(root + "/" + dir.relativize(p).toString().replace('\\', '/'));
                byte[] content = Files.readAllBytes(p);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
