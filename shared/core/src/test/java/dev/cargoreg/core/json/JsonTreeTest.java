package dev.cargoreg.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link Json#readTree} reads what the shared mapper's {@code readTree} reads, node for node, and refuses what it refuses. */
class JsonTreeTest {

    /** Both read the same tree (JsonNode equality: IntNode 1 is not LongNode 1), or both refuse; as text and as bytes. */
    private static void assertSameAsMapper(String json) {
        assertSame(json, () -> Json.mapper().readTree(json), () -> Json.readTree(json));
        // a lone surrogate becomes `?` in the bytes: both read the same bytes
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertSame(json, () -> Json.mapper().readTree(bytes), () -> Json.readTree(bytes));
    }

    private interface Read {
        JsonNode read() throws Exception;
    }

    private static void assertSame(String json, Read mapper, Read ours) {
        JsonNode expected;
        try {
            expected = mapper.read();
        } catch (JsonProcessingException e) {
            assertThrows(JsonProcessingException.class, ours::read, () -> "the mapper refused " + json);
            return;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try {
            assertEquals(expected, ours.read(), () -> "for " + json);
        } catch (JsonProcessingException e) {
            fail("the mapper read " + json + " but readTree refused it: " + e.getOriginalMessage());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void every_token_and_number_type_is_read_as_the_mapper_reads_it() {
        for (String json : List.of("{}", "[]", "null", "true", "false", "\"\"", "\"a\\u00e9\\ud83d\\ude00\\n\"", "0", "-0", "1",
                "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                "123456789012345678901234567890", "0.5", "-0.0", "1e3", "1E-3", "1.5e+300", "1e400", "-1e400", "1e-400",
                "{\"a\":{\"b\":[1,{\"c\":null}]},\"d\":[[],{}]}", " \n\t{ \"k\" : [ 1 , 2 ] } \n",
                "{\"name\":\"serde\",\"vers\":\"1.0.0\",\"deps\":[],\"features\":{\"std\":[]}}")) {
            assertSameAsMapper(json);
        }
    }

    @Test
    void what_the_mapper_refuses_is_refused() {
        for (String json : List.of("{", "[1,", "{\"a\":1,\"a\":2}", "{\"a\":1} x", "[1] [2]", "{} {}", "nul", "01", "1.",
                "'single'", "{a:1}", "[1,]", "\"unterminated", "[" + "[".repeat(70) + "]".repeat(71), "{\"a\":NaN}",
                "\"\u0001\"", "/* comment */ 1")) {
            assertSameAsMapper(json);
        }
    }

    @Test
    void no_content_is_a_missing_node_as_with_the_mapper() throws Exception {
        assertTrue(Json.readTree("").isMissingNode());
        assertTrue(Json.readTree("  \n").isMissingNode());
        assertEquals(Json.mapper().readTree("  "), Json.readTree("  "));
    }

    @Test
    void three_thousand_random_documents_and_their_damaged_copies_are_read_as_the_mapper_reads_them() {
        Random r = new Random(20261203L);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            value(r, sb, 0);
            String json = sb.toString();
            assertSameAsMapper(json);
            // damaged: cut short, a stray character inserted, or a second value after the first
            int at = r.nextInt(json.length() + 1);
            assertSameAsMapper(json.substring(0, at));
            assertSameAsMapper(json.substring(0, at) + "}],\":x1 ".charAt(r.nextInt(8)) + json.substring(at));
            assertSameAsMapper(json + " " + json);
        }
    }

    private static void value(Random r, StringBuilder sb, int depth) {
        int kind = r.nextInt(depth > 6 ? 6 : 8);
        switch (kind) {
            case 0 -> sb.append("null");
            case 1 -> sb.append(r.nextBoolean());
            case 2 -> string(r, sb);
            case 3 -> sb.append(switch (r.nextInt(5)) {
                case 0 -> Integer.toString(r.nextInt());
                case 1 -> Long.toString(r.nextLong());
                case 2 -> Long.toString(r.nextLong()) + r.nextInt(1000);
                case 3 -> "-" + r.nextInt(10);
                default -> Integer.toString(r.nextInt(100));
            });
            case 4 -> sb.append(switch (r.nextInt(4)) {
                case 0 -> Double.toString(r.nextGaussian());
                case 1 -> r.nextInt(100) + "." + r.nextInt(100) + "e" + (r.nextInt(800) - 400);
                case 2 -> Double.toString(Double.MAX_VALUE * r.nextDouble());
                default -> "0." + "0".repeat(r.nextInt(20)) + (1 + r.nextInt(9));
            });
            case 5 -> sb.append(r.nextBoolean() ? "[]" : "{}");
            case 6 -> {
                sb.append('[');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(r.nextBoolean() ? " " : "");
                    value(r, sb, depth + 1);
                }
                sb.append(']');
            }
            default -> {
                sb.append('{');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "");
                    // distinct keys: a repeated key is a refusal, tested above
                    sb.append("\"k").append(i).append(r.nextBoolean() ? "\\u00e9" : "").append("\":");
                    value(r, sb, depth + 1);
                }
                sb.append('}');
            }
        }
    }

    private static final String[] PIECES = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u0000", "\\u2028",
        "\\ud83d\\ude00", "é", "中", "😀"};

    private static void string(Random r, StringBuilder sb) {
        sb.append('"');
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        }
        sb.append('"');
    }
}
