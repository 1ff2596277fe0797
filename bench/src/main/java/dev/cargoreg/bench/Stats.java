package dev.cargoreg.bench;

import java.util.Arrays;
import java.util.Locale;

/** Latency samples in nanoseconds, summarized with nearest-rank percentiles. */
final class Stats {
    private long[] samples = new long[1024];
    private int n;

    void add(long nanos) {
        if (n == samples.length) {
            samples = Arrays.copyOf(samples, n * 2);
        }
        samples[n++] = nanos;
    }

    void addAll(Stats other) {
        for (int i = 0; i < other.n; i++) {
            add(other.samples[i]);
        }
    }

    int count() {
        return n;
    }

    /** Nearest-rank percentile, in milliseconds. */
    double pct(double p) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return s[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
    }

    double p50() {
        return pct(50);
    }

    double p99() {
        return pct(99);
    }

    double max() {
        return pct(100);
    }

    double mean() {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += samples[i];
        }
        return sum / n / 1e6;
    }

    static String ms(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v < 1) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        if (v < 100) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String thousands(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
