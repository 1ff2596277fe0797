package dev.cargoreg.bench;

import dev.cargoreg.testing.AwsRegistryFixture;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The figures of design.md section 8, in one run:
 * <pre>
 *   mvn -q -Pbench -DskipTests package && java -jar bench/target/registry-bench.jar [publish] [index] [search] [searchload] [coldstart]  [priming] [serve] [audit] [downloads] [mirror]
 * </pre>
 * Run from the repository root (or pass {@code --root DIR}). Results go to stdout and to
 * {@code bench/target/bench-results.md}; progress and the libraries' logs go to stderr.
 */
public final class Bench {
    static final List<String> SECTIONS = List.of("publish", "index", "search", "searchload", "coldstart", "coldstart-ab", "coldstart-runtime", "priming", "serve",
            "audit", "downloads", "mirror", "reindex");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        Set<String> sections = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--root") && i + 1 < args.length) {
                root = Path.of(args[++i]);
            } else if (SECTIONS.contains(args[i])) {
                sections.add(args[i]);
            } else {
                System.err.println("usage: java -jar bench/target/registry-bench.jar [--root DIR] " + String.join(" ", SECTIONS));
                System.exit(2);
            }
        }
        if (sections.isEmpty()) {
            sections.addAll(SECTIONS);
            sections.remove("coldstart-ab");
            // creates a crate of 10,000 versions of its own (a minute more): when named
            sections.remove("reindex");
        }
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("functions")) || !Files.isDirectory(root.resolve("bench"))) {
            System.err.println(root + " is not the repository root; run from there or pass --root DIR");
            System.exit(2);
        }
        Path work = Files.createDirectories(root.resolve("bench/target/bench-work"));
        // the embedded S3 emulator's files, the events and logs stay under target/
        System.setProperty("java.io.tmpdir", work.toString());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // stdout carries the results only; libraries that log to stdout (Jetty, S3Mock) go to stderr
        PrintStream results = System.out;
        System.setOut(System.err);
        Report report = new Report(results, root.resolve("bench/target/bench-results.md"));
        report.line("# Benchmark results");
        report.line("");
        for (String m : machine(root, javaBin)) {
            report.line("- " + m);
        }
        report.line("- sections: " + String.join(", ", sections));

        int failures = 0;
        long start = System.nanoTime();
        AwsRegistryFixture fixture = null;
        for (String section : sections) {
            long t0 = System.nanoTime();
            String loadBefore = loadAverage();
            try {
                if ((section.equals("publish") || section.equals("index") || section.equals("audit") || section.equals("downloads")
                        || section.equals("reindex")) && fixture == null) {
                    fixture = new AwsRegistryFixture();
                }
                switch (section) {
                    case "publish" -> new PublishBench(report, fixture).run();
                    case "index" -> new IndexBench(report, fixture).run();
                    case "audit" -> new AuditBench(report, fixture).run();
                    case "reindex" -> new ReindexBench(report, fixture).run();
                    case "downloads" -> new DownloadsBench(report, fixture).run();
                    case "search" -> SearchBench.run(report, javaBin, System.getProperty("java.class.path"));
                    case "searchload" -> SearchLoadBench.run(report, javaBin, System.getProperty("java.class.path"));
                    case "coldstart" -> new ColdStartBench(report, root, javaBin, work).run();
                    // needs -Dbench.baseline=DIR, another checkout with its function jars built; never in the default run
                    case "coldstart-runtime" -> new ColdStartBench(report, root, javaBin, work)
                            .runRuntime(System.getProperty("bench.baseline") == null ? null : baseline());
                    case "coldstart-ab" -> new ColdStartBench(report, root, javaBin, work).runAb(baseline());
                    case "priming" -> new ColdStartBench(report, root, javaBin, work).runPriming();
                    case "serve" -> new ServeBench(report, root, javaBin, work).run();
                    case "mirror" -> new MirrorBench(report, work).run();
                    default -> throw new IllegalArgumentException(section);
                }
            } catch (Exception | Error e) {
                failures++;
                report.line("");
                report.line("**Section `" + section + "` failed:** `" + e + "`");
                e.printStackTrace();
            }
            report.line("");
            report.line("_Section `" + section + "`: " + Stats.f1((System.nanoTime() - t0) / 1e9) + " s; machine load average "
                    + "(1/5/15 min) before " + loadBefore + ", after " + loadAverage() + " (other processes share these "
                    + Runtime.getRuntime().availableProcessors() + " cores)._");
            report.progress(section + " took " + Stats.f1((System.nanoTime() - t0) / 1e9) + " s");
        }
        report.line("");
        report.line("Total run time: " + Stats.f1((System.nanoTime() - start) / 1e9) + " s.");
        results.flush();
        // DynamoDB Local and S3Mock keep non-daemon threads
        System.exit(failures == 0 ? 0 : 1);
    }

    private static Path baseline() {
        String dir = System.getProperty("bench.baseline");
        if (dir == null || !Files.isDirectory(Path.of(dir, "functions"))) {
            throw new IllegalArgumentException("coldstart-ab needs -Dbench.baseline=DIR: another checkout, its function jars built");
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    private static List<String> machine(Path root, String javaBin) {
        List<String> out = new ArrayList<>();
        out.add("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        out.add("cores (nproc): " + Runtime.getRuntime().availableProcessors());
        out.add("cpu: " + firstMatch(Path.of("/proc/cpuinfo"), "model name"));
        out.add("memory: " + firstMatch(Path.of("/proc/meminfo"), "MemTotal"));
        out.add("os: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.add("java -version: " + String.join(" / ", command(root, javaBin, "-version")));
        out.add("bench JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / 1048576 + " MB");
        List<String> git = command(root, "git", "rev-parse", "--short", "HEAD");
        List<String> dirty = command(root, "git", "status", "--porcelain", "--untracked-files=no");
        out.add("commit: " + (git.isEmpty() ? "unknown" : git.get(0)) + (dirty.isEmpty() ? "" : " (with uncommitted changes)"));
        return out;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String firstMatch(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown";
    }

    private static List<String> command(Path dir, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return List.of();
            }
            return text.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }
}
