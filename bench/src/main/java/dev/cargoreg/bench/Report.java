package dev.cargoreg.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Markdown written as the benchmarks go: to the console (the bench's own stdout) and to a results file. */
final class Report {
    private final PrintStream console;
    private final Path file;
    private final StringBuilder all = new StringBuilder();

    Report(PrintStream console, Path file) {
        this.console = console;
        this.file = file;
    }

    void line(String s) {
        all.append(s).append('\n');
        console.println(s);
        console.flush();
        flush();
    }

    void heading(String s) {
        line("");
        line("## " + s);
        line("");
    }

    void table(List<String> header, List<List<String>> rows) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + "---|".repeat(header.size()));
        for (List<String> r : rows) {
            line("| " + String.join(" | ", r) + " |");
        }
        line("");
    }

    /** Progress for whoever watches; not part of the results file. */
    void progress(String s) {
        System.err.println("[bench] " + s);
    }

    private void flush() {
        try {
            Files.writeString(file, all.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }
}
