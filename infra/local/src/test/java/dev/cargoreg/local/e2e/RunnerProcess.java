package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The local runner as users start it (`java @…/registry-local.args …`), driven through its first stdout line. */
final class RunnerProcess implements AutoCloseable {
    /** How long registry-admin may run before a test gives up on it. */
    private static final int ADMIN_SCRIPT_TIMEOUT_MINUTES = 10;
    final Process process;
    final JsonNode info;
    final Path log;

    private RunnerProcess(Process process, JsonNode info, Path log) {
        this.process = process;
        this.info = info;
        this.log = log;
    }

    static Path jar() {
        String jar = System.getProperty("registry.jar");
        if (jar == null) {
            throw new IllegalStateException("system property registry.jar is not set (run through Maven failsafe)");
        }
        return Path.of(jar);
    }

    static RunnerProcess start(Path dataDir, String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // as the README starts it: the argument file the build writes beside the jar (its class-data archive included)
        Path args = jar().resolveSibling("registry-local.args");
        if (Files.exists(args)) {
            cmd.add("@" + args);
        } else {
            cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        }
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        cmd.addAll(List.of(extraArgs));
        Path log = Files.createTempFile(dataDir.getParent(), "runner", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        Process p = pb.start();
        return new RunnerProcess(p, StartupLine.await(p, 60, log), log);
    }

    String index() {
        return info.get("index").asText();
    }

    String api() {
        return info.get("api").asText();
    }

    String token() {
        return info.get("token").asText();
    }

    int port() {
        return info.get("port").asInt();
    }

    /** The index's base URL, without cargo's {@code sparse+}. */
    String indexBase() {
        return RegistryHttp.indexBase(index());
    }

    /** infra/admin/registry-admin against this runner with its admin token, as docs/api.md shows it. */
    Cargo.Result registryAdmin(String... args) throws IOException, InterruptedException {
        return registryAdmin(Map.of(), args);
    }

    /** registry-admin with this runner's API and token, and {@code env} on top (REGISTRY_API too). */
    Cargo.Result registryAdmin(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("events.dir")).getParent().resolve("infra/admin/registry-admin");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("REGISTRY_API", api());
        pb.environment().put("REGISTRY_TOKEN", token());
        pb.environment().putAll(env);
        Path output = Files.createTempFile("registry-admin", ".out");
        try {
            Process p = pb.redirectOutput(output.toFile()).start();
            // a guard against a hang, not a timing: the script's own curl --max-time and bounded retries end it sooner
            if (!p.waitFor(ADMIN_SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("registry-admin " + String.join(" ", args) + " still ran after "
                        + ADMIN_SCRIPT_TIMEOUT_MINUTES + " minutes; its output:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Cargo.Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** SIGTERM, as Ctrl-C or a service manager would stop it. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("runner did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
