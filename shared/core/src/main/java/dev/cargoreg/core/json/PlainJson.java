package dev.cargoreg.core.json;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a plain tree (maps with string keys, lists, strings, booleans, integers, longs, doubles, nulls) with the
 * streaming generator, the way the shared mapper writes it: {@code ORDER_MAP_ENTRIES_BY_KEYS} sorts a map's entries by
 * key unless the map is a {@link SortedMap} (kept in its own order), and null values are written. The mapper's
 * serializers call the same generator methods, so the bytes are the same ({@code JsonTest} compares them).
 */
final class PlainJson {
    private PlainJson() {
    }

    /** Whether {@link #write} can write it; anything else (a record, a set, an array, a null key) goes to the mapper. */
    static boolean isPlain(Object v, int depthLeft) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Double) {
            return true;
        }
        if (depthLeft <= 0) {
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String) || !isPlain(e.getValue(), depthLeft - 1)) {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (!isPlain(o, depthLeft - 1)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Writes a value {@link #isPlain} accepted. */
    static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : (m instanceof SortedMap<?, ?> ? m : new TreeMap<>(m)).entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a plain JSON value: " + v.getClass().getName());
        }
    }
}
