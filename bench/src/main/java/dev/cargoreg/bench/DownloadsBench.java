package dev.cargoreg.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.cargoreg.core.downloads.AccessLogParser;
import dev.cargoreg.core.downloads.AccessLogWriter;
import dev.cargoreg.core.downloads.DownloadCounter;
import dev.cargoreg.core.downloads.DownloadTally;
import dev.cargoreg.testing.AwsRegistryFixture;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Counting a day of CloudFront access logs with 1,000,000 tarball downloads: the files generated in CloudFront's
 * format (all 33 fields, gzip'd), one index file request beside each download, downloads spread over the registry's
 * versions by a Zipf law (a few crates take most downloads, as on crates.io); then the same DownloadCounter the Lambda
 * function runs, file after file, over DynamoDB Local (in process). Then the whole day again: counted once.
 */
final class DownloadsBench {
    static final int CRATES = 300;
    static final int VERSIONS_PER_CRATE = 3;
    static final long DOWNLOADS = 1_000_000;
    /** CloudFront delivers several files an hour per distribution; 4 an hour here. */
    static final int FILES = 96;

    private final Report report;
    private final AwsRegistryFixture f;

    DownloadsBench(Report report, AwsRegistryFixture fixture) {
        this.report = report;
        this.f = fixture;
    }

    void run() {
        report.heading("Download counts: a day of CloudFront logs with 1,000,000 downloads (issue 16)");
        report.progress("downloads: publishing " + CRATES * VERSIONS_PER_CRATE + " versions");
        List<String[]> versions = new ArrayList<>();
        for (int c = 0; c < CRATES; c++) {
            for (int v = 0; v < VERSIONS_PER_CRATE; v++) {
                String name = "dl-bench-" + c;
                String version = "1." + v + ".0";
                f.publish(AwsRegistryFixture.ALICE, name, version);
                versions.add(new String[] {name, version});
            }
        }
        double[] cumulative = zipf(versions.size(), 1.1);
        report.progress("downloads: generating " + FILES + " log files");
        Random random = new Random(16);
        Instant dayStart = Instant.parse("2026-12-01T00:00:00Z");
        List<byte[]> files = new ArrayList<>();
        long bytes = 0;
        long perFile = DOWNLOADS / FILES;
        for (int i = 0; i < FILES; i++) {
            long n = i == FILES - 1 ? DOWNLOADS - perFile * (FILES - 1) : perFile;
            List<AccessLogWriter.Entry> entries = new ArrayList<>((int) n * 2);
            Instant from = dayStart.plusSeconds(86_400L * i / FILES);
            for (long d = 0; d < n; d++) {
                String[] v = versions.get(pick(cumulative, random.nextDouble()));
                Instant at = from.plusMillis(random.nextInt(86_400_000 / FILES));
                String ip = "198.51." + random.nextInt(256) + "." + random.nextInt(256);
                String ua = "cargo/1.85.0 (d73d2caf9 2024-12-31)";
                String index = "/index/dl/-b/" + v[0];
                entries.add(new AccessLogWriter.Entry(at, ip, "GET", "d111111abcdef8.cloudfront.net", index, 200, 900, ua));
                entries.add(new AccessLogWriter.Entry(at, ip, "GET", "d111111abcdef8.cloudfront.net",
                        "/crates/" + v[0] + "/" + v[0] + "-" + v[1] + ".crate", 200, 24_000, ua));
            }
            byte[] file = AccessLogWriter.gzip(entries);
            bytes += file.length;
            files.add(file);
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        // parsing and tallying alone: the part that does not depend on the store
        long parse0 = System.nanoTime();
        long parseCpu0 = threads.getCurrentThreadCpuTime();
        long parsed = 0;
        for (byte[] file : files) {
            DownloadTally tally = new DownloadTally();
            AccessLogParser.parseGzip(new ByteArrayInputStream(file), tally::add);
            parsed += tally.downloads();
        }
        double parseWall = (System.nanoTime() - parse0) / 1e9;
        double parseCpu = (threads.getCurrentThreadCpuTime() - parseCpu0) / 1e9;

        DownloadCounter counter = new DownloadCounter(f.store, Clock.systemUTC());
        report.progress("downloads: counting " + FILES + " files");
        long wall0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long process0 = os.getProcessCpuTime();
        int chunks = 0;
        Stats perFileTime = new Stats();
        for (int i = 0; i < files.size(); i++) {
            long t0 = System.nanoTime();
            chunks += counter.count("cdn-logs/EBENCH." + i + ".gz", new ByteArrayInputStream(files.get(i))).chunksAdded();
            perFileTime.add(System.nanoTime() - t0);
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double process = (os.getProcessCpuTime() - process0) / 1e9;

        long again0 = System.nanoTime();
        int already = 0;
        for (int i = 0; i < files.size(); i++) {
            already += counter.count("cdn-logs/EBENCH." + i + ".gz", new ByteArrayInputStream(files.get(i))).chunksAlreadyAdded();
        }
        double againWall = (System.nanoTime() - again0) / 1e9;
        long total = 0;
        for (int c = 0; c < CRATES; c++) {
            total += f.store.downloadTotals("dl_bench_" + c).total();
        }
        if (total != DOWNLOADS || parsed != DOWNLOADS) {
            throw new IllegalStateException("counted " + total + " (parsed " + parsed + "), expected " + DOWNLOADS);
        }
        report.line(FILES + " files, " + Stats.thousands(2 * DOWNLOADS) + " lines (a download and an index request each), "
                + Stats.thousands(bytes / 1024) + " KiB gzip'd; " + versions.size() + " versions of " + CRATES
                + " crates; " + chunks + " transactions (chunks of up to 24 counts). The table's totals add up to "
                + Stats.thousands(total) + ".");
        report.line("");
        report.table(List.of("step", "wall s", "downloads/s", "CPU s (counter thread)", "CPU s (process, with DynamoDB Local)"),
                List.of(
                        List.of("parse and tally only (no store)", Stats.f1(parseWall), Stats.thousands(Math.round(DOWNLOADS / parseWall)),
                                Stats.f1(parseCpu), ""),
                        List.of("count the day (parse, version checks, transactions)", Stats.f1(wall),
                                Stats.thousands(Math.round(DOWNLOADS / wall)), Stats.f1(cpu), Stats.f1(process)),
                        List.of("the same day again (every chunk already counted)", Stats.f1(againWall),
                                Stats.thousands(Math.round(DOWNLOADS / againWall)), "", "")));
        report.line("");
        report.line("Per file (" + Stats.thousands(DOWNLOADS / FILES) + " downloads): p50 " + Stats.ms(perFileTime.p50())
                + " ms, p99 " + Stats.ms(perFileTime.p99()) + " ms; " + already + " chunks found already counted on the "
                + "second pass.");
    }

    /** Cumulative Zipf weights over {@code n} ranks. */
    private static double[] zipf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            c[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            c[i] /= sum;
        }
        return c;
    }

    private static int pick(double[] cumulative, double u) {
        int i = Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
}
