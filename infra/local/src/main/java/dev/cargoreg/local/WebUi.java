package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The web UI (web/ in the repository, on the classpath as web/), served as CloudFront serves it from S3: the HTML shell
 * at / and at /me (cargo's login_url) with a short cache, the assets under /assets/{hash}/ with a year's. The hash is
 * {@link #assetsVersion} of web/assets, the same one infra/web/upload computes, so a change of any asset is a new URL.
 */
final class WebUi implements HttpHandler {
    static final String SHELL_CACHE = "no-cache";
    static final String ASSET_CACHE = "public, max-age=31536000, immutable";
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.UTF_8);
    private static final EdgeGate PUBLIC = new EdgeGate(null, null, false);

    private final Supplier<Snapshot> files;

    /** The shell with its asset version filled in, and the assets by path under web/. */
    private record Snapshot(byte[] shell, String version, Map<String, byte[]> assets) {
        static Snapshot of(Map<String, byte[]> files) {
            Map<String, byte[]> assets = new TreeMap<>(files);
            byte[] index = assets.remove("index.html");
            if (index == null) {
                throw new IllegalStateException("the web UI has no index.html");
            }
            String version = assetsVersion(assets);
            return new Snapshot(new String(index, StandardCharsets.UTF_8).replace("@ASSETS@", version)
                    .getBytes(StandardCharsets.UTF_8), version, assets);
        }
    }

    /** The copy in the runner's jar (web/ on the classpath), read once. */
    WebUi() {
        Snapshot fixed = Snapshot.of(load());
        this.files = () -> fixed;
    }

    private WebUi(Supplier<Snapshot> files) {
        this.files = files;
    }

    /** A folder (the repository's web/) read again at every request, for working on the UI without a rebuild. */
    static WebUi live(Path dir) {
        if (!Files.isRegularFile(dir.resolve("index.html"))) {
            throw new IllegalArgumentException("--web-dir " + dir + " has no index.html");
        }
        return new WebUi(() -> {
            try {
                Map<String, byte[]> all = read(dir);
                all.keySet().removeIf(k -> !k.equals("index.html") && !k.startsWith("assets/"));
                return Snapshot.of(all);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The first 12 hex digits of sha256sum over `sha256sum ./path` lines of web/assets, sorted by path (LC_ALL=C). */
    static String assetsVersion(Map<String, byte[]> assets) {
        try {
            StringBuilder lines = new StringBuilder();
            for (Map.Entry<String, byte[]> e : new TreeMap<>(assets).entrySet()) {
                String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getValue()));
                lines.append(hex).append("  ./").append(e.getKey().substring("assets/".length())).append('\n');
            }
            byte[] all = MessageDigest.getInstance("SHA-256").digest(lines.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(all).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String version() {
        return files.get().version();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            // GET and HEAD only, never a token: the web UI's files are public in every registry (its data is not)
            String method = PUBLIC.admit(ex);
            if (method == null) {
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            Snapshot web = files.get();
            var h = ex.getResponseHeaders();
            h.set("X-Content-Type-Options", "nosniff");
            if (path.equals("/") || path.equals("/me") || path.equals("/index.html")) {
                h.set("Cache-Control", SHELL_CACHE);
                ObjectResponder.send(ex, method, 200, "text/html; charset=utf-8", null, web.shell());
                return;
            }
            String prefix = "/assets/" + web.version() + "/";
            byte[] body = path.startsWith(prefix) ? web.assets().get("assets/" + path.substring(prefix.length())) : null;
            if (body == null) {
                h.set("Cache-Control", "no-cache");
                ObjectResponder.send(ex, method, 404, "text/plain; charset=utf-8", null, NOT_FOUND);
                return;
            }
            h.set("Cache-Control", ASSET_CACHE);
            ObjectResponder.send(ex, method, 200, contentType(path), null, body);
        }
    }

    static String contentType(String path) {
        if (path.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (path.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (path.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (path.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return "application/octet-stream";
    }

    /** Every file under web/ on the classpath (a directory in the IDE and tests, the runner's jar otherwise). */
    private static Map<String, byte[]> load() {
        URL index = WebUi.class.getResource("/web/index.html");
        if (index == null) {
            throw new IllegalStateException("web/index.html is not on the classpath");
        }
        try {
            URI uri = index.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return read(fs.getPath("/web"));
            }
            return read(Path.of(uri).getParent());
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("the web UI's files could not be read", e);
        }
    }

    private static Map<String, byte[]> read(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                try (InputStream in = Files.newInputStream(p)) {
                    files.put(rel, in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return files;
    }
}
