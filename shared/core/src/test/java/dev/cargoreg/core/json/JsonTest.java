package dev.cargoreg.core.json;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Json#write} writes what the shared mapper writes, byte for byte, with or without the mapper. */
class JsonTest {

    private static void assertSameAsMapper(Object value) throws Exception {
        assertEquals(Json.mapper().writeValueAsString(value), Json.write(value), () -> "for " + value);
    }

    @Test
    void response_bodies_and_log_lines_are_written_as_the_mapper_writes_them() throws Exception {
        Map<String, Object> unordered = new LinkedHashMap<>();
        unordered.put("zeta", 1);
        unordered.put("alpha", null);
        unordered.put("Mid", List.of("a\"b", "\\", "tab\there", "\u0001\u001f", "é✓😀", "</script>"));
        assertSameAsMapper(unordered);
        assertSameAsMapper(Map.of("errors", List.of(Map.of("detail", "crate `x` does not exist"))));
        assertSameAsMapper(Map.of("ok", true, "msg", "yanked", "list", List.of(1, 2L, -0.5, 1e300, Double.NaN)));
        assertSameAsMapper(Map.of("warnings", Map.of("invalid_categories", List.of(), "other", List.of("w"))));
        assertSameAsMapper(new HashMap<>(Map.of("b", Long.MAX_VALUE, "a", Integer.MIN_VALUE, "", "")));
        assertSameAsMapper(List.of());
        assertSameAsMapper(Map.of());
        assertSameAsMapper("just a string");
        assertSameAsMapper(null);
        assertSameAsMapper(Arrays.asList(null, false, 0, 0L, -0.0));
    }

    @Test
    void a_sorted_map_keeps_its_own_order_as_the_mapper_keeps_it() throws Exception {
        TreeMap<String, Object> reversed = new TreeMap<>(Collections.reverseOrder());
        reversed.putAll(Map.of("a", 1, "b", 2, "c", List.of(Map.of("y", 1, "x", 2))));
        assertSameAsMapper(reversed);
    }

    @Test
    void anything_not_a_plain_tree_goes_through_the_mapper() throws Exception {
        record Body(String name, int n, List<String> tags) {
        }
        assertFalse(PlainJson.isPlain(new Body("x", 1, List.of()), 64));
        assertFalse(PlainJson.isPlain(Set.of("a"), 64));
        assertFalse(PlainJson.isPlain(new String[]{"a"}, 64));
        assertFalse(PlainJson.isPlain(Map.of(1, "integer key"), 64));
        assertFalse(PlainJson.isPlain(1.5f, 64));
        assertSameAsMapper(new Body("x", 1, List.of("t")));
        assertSameAsMapper(Map.of("inner", new Body("y", 2, List.of())));
        assertSameAsMapper(Set.of("a"));
        assertSameAsMapper(Map.of(1, "integer key"));
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        nullKey.put("a", 1);
        // the mapper refuses it (it cannot sort a null key), and so does write, through the mapper
        assertFalse(PlainJson.isPlain(nullKey, 64));
        assertThrows(IllegalStateException.class, () -> Json.write(nullKey));
    }

    @Test
    void deeper_than_the_nesting_limit_goes_through_the_mapper() throws Exception {
        Object v = "leaf";
        for (int i = 0; i < 70; i++) {
            v = List.of(v);
        }
        assertFalse(PlainJson.isPlain(v, 64));
        assertTrue(PlainJson.isPlain(List.of(List.of("a")), 64));
        assertSameAsMapper(v);
    }

    @Test
    void two_thousand_random_plain_trees_are_written_as_the_mapper_writes_them() throws Exception {
        Random r = new Random(10);
        for (int i = 0; i < 2000; i++) {
            Object tree = tree(r, 4);
            assertTrue(PlainJson.isPlain(tree, 64));
            assertSameAsMapper(tree);
        }
    }

    private static Object tree(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 9 : 7);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2:
                return r.nextInt();
            case 3:
                return r.nextLong();
            case 4:
                return r.nextInt(4) == 0 ? (double) r.nextInt(100) : r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            case 5:
            case 6:
                return string(r);
            case 7: {
                Map<String, Object> m = r.nextBoolean() ? new HashMap<>() : new LinkedHashMap<>();
                int n = r.nextInt(6);
                for (int k = 0; k < n; k++) {
                    m.put(string(r), tree(r, depth - 1));
                }
                return m;
            }
            default: {
                List<Object> l = new ArrayList<>();
                int n = r.nextInt(6);
                for (int k = 0; k < n; k++) {
                    l.add(tree(r, depth - 1));
                }
                return l;
            }
        }
    }

    private static final String ALPHABET = "abcXYZ09 _-\"\\/\n\t\u0000\u007f\u00e9\u2028\u4e2d";

    private static String string(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(20) == 0) {
                b.appendCodePoint(0x1F600 + r.nextInt(50));
            } else {
                b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
        }
        return b.toString();
    }
}
