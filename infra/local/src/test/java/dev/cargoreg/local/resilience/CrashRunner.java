package dev.cargoreg.local.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.local.e2e.StartupLine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runner jar as a child process on one data directory, for crash tests: started as users start it, killed with
 * SIGKILL ({@link Process#destroyForcibly()} on Linux) or stopped with SIGTERM. All starts append to one stderr log.
 */
final class CrashRunner {
    final Process process;
    final String api;
    final long startMillis;

    private CrashRunner(Process process, String api, long startMillis) {
        this.process = process;
        this.api = api;
        this.startMillis = startMillis;
    }

    static CrashRunner start(Path dataDir, Path log, String jvmArgs, String adminToken) throws IOException {
        String jar = System.getProperty("registry.jar");
        if (jar == null) {
            throw new IllegalStateException("system property registry.jar is not set (run through Maven failsafe)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!jvmArgs.isBlank()) {
            cmd.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar, "--port", "0", "--data-dir", dataDir.toString(), "--admin-token", adminToken));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        JsonNode info = StartupLine.await(p, 90, log);
        return new CrashRunner(p, info.get("api").asText(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("runner survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM, a clean stop. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("runner did not stop within 30 s of SIGTERM");
        }
    }
}
