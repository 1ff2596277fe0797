package dev.cargoreg.core.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.cargoreg.core.json.Json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds index lines from publish metadata and renders a crate's index file from its stored lines.
 * A stored line is the exact line of publish time with {@code "yanked":false}; rendering flips only that flag.
 */
public final class IndexLines {
    private static final DateTimeFormatter PUBTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    static final String NOT_YANKED = "\"yanked\":false";
    static final String YANKED = "\"yanked\":true";

    private IndexLines() {
    }

    /** `pubtime` as crates.io writes it: UTC, to the second. */
    public static String pubtime(Instant publishedAt) {
        return PUBTIME.format(publishedAt.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The stored form: compact JSON with {@code "yanked":false}, no newline. */
    public static String serialize(IndexEntry entry) {
        if (entry.yanked()) {
            throw new IllegalArgumentException("lines are stored as published, unyanked");
        }
        try {
            return Writer.WRITER.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The line as served. {@code "yanked":false} occurs exactly once in a stored line: no nested object has a
     * `yanked` key with a boolean value, and inside JSON strings the quotes would be escaped.
     */
    public static String withYanked(String storedLine, boolean yanked) {
        if (!yanked) {
            return storedLine;
        }
        int at = storedLine.indexOf(NOT_YANKED);
        if (at < 0) {
            throw new IllegalStateException("stored index line has no yanked flag");
        }
        return storedLine.substring(0, at) + YANKED + storedLine.substring(at + NOT_YANKED.length());
    }

    /** Built when a line is first serialized (a publish): yank and the renderers only copy stored lines. */
    private static final class Writer {
        static final ObjectWriter WRITER = Json.mapper().writerFor(IndexEntry.class);
    }

    /** One stored version as the renderer needs it. */
    public record StoredLine(long seq, String line, boolean yanked) {
    }

    /** The whole index file: one line per version, in publish order, each ending with a newline. */
    public static byte[] render(List<StoredLine> versions) {
        List<StoredLine> sorted = new ArrayList<>(versions);
        sorted.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, sorted.size() * 256));
        for (StoredLine v : sorted) {
            out.writeBytes(withYanked(v.line(), v.yanked()).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }
}
