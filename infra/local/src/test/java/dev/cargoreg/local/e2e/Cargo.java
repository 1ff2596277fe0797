package dev.cargoreg.local.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Plain, unchanged cargo with its own CARGO_HOME, configured for the local registry as the README says. */
final class Cargo {
    final Path home;
    private final String token;

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    Cargo(Path home, String index, String token) throws IOException {
        this(home, index, token, false);
    }

    /** @param privateRegistry adds the credential provider cargo insists on for auth-required registries */
    Cargo(Path home, String index, String token, boolean privateRegistry) throws IOException {
        this.home = home;
        this.token = token;
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.toml"), """
                [registries.local]
                index = "%s"

                [net]
                retry = 0
                """.formatted(index) + (privateRegistry ? """

                [registry]
                global-credential-providers = ["cargo:token"]
                """ : ""), StandardCharsets.UTF_8);
    }

    /** The cargo binary: PATH first, then rustup's default place. Null when there is none. */
    static Path find() {
        String path = System.getenv("PATH");
        List<Path> candidates = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(Path.of(dir, "cargo"));
            }
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo"));
        for (Path c : candidates) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        return null;
    }

    Result run(Path dir, String... args) throws IOException, InterruptedException {
        Path cargo = find();
        List<String> cmd = new ArrayList<>();
        cmd.add(cargo.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("CARGO_HOME", home.toString());
        env.put("CARGO_TERM_COLOR", "never");
        env.put("CARGO_TERM_PROGRESS_WHEN", "never");
        // rustup's shim needs to find its toolchains although CARGO_HOME moved
        env.putIfAbsent("RUSTUP_HOME", Path.of(System.getProperty("user.home"), ".rustup").toString());
        env.put("PATH", cargo.getParent() + File.pathSeparator + System.getenv("PATH"));
        if (token != null) {
            env.put("CARGO_REGISTRIES_LOCAL_TOKEN", token);
        } else {
            env.remove("CARGO_REGISTRIES_LOCAL_TOKEN");
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * A binary package under {@code root} that is never published, with {@code dependencies} (lines of its
     * {@code [dependencies]} table) and {@code mainRs} as src/main.rs: the consumer a test builds against the registry.
     */
    static Path app(Path root, String name, String dependencies, String mainRs) throws IOException {
        return project(root, name, Map.of(
                "Cargo.toml", """
                        [package]
                        name = "%s"
                        version = "0.1.0"
                        edition = "2021"
                        publish = false

                        [dependencies]
                        """.formatted(name) + dependencies,
                "src/main.rs", mainRs));
    }

    /** Writes a package: Cargo.toml and any other files, relative to its directory. */
    static Path project(Path root, String dirName, Map<String, String> files) throws IOException {
        Path dir = root.resolve(dirName);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        return dir;
    }
}
