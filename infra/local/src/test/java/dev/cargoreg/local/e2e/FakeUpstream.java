package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A static sparse registry on loopback, standing in for crates.io in tests (never the internet): real crate sources
 * from Debian's {@code /usr/share/cargo/registry} packed into .crate files, index lines written from their real
 * Cargo.toml, served with ETags and 304s the way index.crates.io does. Faults can be switched on per path.
 */
public final class FakeUpstream implements AutoCloseable {
    public static final Path DEBIAN_REGISTRY = Path.of("/usr/share/cargo/registry");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TomlMapper TOML = new TomlMapper();

    /** What a path answers instead of its content. */
    public enum Fault { HANG, ERROR_500, GARBAGE, HUGE, WRONG_BYTES }

    private final HttpServer server;
    /** index path (e.g. {@code se/rd/serde}) → file */
    private final Map<String, String> index = new ConcurrentHashMap<>();
    /** {@code name/version} → .crate bytes */
    private final Map<String, byte[]> crates = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    private FakeUpstream(HttpServer server) {
        this.server = server;
    }

    public static FakeUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        FakeUpstream up = new FakeUpstream(server);
        server.createContext("/", up::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-upstream");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return up;
    }

    /** The sparse index URL, as a mirror's --upstream. */
    public String indexUrl() {
        return "sparse+http://127.0.0.1:" + server.getAddress().getPort() + "/index/";
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether Debian's sources of these crates are installed (the tests that need them skip with a message otherwise). */
    public static boolean hasDebianCrates(String... names) {
        return Stream.of(names).allMatch(n -> debianDir(n) != null);
    }

    /** {@code /usr/share/cargo/registry/<name>-<version>} of whichever version this Debian release packages, or null. */
    public static Path debianDir(String name) {
        try (Stream<Path> dirs = Files.list(DEBIAN_REGISTRY)) {
            return dirs.filter(d -> d.getFileName().toString().matches(Pattern.quote(name) + "-[0-9][^-]*")
                    && Files.isRegularFile(d.resolve("Cargo.toml"))).max(Comparator.naturalOrder()).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The version of {@code name} that Debian packages. */
    public static String debianVersion(String name) {
        return debianDir(name).getFileName().toString().substring(name.length() + 1);
    }

    /** Packs Debian's sources of crate {@code name} as a .crate and adds its index line. */
    public FakeUpstream addDebian(String name) throws IOException {
        Path root = debianDir(name);
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                // Debian's own marker, not part of the crate as published
                if (!rel.equals(".cargo-checksum.json")) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return add(files);
    }

    /** Adds a crate made of these files (Cargo.toml among them) and its index line. */
    public FakeUpstream add(Map<String, byte[]> files) throws IOException {
        JsonNode toml = TOML.readTree(files.get("Cargo.toml"));
        String name = toml.path("package").path("name").asText();
        String vers = toml.path("package").path("version").asText();
        byte[] crate = tarball(name + "-" + vers, files);
        crates.put(name + "/" + vers, crate);
        String line = JSON.writeValueAsString(line(toml, sha256(crate))) + "\n";
        index.merge(indexPath(name), line, String::concat);
        return this;
    }

    /** A small crate of our own (for versions that appear upstream during a test). */
    public FakeUpstream addSimple(String name, String vers, String libRs) throws IOException {
        return add(Map.of("Cargo.toml", """
                [package]
                name = "%s"
                version = "%s"
                edition = "2021"
                license = "MIT"
                description = "a crate of the fake upstream"
                """.formatted(name, vers).getBytes(StandardCharsets.UTF_8), "src/lib.rs", libRs.getBytes(StandardCharsets.UTF_8)));
    }

    public void fault(String path, Fault fault) {
        if (fault == null) {
            faults.remove(path);
        } else {
            faults.put(path, fault);
        }
    }

    /** How many requests reached this path (e.g. {@code index/se/rd/serde}). */
    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    public byte[] crateBytes(String name, String vers) {
        return crates.get(name + "/" + vers);
    }

    public static String indexPath(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n.length()) {
            case 1 -> "1/" + n;
            case 2 -> "2/" + n;
            case 3 -> "3/" + n.charAt(0) + "/" + n;
            default -> n.substring(0, 2) + "/" + n.substring(2, 4) + "/" + n;
        };
    }

    /** An index line as crates.io writes it, from a normalized Cargo.toml. */
    static ObjectNode line(JsonNode toml, String cksum) {
        ObjectNode l = JSON.createObjectNode();
        JsonNode pkg = toml.path("package");
        l.put("name", pkg.path("name").asText());
        l.put("vers", pkg.path("version").asText());
        ArrayNode deps = l.putArray("deps");
        addDeps(deps, toml, null);
        toml.path("target").fields().forEachRemaining(t -> addDeps(deps, t.getValue(), t.getKey()));
        l.put("cksum", cksum);
        ObjectNode features = l.putObject("features");
        boolean v2 = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = toml.path("features").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            features.set(f.getKey(), f.getValue());
            for (JsonNode v : f.getValue()) {
                v2 |= v.asText().startsWith("dep:") || v.asText().contains("?/");
            }
        }
        l.put("yanked", false);
        if (pkg.has("links")) {
            l.put("links", pkg.path("links").asText());
        } else {
            l.putNull("links");
        }
        if (pkg.has("rust-version")) {
            l.put("rust_version", pkg.path("rust-version").asText());
        }
        if (v2) {
            l.put("v", 2);
        }
        return l;
    }

    private static void addDeps(ArrayNode deps, JsonNode table, String target) {
        for (String[] kind : List.of(new String[] {"dependencies", "normal"}, new String[] {"dev-dependencies", "dev"},
                new String[] {"build-dependencies", "build"})) {
            table.path(kind[0]).fields().forEachRemaining(e -> {
                JsonNode spec = e.getValue();
                ObjectNode d = deps.addObject();
                d.put("name", e.getKey());
                d.put("req", spec.isTextual() ? spec.asText() : spec.path("version").asText("*"));
                ArrayNode feats = d.putArray("features");
                spec.path("features").forEach(feats::add);
                d.put("optional", spec.path("optional").asBoolean(false));
                d.put("default_features", spec.path("default-features").asBoolean(spec.path("default_features").asBoolean(true)));
                if (target == null) {
                    d.putNull("target");
                } else {
                    d.put("target", target);
                }
                d.put("kind", kind[1]);
                if (spec.has("package")) {
                    d.put("package", spec.path("package").asText());
                }
            });
        }
    }

    static byte[] tarball(String root, Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(root + "/" + f.getKey());
                e.setSize(f.getValue().length);
                e.setMode(0644);
                e.setModTime(0);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring(1);
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            Fault fault = faults.get(path);
            if (fault == Fault.HANG) {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (fault == Fault.ERROR_500) {
                send(ex, 500, "internal error".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            if (fault == Fault.GARBAGE) {
                send(ex, 200, "<html><body>captive portal</body></html>\n".getBytes(StandardCharsets.UTF_8), "\"garbage\"");
                return;
            }
            if (fault == Fault.HUGE) {
                // endless-looking body with no Content-Length: the mirror must stop reading at its cap
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                try {
                    for (int i = 0; i < 4096; i++) {
                        ex.getResponseBody().write(chunk);
                    }
                } catch (IOException closedByTheMirror) {
                    // expected: the reader gave up
                }
                return;
            }
            if (path.equals("index/config.json")) {
                send(ex, 200, ("{\"dl\":\"" + base() + "/api/v1/crates\",\"api\":\"" + base() + "\"}").getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            if (path.startsWith("index/")) {
                String file = index.get(path.substring("index/".length()));
                if (file == null) {
                    send(ex, 404, "not found".getBytes(StandardCharsets.UTF_8), null);
                    return;
                }
                byte[] body = file.getBytes(StandardCharsets.UTF_8);
                String etag = "\"" + sha256(body).substring(0, 16) + "\"";
                if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                    ex.getResponseHeaders().set("ETag", etag);
                    ex.sendResponseHeaders(304, -1);
                    return;
                }
                send(ex, 200, body, etag);
                return;
            }
            // crates.io's download URL shape: {dl}/{crate}/{version}/download
            String[] p = path.split("/");
            if (p.length == 6 && p[0].equals("api") && p[5].equals("download")) {
                byte[] crate = crates.get(p[3] + "/" + p[4]);
                if (crate != null) {
                    if (fault == Fault.WRONG_BYTES) {
                        crate = crate.clone();
                        crate[crate.length - 1] ^= 1;
                    }
                    send(ex, 200, crate, null);
                    return;
                }
            }
            send(ex, 404, "not found".getBytes(StandardCharsets.UTF_8), null);
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body, String etag) throws IOException {
        if (etag != null) {
            ex.getResponseHeaders().set("ETag", etag);
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
