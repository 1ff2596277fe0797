package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataValidatorTest {
    private static final MetadataValidator VALIDATOR = new MetadataValidator(Limits.defaults());

    private static NewCrateMetadata parse(String json) {
        return VALIDATOR.parse(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static NewCrateMetadata parse(PublishBodyBuilder m) {
        return VALIDATOR.parse(ByteBuffer.wrap(m.bytes()));
    }

    private static RegistryException parseRefused(byte[] bytes) {
        return assertThrows(RegistryException.class, () -> VALIDATOR.parse(ByteBuffer.wrap(bytes)));
    }

    private static RegistryException parseRefused(String json) {
        return parseRefused(json.getBytes(StandardCharsets.UTF_8));
    }

    private static RegistryException invalid(PublishBodyBuilder m) {
        NewCrateMetadata parsed = parse(m);
        return assertThrows(RegistryException.class, () -> VALIDATOR.validate(parsed));
    }

    private static void assertInvalidUploadRequest(RegistryException e) {
        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid upload request"), e.detail());
    }

    @Nested
    class Parsing {
        @Test
        void parses_what_cargo_sends() {
            Map<String, Object> renamed = PublishBodyBuilder.dep("serde", "^1.0");
            renamed.put("explicit_name_in_toml", "serde1");
            renamed.put("registry", "https://github.com/rust-lang/crates.io-index");
            NewCrateMetadata m = parse(PublishBodyBuilder.of("foo", "1.2.3+b")
                    .dep(renamed)
                    .feature("default", "std")
                    .feature("std", "dep:serde1")
                    .with("rust_version", "1.70")
                    .with("unknown_future_field", Map.of("a", 1)));

            assertEquals("foo", m.name());
            assertEquals("1.2.3+b", m.vers());
            assertEquals(1, m.deps().size());
            assertEquals("serde", m.deps().get(0).name());
            assertEquals("serde1", m.deps().get(0).explicitNameInToml());
            assertEquals("^1.0", m.deps().get(0).versionReq());
            assertEquals("https://github.com/rust-lang/crates.io-index", m.deps().get(0).registry());
            assertNull(m.deps().get(0).target());
            assertEquals(List.of("dep:serde1"), m.features().get("std"));
            assertEquals("1.70", m.rustVersion());
            CrateVersion v = VALIDATOR.validate(m);
            assertEquals("1.2.3", v.withoutBuild());
        }

        @Test
        void parse_does_not_consume_the_callers_buffer() {
            ByteBuffer buf = ByteBuffer.wrap(PublishBodyBuilder.of("foo", "1.0.0").bytes());
            int before = buf.position();

            VALIDATOR.parse(buf);

            assertEquals(before, buf.position());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "not json", "{", "{\"name\":", "[1,2", "\"just a string\"", "{'name':'foo'}"})
        void not_json_is_an_invalid_upload_request(String body) {
            assertInvalidUploadRequest(parseRefused(body));
        }

        @Test
        void json_null_is_an_invalid_upload_request() {
            assertInvalidUploadRequest(parseRefused("null"));
        }

        @Test
        void invalid_utf8_is_an_invalid_upload_request() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("{\"name\":\"foo".getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3});
            out.writeBytes("\",\"vers\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));

            RegistryException e = parseRefused(out.toByteArray());

            assertInvalidUploadRequest(e);
            assertTrue(e.detail().toLowerCase().contains("utf-8") || e.detail().toLowerCase().contains("utf8"), e.detail());
        }

        @Test
        void truncated_utf8_sequence_is_an_invalid_upload_request() {
            byte[] json = "{\"name\":\"fo\u00e9\"}".getBytes(StandardCharsets.UTF_8);
            // drop the second byte of the two-byte é (0xc3 0xa9) so the string holds a lone lead byte
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < json.length; i++) {
                if ((json[i] & 0xff) == 0xa9) {
                    continue;
                }
                out.write(json[i]);
            }
            assertInvalidUploadRequest(parseRefused(out.toByteArray()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-32LE"})
        void metadata_in_another_unicode_encoding_is_not_utf8(String charset) {
            // the envelope carries UTF-8 JSON (crates.io parses it with serde_json::from_slice); a parser that sniffs
            // the encoding accepts bytes no other implementation would
            byte[] json = "{\"name\":\"foo\",\"vers\":\"1.0.0\"}".getBytes(Charset.forName(charset));

            assertInvalidUploadRequest(parseRefused(json));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"name\":\"foo\",\"vers\":\"1.0.0\"} {}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\"}]",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\"} garbage",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\"}{\"name\":\"bar\"}"})
        void trailing_tokens_are_an_invalid_upload_request(String body) {
            assertInvalidUploadRequest(parseRefused(body));
        }

        @Test
        void trailing_whitespace_is_fine() {
            assertEquals("foo", parse("{\"name\":\"foo\",\"vers\":\"1.0.0\"}\n  \r\n").name());
        }

        @Test
        void duplicate_keys_are_an_invalid_upload_request() {
            // one parser reading the first `name` and another the last would disagree about what was published
            RegistryException e = parseRefused("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"name\":\"bar\"}");

            assertInvalidUploadRequest(e);
            assertTrue(e.detail().contains("name"), e.detail());
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "[]",
                "[{\"name\":\"foo\"}]",
                "{\"name\":{\"a\":1},\"vers\":\"1.0.0\"}",
                "{\"name\":[\"foo\"],\"vers\":\"1.0.0\"}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":\"serde\"}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":{}}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[\"serde\"]}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"features\":[]}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"features\":{\"a\":\"b\"}}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"features\":{\"a\":[{}]}}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[{\"name\":\"x\",\"version_req\":\"1\",\"optional\":\"maybe\"}]}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[{\"name\":\"x\",\"version_req\":\"1\",\"features\":{}}]}"})
        void wrong_types_are_an_invalid_upload_request(String body) {
            assertInvalidUploadRequest(parseRefused(body));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"name\":true,\"vers\":\"1.0.0\"}",
                "{\"name\":\"foo\",\"vers\":100}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"links\":false}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[{\"name\":\"x\",\"version_req\":1}]}",
                "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"features\":{\"a\":[1]}}"})
        void scalars_of_the_wrong_type_are_not_coerced_to_strings(String body) {
            // cargo always sends strings there; serde (crates.io) refuses a bool or number where a string belongs
            assertInvalidUploadRequest(parseRefused(body));
        }

        @Test
        void nesting_deeper_than_64_levels_is_an_invalid_upload_request_even_in_unknown_fields() {
            String deep = "[".repeat(100) + "]".repeat(100);

            RegistryException e = parseRefused("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"extra\":" + deep + "}");

            assertInvalidUploadRequest(e);
            assertTrue(e.detail().toLowerCase().contains("nesting"), e.detail());
        }

        @Test
        void nesting_deeper_than_64_levels_at_top_level_is_an_invalid_upload_request() {
            assertInvalidUploadRequest(parseRefused("[".repeat(10_000)));
            assertInvalidUploadRequest(parseRefused("{\"a\":".repeat(10_000)));
        }

        @Test
        void moderate_nesting_in_unknown_fields_is_tolerated() {
            String deep = "[".repeat(40) + "]".repeat(40);

            assertEquals("foo", parse("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"extra\":" + deep + "}").name());
        }

        @Test
        void missing_name_or_version_is_an_invalid_upload_request() {
            RegistryException noName = assertThrows(RegistryException.class,
                    () -> VALIDATOR.validate(parse("{\"vers\":\"1.0.0\"}")));
            assertInvalidUploadRequest(noName);
            assertTrue(noName.detail().contains("`name`"), noName.detail());

            RegistryException noVers = assertThrows(RegistryException.class,
                    () -> VALIDATOR.validate(parse("{\"name\":\"foo\"}")));
            assertInvalidUploadRequest(noVers);
            assertTrue(noVers.detail().contains("`vers`"), noVers.detail());
        }
    }

    @Nested
    class Validation {
        @Test
        void minimal_metadata_is_valid() {
            CrateVersion v = VALIDATOR.validate(parse("{\"name\":\"foo\",\"vers\":\"0.1.0\"}"));
            assertEquals("0.1.0", v.text());
        }

        @Test
        void name_and_version_are_checked() {
            assertTrue(invalid(PublishBodyBuilder.of("1foo", "1.0.0")).detail().contains("cannot start with a digit"));
            assertTrue(invalid(PublishBodyBuilder.of("std", "1.0.0")).detail().contains("reserved name"));
            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0")).detail().contains("invalid semver"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"normal", "build", "dev"})
        void known_dependency_kinds_are_accepted(String kind) {
            Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1");
            d.put("kind", kind);
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").dep(d))));
        }

        @Test
        void missing_dependency_kind_is_accepted() {
            Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1");
            d.remove("kind");
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").dep(d))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"Normal", "runtime", "", "DEV"})
        void bad_dependency_kind_is_refused(String kind) {
            Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1");
            d.put("kind", kind);

            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(d));

            assertEquals(400, e.status());
            assertTrue(e.detail().contains("unknown kind"), e.detail());
            assertTrue(e.detail().contains("serde"), e.detail());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   "})
        void empty_version_req_is_refused(String req) {
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("serde", req)));

            assertEquals(400, e.status());
            assertTrue(e.detail().contains("no version requirement"), e.detail());
        }

        @Test
        void missing_version_req_is_refused() {
            Map<String, Object> d = PublishBodyBuilder.dep("serde", "^1");
            d.remove("version_req");

            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(d)).detail().contains("no version requirement"));
        }

        @Test
        void overlong_version_req_is_refused() {
            assertEquals(400, invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("serde", "^" + "1".repeat(300)))).status());
        }

        @Test
        void bad_dependency_names_are_refused() {
            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("_serde", "^1"))).detail()
                    .contains("dependency name"));
            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("ser de", "^1"))).detail()
                    .contains("invalid character"));
        }

        @Test
        void dependency_alias_may_start_with_underscore_but_not_dash() {
            Map<String, Object> ok = PublishBodyBuilder.dep("serde", "^1");
            ok.put("explicit_name_in_toml", "_serde");
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").dep(ok))));

            Map<String, Object> bad = PublishBodyBuilder.dep("serde", "^1");
            bad.put("explicit_name_in_toml", "-serde");
            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(bad)).detail().contains("dependency alias"));
        }

        @Test
        void dependency_registry_must_be_an_index_url() {
            Map<String, Object> ok = PublishBodyBuilder.dep("serde", "^1");
            ok.put("registry", "sparse+https://other.example.com/index/");
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").dep(ok))));

            Map<String, Object> bad = PublishBodyBuilder.dep("serde", "^1");
            bad.put("registry", "file:///etc/passwd");
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(bad));
            assertTrue(e.detail().contains("not an index URL"), e.detail());
        }

        @Test
        void empty_dependency_target_is_refused() {
            Map<String, Object> d = PublishBodyBuilder.dep("winapi", "^0.3");
            d.put("target", "");
            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0.0").dep(d)).detail().contains("invalid target"));

            d.put("target", "cfg(windows)");
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").dep(d))));
        }

        @Test
        void too_many_dependencies_are_refused() {
            PublishBodyBuilder m = PublishBodyBuilder.of("foo", "1.0.0");
            for (int i = 0; i <= Limits.defaults().maxDependencies(); i++) {
                m.dep(PublishBodyBuilder.dep("dep" + i, "^1"));
            }
            RegistryException e = invalid(m);
            assertTrue(e.detail().startsWith("too many dependencies: 501"), e.detail());
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "1.70", "1.70.0", "1.0.0"})
        void bare_rust_versions_are_accepted(String rv) {
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").with("rust_version", rv))));
        }

        @ParameterizedTest
        @ValueSource(strings = {">=1.70", "1.70-beta", "1.70.0-nightly", "^1.70", "1.70.0.1", "", "v1.70", "1.", ".1",
                "1.70 ", "１.70", "1.70\n"})
        void bad_rust_version_is_refused(String rv) {
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").with("rust_version", rv));

            assertEquals(400, e.status());
            assertTrue(e.detail().contains("rust-version"), e.detail());
        }

        @Test
        void too_many_features_are_refused() {
            PublishBodyBuilder m = PublishBodyBuilder.of("foo", "1.0.0");
            for (int i = 0; i <= Limits.defaults().maxFeatures(); i++) {
                m.feature("f" + i);
            }
            RegistryException e = invalid(m);
            assertEquals(400, e.status());
            assertTrue(e.detail().startsWith("too many features: 301"), e.detail());
        }

        @Test
        void exactly_max_features_are_accepted() {
            PublishBodyBuilder m = PublishBodyBuilder.of("foo", "1.0.0");
            for (int i = 0; i < Limits.defaults().maxFeatures(); i++) {
                m.feature("f" + i);
            }
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(m)));
        }

        @Test
        void too_many_values_in_one_feature_are_refused() {
            String[] values = new String[Limits.defaults().maxFeatureValues() + 1];
            for (int i = 0; i < values.length; i++) {
                values[i] = "v" + i;
            }
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").feature("big", values));
            assertTrue(e.detail().contains("too many values"), e.detail());
        }

        @ParameterizedTest
        @ValueSource(strings = {"default", "std", "serde_json", "1st", "_private", "with-dash", "c++", "v1.2", "ñandú", "日本"})
        void good_feature_names_are_accepted(String name) {
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").feature(name))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"-dash-first", "+plus", ".dot", "has space", "slash/inside", "colon:inside", "dep:x",
                "question?", "", "emoji😀", "tab\t"})
        void bad_feature_names_are_refused(String name) {
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").feature(name));

            assertEquals(400, e.status());
            assertTrue(e.detail().contains("feature"), e.detail());
        }

        @Test
        void empty_feature_values_are_refused() {
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").feature("std", ""));
            assertTrue(e.detail().contains("invalid value"), e.detail());
        }

        @Test
        void null_feature_value_list_is_tolerated() {
            Map<String, Object> features = new LinkedHashMap<>();
            features.put("std", null);
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").with("features", features))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"homepage", "documentation", "repository"})
        void http_and_https_urls_are_accepted(String field) {
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").with(field, "https://example.com/x"))));
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").with(field, "http://example.com/x"))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"ftp://example.com", "javascript:alert(1)", "example.com", "", "HTTPS//x", "file:///etc/passwd"})
        void bad_urls_are_refused(String url) {
            for (String field : List.of("homepage", "documentation", "repository")) {
                RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").with(field, url));
                assertEquals(400, e.status());
                assertTrue(e.detail().contains("URL `" + url + "` is invalid"), field + ": " + e.detail());
            }
        }

        @Test
        void links_must_be_non_empty() {
            assertTrue(invalid(PublishBodyBuilder.of("foo", "1.0.0").with("links", "")).detail().contains("links"));
            assertDoesNotThrow(() -> VALIDATOR.validate(parse(PublishBodyBuilder.of("foo", "1.0.0").with("links", "z"))));
        }

        @Test
        void huge_description_is_refused() {
            RegistryException e = invalid(PublishBodyBuilder.of("foo", "1.0.0").with("description", "x".repeat(64 * 1024 + 1)));
            assertTrue(e.detail().contains("description is too long"), e.detail());
        }

        @Test
        void null_dependency_is_refused() {
            String json = "{\"name\":\"foo\",\"vers\":\"1.0.0\",\"deps\":[null]}";
            RegistryException e = assertThrows(RegistryException.class, () -> VALIDATOR.validate(parse(json)));
            assertInvalidUploadRequest(e);
        }
    }
}
