package dev.cargoreg.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.json.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fills the mirror ahead of time for air-gapped builds: every crates.io package of the given Cargo.lock files (and
 * every {@code name@version}) is requested through the mirror's own download URL, exactly as cargo would, so the
 * mirror fetches, verifies and stores what it does not have yet. It talks HTTP to the mirror, so it works the same
 * against the local runner and a deployed CloudFront distribution (with a token on a private registry).
 *
 * <pre>java -cp registry-local.jar dev.cargoreg.local.MirrorPrefetch --mirror URL [--token T] Cargo.lock… name@version…</pre>
 */
public final class MirrorPrefetch {
    private static final Set<String> CRATES_IO = Set.of("registry+https://github.com/rust-lang/crates.io-index",
            "sparse+https://index.crates.io/");

    /** One package: fetched (or already there), or failed with the mirror's reason. */
    public record Outcome(String name, String version, boolean ok, String detail) {
    }

    private MirrorPrefetch() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String mirror = null;
        String token = null;
        List<Path> lockfiles = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mirror" -> mirror = args[++i];
                case "--token" -> token = args[++i];
                default -> {
                    if (args[i].contains("@")) {
                        specs.add(args[i]);
                    } else {
                        lockfiles.add(Path.of(args[i]));
                    }
                }
            }
        }
        if (mirror == null || (lockfiles.isEmpty() && specs.isEmpty())) {
            System.err.println("usage: MirrorPrefetch --mirror sparse+https://<cdn>/mirror/index/ [--token T] Cargo.lock… name@version…");
            System.exit(2);
        }
        List<Outcome> outcomes = run(mirror, token, packages(lockfiles, specs));
        System.exit(report(outcomes, System.out) ? 0 : 1);
    }

    /** The crates.io packages of the lockfiles plus the explicit {@code name@version}s, each once, with the lockfile's checksum. */
    public static List<String[]> packages(List<Path> lockfiles, List<String> specs) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> out = new ArrayList<>();
        TomlMapper toml = new TomlMapper();
        for (Path lock : lockfiles) {
            for (JsonNode p : toml.readTree(Files.readAllBytes(lock)).path("package")) {
                if (CRATES_IO.contains(p.path("source").asText()) && seen.add(p.path("name").asText() + "@" + p.path("version").asText())) {
                    out.add(new String[] {p.path("name").asText(), p.path("version").asText(), p.path("checksum").asText(null)});
                }
            }
        }
        for (String s : specs) {
            int at = s.indexOf('@');
            if (seen.add(s)) {
                out.add(new String[] {s.substring(0, at), s.substring(at + 1), null});
            }
        }
        return out;
    }

    /** Requests each package's download through the mirror; a lockfile checksum must equal the bytes served. */
    public static List<Outcome> run(String mirrorIndexUrl, String token, List<String[]> packages) throws IOException, InterruptedException {
        String index = mirrorIndexUrl.startsWith("sparse+") ? mirrorIndexUrl.substring("sparse+".length()) : mirrorIndexUrl;
        index = index.endsWith("/") ? index : index + "/";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> config = get(http, index + "config.json", token);
        if (config.statusCode() != 200) {
            throw new IOException(index + "config.json answered HTTP " + config.statusCode() + " (a private registry needs --token)");
        }
        String dl = Json.mapper().readTree(config.body()).path("dl").asText();
        List<Outcome> outcomes = new ArrayList<>();
        for (String[] p : packages) {
            String url = dl.replace("{crate}", p[0]).replace("{version}", p[1]);
            HttpResponse<byte[]> r = get(http, url, token);
            if (r.statusCode() != 200) {
                String detail;
                try {
                    detail = Json.mapper().readTree(r.body()).path("errors").path(0).path("detail").asText("HTTP " + r.statusCode());
                } catch (IOException notJson) {
                    detail = "HTTP " + r.statusCode();
                }
                outcomes.add(new Outcome(p[0], p[1], false, detail));
            } else if (p[2] != null && !p[2].equals(Digests.sha256Hex(r.body()))) {
                outcomes.add(new Outcome(p[0], p[1], false, "the mirror's bytes have SHA-256 " + Digests.sha256Hex(r.body())
                        + " but the lockfile says " + p[2]));
            } else {
                outcomes.add(new Outcome(p[0], p[1], true, r.body().length + " bytes"
                        + r.headers().firstValue("X-Mirror").map(m -> " (" + m + ")").orElse("")));
            }
        }
        return outcomes;
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Prints one line per package and a summary; true when every package is in the mirror. */
    public static boolean report(List<Outcome> outcomes, PrintStream out) {
        long failed = outcomes.stream().filter(o -> !o.ok()).count();
        for (Outcome o : outcomes) {
            out.println((o.ok() ? "ok      " : "FAILED  ") + o.name() + "@" + o.version() + ": " + o.detail());
        }
        out.println((outcomes.size() - failed) + " of " + outcomes.size() + " packages are in the mirror"
                + (failed == 0 ? "" : "; " + failed + " failed"));
        return failed == 0;
    }
}
