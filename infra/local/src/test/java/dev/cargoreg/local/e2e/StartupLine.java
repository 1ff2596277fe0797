package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The local runner's first stdout line (its JSON: port, api, index, token), as every test that starts the runner as a
 * process reads it: within a deadline, or an error with the end of its stderr log; the rest of stdout is drained so that
 * the runner never blocks on a full pipe.
 */
public final class StartupLine {
    private StartupLine() {
    }

    public static JsonNode await(Process p, int seconds, Path log) throws IOException {
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
            line = first.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("runner did not print its startup line within " + seconds + " s; end of " + log + ":\n"
                    + tail(log), e);
        }
        if (line == null) {
            throw new IOException("runner exited (" + exit(p) + ") before printing its startup line; end of " + log + ":\n"
                    + tail(log));
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "runner-stdout-drain");
        drain.setDaemon(true);
        drain.start();
        return new ObjectMapper().readTree(line);
    }

    /** The last 40 lines of {@code log}. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static String exit(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? "status " + p.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
