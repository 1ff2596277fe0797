package dev.cargoreg.local.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("runner did not print its startup line within 90 s; see " + log, e);
        }
        if (line == null) {
            throw new IOException("runner exited (" + waitExit(p) + ") before printing its startup line; see " + log
                    + ":\n" + tail(log));
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard: the runner must never block on a full pipe
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "crash-runner-drain");
        drain.setDaemon(true);
        drain.start();
        JsonNode info = new ObjectMapper().readTree(line);
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

    private static String waitExit(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? "status " + p.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
