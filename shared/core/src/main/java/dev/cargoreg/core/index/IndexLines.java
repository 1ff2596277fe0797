package dev.cargoreg.core.index;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cargoreg.core.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

    /**
     * The stored form: compact JSON with {@code "yanked":false}, no newline. Written field by field in {@link IndexEntry}'s
     * order and with its inclusion rules, the bytes the mapper would write ({@code IndexLinesTest} compares them), so a
     * publish builds no mapper.
     */
    public static String serialize(IndexEntry entry) {
        if (entry.yanked()) {
            throw new IllegalArgumentException("lines are stored as published, unyanked");
        }
        return Json.generate(g -> write(g, entry));
    }

    private static void write(JsonGenerator g, IndexEntry e) throws IOException {
        g.writeStartObject();
        stringIfSet(g, "name", e.name());
        stringIfSet(g, "vers", e.vers());
        if (e.deps() != null) {
            g.writeArrayFieldStart("deps");
            for (IndexEntry.Dep d : e.deps()) {
                write(g, d);
            }
            g.writeEndArray();
        }
        stringIfSet(g, "cksum", e.cksum());
        plainIfSet(g, "features", e.features());
        plainIfSet(g, "features2", e.features2());
        g.writeBooleanField("yanked", e.yanked());
        stringIfSet(g, "links", e.links());
        if (e.v() != null) {
            g.writeNumberField("v", e.v());
        }
        stringIfSet(g, "rust_version", e.rustVersion());
        stringIfSet(g, "pubtime", e.pubtime());
        g.writeEndObject();
    }

    private static void write(JsonGenerator g, IndexEntry.Dep d) throws IOException {
        if (d == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("name", d.name());
        g.writeStringField("req", d.req());
        g.writeFieldName("features");
        Json.writePlain(g, d.features());
        g.writeBooleanField("optional", d.optional());
        g.writeBooleanField("default_features", d.defaultFeatures());
        g.writeStringField("target", d.target());
        g.writeStringField("kind", d.kind());
        stringIfSet(g, "registry", d.registry());
        stringIfSet(g, "package", d.pkg());
        g.writeEndObject();
    }

    private static void stringIfSet(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void plainIfSet(JsonGenerator g, String name, Object value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            Json.writePlain(g, value);
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
