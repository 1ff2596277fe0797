package dev.cargoreg.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real crates nobody here wrote: the sources Debian's `librust-*-dev` packages install under
 * {@code /usr/share/cargo/registry} (`.ci/run` installs them), each packed once with real `cargo package`, offline.
 * These .crate files are what a user would push or import.
 */
public final class DebianCrates {
    public static final Path SOURCES = Path.of("/usr/share/cargo/registry");

    private DebianCrates() {
    }

    /** Why the Debian crates cannot be used here, or null when they can (sources present and cargo found). */
    public static String unavailable(String... dirs) {
        if (cargo() == null) {
            return "cargo is not installed";
        }
        for (String d : dirs) {
            if (!Files.isDirectory(SOURCES.resolve(d))) {
                return SOURCES.resolve(d) + " is missing: `.ci/run` installs it (apt-get install librust-…-dev)";
            }
        }
        return null;
    }

    /** The source directories there are, by name (`serde-1.0.152`). */
    public static List<String> all() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Packs each source directory with `cargo package --no-verify --allow-dirty --exclude-lockfile` (no network, no
     * dependency resolution) into {@code work}, once: a .crate already there is reused. Returns dir name → .crate.
     */
    public static Map<String, Path> pack(Path workDir, List<String> dirs) throws IOException, InterruptedException {
        Path work = workDir.toAbsolutePath();
        Path sources = work.resolve("src");
        Path out = work.resolve("target");
        Files.createDirectories(sources);
        // Debian drops the workspace readme some crates name as `../README.md`; cargo package insists on it
        if (!Files.exists(sources.resolve("README.md"))) {
            Files.writeString(sources.resolve("README.md"), "(the workspace readme Debian does not ship)\n");
        }
        Map<String, Path> crates = new TreeMap<>();
        for (String d : dirs) {
            Path crate = out.resolve("package").resolve(d + ".crate");
            if (!Files.exists(crate)) {
                Path copy = sources.resolve(d);
                if (!Files.exists(copy)) {
                    run(work, "cp", "-rL", SOURCES.resolve(d).toString(), copy.toString());
                }
                run(copy, cargo().toString(), "package", "--no-verify", "--allow-dirty", "--exclude-lockfile", "--offline",
                        "--target-dir", out.toString());
            }
            crates.put(d, crate);
        }
        return crates;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("CARGO_TERM_COLOR", "never");
        pb.environment().put("PATH", System.getProperty("user.home") + "/.cargo/bin" + File.pathSeparator + System.getenv("PATH"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed in " + dir + ":\n" + output);
        }
    }

    /** The cargo binary: PATH first, then rustup's default place. */
    public static Path cargo() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(Path.of(dir, "cargo"));
            }
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }
}
