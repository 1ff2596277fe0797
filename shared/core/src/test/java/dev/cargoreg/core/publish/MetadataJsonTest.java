package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MetadataJson} reads what data binding of {@link NewCrateMetadata} with the shared mapper reads, and refuses what
 * it refuses; the one difference is that data binding would also take a string or a number as a boolean.
 */
class MetadataJsonTest {
    private static final ObjectReader BINDING = Json.mapper().readerFor(NewCrateMetadata.class);
    private static final String[] TOP_STRINGS = {"name", "vers", "description", "documentation", "homepage", "readme",
        "readme_file", "license", "license_file", "repository", "links", "rust_version"};
    private static final String[] TOP_LISTS = {"authors", "keywords", "categories"};
    private static final String[] DEP_STRINGS = {"name", "version_req", "target", "kind", "registry", "explicit_name_in_toml"};

    private static String detail(String json) {
        return assertThrows(RegistryException.class, () -> MetadataJson.read(json), json).detail();
    }

    @Test
    void cargos_metadata_is_read_field_for_field() throws Exception {
        String json = "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[{\"optional\":false,\"default_features\":true,"
                + "\"name\":\"bar\",\"features\":[\"x\"],\"version_req\":\"^1\",\"target\":null,\"kind\":\"normal\","
                + "\"registry\":\"https://github.com/rust-lang/crates.io-index\",\"explicit_name_in_toml\":\"baz\"}],"
                + "\"features\":{\"default\":[\"std\"],\"std\":[]},\"authors\":[\"A <a@b>\"],\"description\":\"d\","
                + "\"documentation\":null,\"homepage\":null,\"readme\":\"# hi\",\"readme_file\":\"README.md\","
                + "\"keywords\":[\"k\"],\"categories\":[],\"license\":\"MIT\",\"license_file\":null,\"repository\":null,"
                + "\"badges\":{\"maintenance\":{\"status\":\"none\"}},\"links\":null,\"rust_version\":\"1.70\"}";
        NewCrateMetadata m = MetadataJson.read(json);
        assertEquals(BINDING.readValue(json), m);
        assertEquals(new NewCrateMetadata.Dependency("bar", "^1", List.of("x"), false, true, null, "normal",
                "https://github.com/rust-lang/crates.io-index", "baz"), m.deps().get(0));
    }

    @Test
    void a_wrong_type_names_the_field_and_what_it_must_be() {
        assertEquals("invalid upload request: `name` must be a string, not a number", detail("{\"name\":1}"));
        assertEquals("invalid upload request: `deps[0].optional` must be a boolean, not a string",
                detail("{\"deps\":[{\"optional\":\"true\"}]}"));
        assertEquals("invalid upload request: `features.std[1]` must be a string, not an object",
                detail("{\"features\":{\"std\":[\"a\",{}]}}"));
        assertEquals("invalid upload request: `keywords` must be an array of strings, not a string",
                detail("{\"keywords\":\"one\"}"));
        assertEquals("invalid upload request: `deps[1]` must be an object, not an array", detail("{\"deps\":[null,[]]}"));
        assertEquals("invalid upload request: the metadata must be a JSON object", detail("[]"));
        assertEquals("invalid upload request: the metadata must be a JSON object", detail("null"));
        assertEquals("invalid upload request: the metadata must be a JSON object", detail(""));
        assertTrue(detail("{\"name\":\"a\",\"name\":\"b\"}").startsWith("invalid upload request: Duplicate field"));
        assertTrue(detail("{} {}").startsWith("invalid upload request: Trailing token"));
    }

    @Test
    void null_is_absent_and_nulls_inside_lists_are_kept_for_the_validator_to_name() {
        NewCrateMetadata m = MetadataJson.read("{\"name\":null,\"keywords\":[null],\"deps\":[null],\"features\":{\"a\":null}}");
        assertNull(m.name());
        assertEquals(Arrays.asList((String) null), m.keywords());
        assertEquals(Arrays.asList((NewCrateMetadata.Dependency) null), m.deps());
        assertTrue(m.features().containsKey("a"));
        assertNull(m.features().get("a"));
    }

    @Test
    void five_thousand_random_documents_are_read_as_data_binding_reads_them() {
        Random r = new Random(42L);
        int bothRead = 0;
        int bothRefused = 0;
        for (int i = 0; i < 5000; i++) {
            Doc doc = new Doc(r);
            String json = doc.top();
            NewCrateMetadata bound;
            try {
                bound = BINDING.readValue(json);
            } catch (Exception e) {
                assertThrows(RegistryException.class, () -> MetadataJson.read(json), () -> "binding refused " + json);
                bothRefused++;
                continue;
            }
            if (doc.coercedBoolean) {
                // binding took a string or number as a boolean; we refuse it, as serde does
                assertThrows(RegistryException.class, () -> MetadataJson.read(json), json);
                continue;
            }
            assertEquals(bound, MetadataJson.read(json), json);
            bothRead++;
        }
        // the generator exercises both sides
        assertTrue(bothRead > 500 && bothRefused > 500, "read " + bothRead + ", refused " + bothRefused);
    }

    /** A random metadata document: every field absent, null, of its type, or of another type. */
    private static final class Doc {
        final Random r;
        boolean coercedBoolean;

        Doc(Random r) {
            this.r = r;
        }

        String top() {
            StringBuilder sb = new StringBuilder("{");
            for (String f : TOP_STRINGS) {
                field(sb, f, this::string);
            }
            for (String f : TOP_LISTS) {
                field(sb, f, this::strings);
            }
            field(sb, "deps", this::deps);
            field(sb, "features", this::features);
            field(sb, "badges", this::anything);
            field(sb, "unknown_" + r.nextInt(3), this::anything);
            return sb.append('}').toString();
        }

        /** Absent two times in five; otherwise null, of its type, or (a fifth of the rest) anything. */
        private void field(StringBuilder sb, String name, Function<Boolean, String> value) {
            int p = r.nextInt(10);
            if (p < 4) {
                return;
            }
            sb.append(sb.length() > 1 ? "," : "").append('"').append(name).append("\":");
            sb.append(p == 4 ? "null" : value.apply(p != 5 || r.nextInt(3) > 0));
        }

        /** {@code right}: of the field's type; otherwise anything, right or wrong. */
        private String string(boolean right) {
            return right ? quoted() : anything(true);
        }

        private String strings(boolean right) {
            if (!right) {
                return anything(true);
            }
            StringBuilder sb = new StringBuilder("[");
            for (int n = r.nextInt(4); n > 0; n--) {
                sb.append(sb.length() > 1 ? "," : "").append(r.nextInt(12) == 0 ? "null" : r.nextInt(15) == 0 ? anything(true) : quoted());
            }
            return sb.append(']').toString();
        }

        private String deps(boolean right) {
            if (!right) {
                return anything(true);
            }
            StringBuilder sb = new StringBuilder("[");
            for (int n = r.nextInt(3); n > 0; n--) {
                sb.append(sb.length() > 1 ? "," : "");
                if (r.nextInt(15) == 0) {
                    sb.append(r.nextBoolean() ? "null" : anything(true));
                    continue;
                }
                StringBuilder d = new StringBuilder("{");
                for (String f : DEP_STRINGS) {
                    field(d, f, this::string);
                }
                field(d, "features", this::strings);
                field(d, "optional", this::bool);
                field(d, "default_features", this::bool);
                field(d, "unknown", this::anything);
                sb.append(d.append('}'));
            }
            return sb.append(']').toString();
        }

        private String bool(boolean right) {
            if (right) {
                return Boolean.toString(r.nextBoolean());
            }
            String v = anything(true);
            if (v.startsWith("\"") || Character.isDigit(v.charAt(0)) || v.startsWith("-")) {
                coercedBoolean = true;
            }
            return v;
        }

        private String features(boolean right) {
            if (!right) {
                return anything(true);
            }
            StringBuilder sb = new StringBuilder("{");
            for (int n = r.nextInt(4); n > 0; n--) {
                sb.append(sb.length() > 1 ? "," : "").append("\"f").append(n).append("\":");
                sb.append(r.nextInt(10) == 0 ? "null" : strings(r.nextInt(10) > 0));
            }
            return sb.append('}').toString();
        }

        private String anything(boolean ignored) {
            return switch (r.nextInt(9)) {
                case 0 -> "1";
                case 1 -> "-2.5";
                case 2 -> "true";
                case 3 -> "false";
                case 4 -> "[]";
                case 5 -> "{}";
                case 6 -> "[\"a\",1,{\"b\":[null]}]";
                case 7 -> "{\"x\":{\"y\":[1,2]}}";
                default -> quoted();
            };
        }

        private String quoted() {
            String[] pieces = {"serde", "1.0.0", "^1", "", " ", "\\\"", "\\\\", "\\n", "é", "😀", "true", "1"};
            StringBuilder sb = new StringBuilder("\"");
            for (int n = r.nextInt(3); n > 0; n--) {
                sb.append(pieces[r.nextInt(pieces.length)]);
            }
            return sb.append('"').toString();
        }
    }
}
