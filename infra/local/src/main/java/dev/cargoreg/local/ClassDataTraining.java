package dev.cargoreg.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Run once by the build under {@code -XX:ArchiveClassesAtExit}: starts the runner on a throw-away data directory,
 * sends it one request of each common kind and exits, so the JVM records every class that took in a class-data
 * sharing archive ({@code target/registry-local.jsa}). Started with that archive, the runner is ready in about half
 * the time and memory (docs/benchmarks.md, section 5). It also writes the argument file the README's command
 * starts the runner with ({@code java @infra/local/target/registry-local.args}): the archive, the JVM flags, the jar.
 * Not a user command. Arguments: the archive's path, the argument file's path.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException, URISyntaxException {
        Path jar = Path.of(ClassDataTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        Path archive = Path.of(args[0]).toAbsolutePath();
        // a JVM that cannot use the archive (another JDK build, a rebuilt jar) starts without it, warning on stderr:
        // stdout's first line stays the runner's JSON
        Files.writeString(Path.of(args[1]), String.join("\n", "-XX:TieredStopAtLevel=1",
                quoted("-XX:SharedArchiveFile=" + archive), "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-jar", quoted(jar.toString())) + "\n");
        Path dir = Files.createTempDirectory("registry-cds-training");
        try (LocalRegistry registry = LocalRegistry.start(Options.builder(dir.resolve("data")).port(0).build())) {
            // what a first start prints, and what cargo and the web UI ask first
            registry.startupJson();
            registry.instructions();
            for (String path : new String[] {"/index/config.json", "/index/3/s/serde", "/api/v1/crates?q=serde",
                    "/api/v1/crates/serde", "/"}) {
                get(registry.apiUrl() + path);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // the embedded servers leave non-daemon threads behind; the archive is written at exit
        System.exit(0);
    }

    /** An argument file's quoting (java's launcher reads "…" with backslash escapes). */
    private static String quoted(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void get(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.getResponseCode();
            InputStream body = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream();
            body.readAllBytes();
            body.close();
        } catch (IOException e) {
            throw new UncheckedIOException(url, e);
        }
    }
}
