package dev.cargoreg.core.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.publish.IndexEntries;
import dev.cargoreg.core.publish.NewCrateMetadata;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexLinesTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final String CKSUM = "a".repeat(64);
    private static final Instant AT = Instant.parse("2024-03-05T07:08:09.987654321Z");
    private static final String CRATES_IO = "https://github.com/rust-lang/crates.io-index";

    private static NewCrateMetadata meta(PublishBodyBuilder m) {
        try {
            return Json.mapper().readValue(m.bytes(), NewCrateMetadata.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parsed(String line) {
        try {
            return PLAIN.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static String line(PublishBodyBuilder m) {
        return IndexLines.serialize(IndexEntries.of(meta(m), CKSUM, AT));
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void minimal_line_has_cargos_required_fields_in_crates_io_order() {
        String line = line(PublishBodyBuilder.of("Foo_Bar", "1.0.0+build.1"));
        JsonNode n = parsed(line);

        assertEquals(List.of("name", "vers", "deps", "cksum", "features", "yanked", "pubtime"), keys(n));
        assertEquals("Foo_Bar", n.get("name").asText(), "exact case");
        assertEquals("1.0.0+build.1", n.get("vers").asText(), "+build kept");
        assertTrue(n.get("deps").isArray() && n.get("deps").isEmpty());
        assertEquals(CKSUM, n.get("cksum").asText());
        assertTrue(n.get("features").isObject() && n.get("features").isEmpty());
        assertFalse(n.get("yanked").asBoolean());
        assertTrue(n.get("yanked").isBoolean());
        assertFalse(n.has("v"), "no v without features2");
        assertFalse(n.has("links"), "links omitted when null");
        assertFalse(n.has("rust_version"));
    }

    @Test
    void serialize_is_compact_and_deterministic() {
        PublishBodyBuilder m = PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("serde", "^1")).feature("b").feature("a", "b");
        String first = line(m);
        String second = line(m);

        assertEquals(first, second);
        assertFalse(first.contains(" "), first);
        assertFalse(first.contains("\n"), first);
        assertTrue(first.startsWith("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[{\"name\":\"serde\",\"req\":\"^1\","), first);
    }

    @Test
    void serialized_line_matches_the_expected_bytes_exactly() {
        PublishBodyBuilder m = PublishBodyBuilder.of("foo", "0.1.0")
                .dep(PublishBodyBuilder.dep("serde", "^1.0"))
                .feature("std")
                .feature("default", "std")
                .with("links", "z")
                .with("rust_version", "1.70");

        assertEquals("{\"name\":\"foo\",\"vers\":\"0.1.0\",\"deps\":[{\"name\":\"serde\",\"req\":\"^1.0\",\"features\":[],"
                + "\"optional\":false,\"default_features\":true,\"target\":null,\"kind\":\"normal\"}],"
                + "\"cksum\":\"" + CKSUM + "\",\"features\":{\"default\":[\"std\"],\"std\":[]},\"yanked\":false,"
                + "\"links\":\"z\",\"rust_version\":\"1.70\",\"pubtime\":\"2024-03-05T07:08:09Z\"}", line(m));
    }

    @Test
    void every_dep_field_older_cargo_requires_is_written() {
        JsonNode dep = parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("serde", "^1")))).get("deps").get(0);

        assertEquals(List.of("name", "req", "features", "optional", "default_features", "target", "kind"), keys(dep));
        assertTrue(dep.get("target").isNull(), "target null is serialized as \"target\":null");
        assertFalse(dep.has("registry"), "absent registry means this registry");
        assertFalse(dep.has("package"));
    }

    @Test
    void renamed_dependency_uses_alias_as_name_and_real_name_as_package() {
        Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1.0");
        d.put("explicit_name_in_toml", "serde1");

        JsonNode dep = parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(d))).get("deps").get(0);

        assertEquals("serde1", dep.get("name").asText());
        assertEquals("serde", dep.get("package").asText());
        assertEquals("^1.0", dep.get("req").asText());
    }

    @Test
    void registry_is_kept_for_crates_io_dependencies() {
        Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1.0");
        d.put("registry", CRATES_IO);

        JsonNode dep = parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(d))).get("deps").get(0);

        assertEquals(CRATES_IO, dep.get("registry").asText());
    }

    @Test
    void registry_is_absent_when_null() {
        Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1.0");
        d.put("registry", null);

        assertFalse(parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(d))).get("deps").get(0).has("registry"));
    }

    @Test
    void missing_dep_fields_get_cargos_defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "log");
        d.put("version_req", "^0.4");

        JsonNode dep = parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(d))).get("deps").get(0);

        assertEquals("normal", dep.get("kind").asText(), "kind defaults to normal");
        assertTrue(dep.get("default_features").asBoolean(), "default_features defaults to true");
        assertFalse(dep.get("optional").asBoolean());
        assertTrue(dep.get("features").isArray() && dep.get("features").isEmpty());
        assertTrue(dep.has("target") && dep.get("target").isNull());
    }

    @Test
    void dep_fields_are_copied() {
        Map<String, Object> d = PublishBodyBuilder.dep("winapi", "^0.3");
        d.put("optional", true);
        d.put("default_features", false);
        d.put("features", List.of("std", "winuser"));
        d.put("target", "cfg(windows)");
        d.put("kind", "dev");

        JsonNode dep = parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(d))).get("deps").get(0);

        assertTrue(dep.get("optional").asBoolean());
        assertFalse(dep.get("default_features").asBoolean());
        assertEquals("[\"std\",\"winuser\"]", dep.get("features").toString());
        assertEquals("cfg(windows)", dep.get("target").asText());
        assertEquals("dev", dep.get("kind").asText());
    }

    @Test
    void dependency_order_is_kept() {
        JsonNode deps = parsed(line(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("zz", "^1")).dep(PublishBodyBuilder.dep("aa", "^1"))))
                .get("deps");

        assertEquals("zz", deps.get(0).get("name").asText());
        assertEquals("aa", deps.get(1).get("name").asText());
    }

    @Test
    void extended_feature_syntax_goes_to_features2_with_v2() {
        JsonNode n = parsed(line(PublishBodyBuilder.of("foo", "1.0.0")
                .feature("json", "dep:serde_json")
                .feature("std")
                .feature("default", "json")));

        assertEquals("{\"std\":[]}", n.get("features").toString());
        assertEquals("{\"default\":[\"json\"],\"json\":[\"dep:serde_json\"]}", n.get("features2").toString());
        assertEquals(2, n.get("v").asInt());
        assertEquals(List.of("name", "vers", "deps", "cksum", "features", "features2", "yanked", "v", "pubtime"), keys(n));
    }

    @Test
    void pubtime_is_utc_seconds_with_z() {
        String pubtime = parsed(line(PublishBodyBuilder.of("foo", "1.0.0"))).get("pubtime").asText();

        assertEquals("2024-03-05T07:08:09Z", pubtime);
        assertTrue(Pattern.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z", pubtime));
        assertEquals(20, pubtime.length());
    }

    @Test
    void pubtime_is_zero_padded() {
        IndexEntry e = IndexEntries.of(meta(PublishBodyBuilder.of("foo", "1.0.0")), CKSUM, Instant.parse("0999-01-02T03:04:05Z"));

        assertEquals("0999-01-02T03:04:05Z", e.pubtime());
    }

    @Test
    void serialize_refuses_a_yanked_entry() {
        IndexEntry e = IndexEntries.of(meta(PublishBodyBuilder.of("foo", "1.0.0")), CKSUM, AT);
        IndexEntry yanked = new IndexEntry(e.name(), e.vers(), e.deps(), e.cksum(), e.features(), e.features2(), true,
                e.links(), e.v(), e.rustVersion(), e.pubtime());

        assertThrows(IllegalArgumentException.class, () -> IndexLines.serialize(yanked));
    }

    @Test
    void with_yanked_flips_only_the_flag() {
        String stored = line(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("serde", "^1")));

        String yanked = IndexLines.withYanked(stored, true);

        assertTrue(parsed(yanked).get("yanked").asBoolean());
        assertEquals(stored.replace("\"yanked\":false", "\"yanked\":true"), yanked);
        assertEquals(stored.length() - 1, yanked.length());
        assertEquals(stored, IndexLines.withYanked(stored, false));
    }

    @Test
    void with_yanked_ignores_the_text_yanked_inside_strings_and_feature_names() {
        Map<String, Object> d = PublishBodyBuilder.dep("yanked", "^1");
        d.put("features", List.of("\"yanked\":false", "yanked"));
        d.put("explicit_name_in_toml", "yanked_alias");
        String stored = line(PublishBodyBuilder.of("foo", "1.0.0")
                .dep(d)
                .feature("yanked", "yanked/\"yanked\":false")
                .feature("a\"yanked\":false"));
        JsonNode before = parsed(stored);

        JsonNode after = parsed(IndexLines.withYanked(stored, true));

        assertTrue(after.get("yanked").asBoolean());
        ((ObjectNode) before).put("yanked", true);
        assertEquals(before, after, "nothing but the top-level flag changed");
    }

    @Test
    void with_yanked_refuses_a_line_without_the_flag() {
        assertThrows(IllegalStateException.class, () -> IndexLines.withYanked("{\"name\":\"foo\"}", true));
    }

    @Test
    void render_orders_by_seq_and_ends_every_line_with_newline() {
        String v1 = line(PublishBodyBuilder.of("foo", "1.0.0"));
        String v2 = line(PublishBodyBuilder.of("foo", "1.1.0"));
        String v3 = line(PublishBodyBuilder.of("foo", "0.9.0"));
        List<IndexLines.StoredLine> stored = List.of(
                new IndexLines.StoredLine(3, v3, false),
                new IndexLines.StoredLine(1, v1, true),
                new IndexLines.StoredLine(2, v2, false));

        String file = new String(IndexLines.render(stored), StandardCharsets.UTF_8);

        String[] lines = file.split("\n", -1);
        assertEquals(4, lines.length, "three lines and the empty rest after the final newline");
        assertEquals("", lines[3]);
        assertTrue(file.endsWith("\n"));
        assertEquals("1.0.0", parsed(lines[0]).get("vers").asText());
        assertTrue(parsed(lines[0]).get("yanked").asBoolean());
        assertEquals("1.1.0", parsed(lines[1]).get("vers").asText());
        assertFalse(parsed(lines[1]).get("yanked").asBoolean());
        assertEquals("0.9.0", parsed(lines[2]).get("vers").asText(), "publish order, not semver order");
        assertFalse(file.contains("\r"));
    }

    @Test
    void render_of_nothing_is_empty() {
        assertEquals(0, IndexLines.render(List.of()).length);
    }

    @Test
    void rendering_is_byte_identical_for_the_same_input() {
        List<IndexLines.StoredLine> stored = List.of(new IndexLines.StoredLine(1, line(PublishBodyBuilder.of("foo", "1.0.0")), false));

        assertEquals(new String(IndexLines.render(stored), StandardCharsets.UTF_8),
                new String(IndexLines.render(new ArrayList<>(stored)), StandardCharsets.UTF_8));
    }

    @Test
    void non_ascii_text_survives_as_utf8() {
        String stored = line(PublishBodyBuilder.of("foo", "1.0.0").feature("ñandú"));

        String file = new String(IndexLines.render(List.of(new IndexLines.StoredLine(1, stored, false))), StandardCharsets.UTF_8);

        assertTrue(parsed(file.trim()).get("features").has("ñandú"));
    }

    @Test
    void from_metadata_entry_is_not_yanked_and_has_no_nulls_where_cargo_needs_values() {
        IndexEntry e = IndexEntries.of(meta(PublishBodyBuilder.of("foo", "1.0.0").without("deps").without("features")), CKSUM, AT);

        assertFalse(e.yanked());
        assertEquals(List.of(), e.deps());
        assertEquals(Map.of(), e.features());
        assertNull(e.features2());
        assertNull(e.v());
    }

    @Test
    void serialize_writes_what_the_mapper_writes_for_two_thousand_random_entries() throws Exception {
        var writer = Json.mapper().writerFor(IndexEntry.class);
        Random r = new Random(7L);
        for (int i = 0; i < 2000; i++) {
            List<IndexEntry.Dep> deps = r.nextInt(6) == 0 ? null : new ArrayList<>();
            for (int d = deps == null ? 0 : r.nextInt(4); d > 0; d--) {
                deps.add(r.nextInt(12) == 0 ? null : new IndexEntry.Dep(text(r), text(r), strings(r), r.nextBoolean(),
                        r.nextBoolean(), text(r), text(r), text(r), text(r)));
            }
            IndexEntry e = new IndexEntry(text(r), text(r), deps, text(r), features(r), features(r), false, text(r),
                    r.nextBoolean() ? null : r.nextInt(3), text(r), text(r));
            assertEquals(writer.writeValueAsString(e), IndexLines.serialize(e), () -> "for " + e);
        }
    }

    private static final String[] PIECES = {"a", "serde", "1.0.0", "^1", "dep:x", "x?/y", "", " ", "\"", "\\", "\n", "\u0000",
        "é", "😀", "</script>", "yanked", "\"yanked\":false"};

    /** Null a fifth of the time. */
    private static String text(Random r) {
        if (r.nextInt(5) == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(4); n > 0; n--) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static List<String> strings(Random r) {
        if (r.nextInt(5) == 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int n = r.nextInt(4); n > 0; n--) {
            out.add(text(r));
        }
        return out;
    }

    /** Unsorted, sorted (kept as is), or null; values may be null. */
    private static Map<String, List<String>> features(Random r) {
        if (r.nextInt(4) == 0) {
            return null;
        }
        Map<String, List<String>> m = r.nextBoolean() ? new LinkedHashMap<>() : new TreeMap<>(Comparator.reverseOrder());
        for (int n = r.nextInt(5); n > 0; n--) {
            String k = text(r);
            m.put(k == null ? "k" + n : k, strings(r));
        }
        return m;
    }
}
