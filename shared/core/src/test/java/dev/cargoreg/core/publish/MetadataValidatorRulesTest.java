package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** crates.io's publish rules, field by field (issue 10), and where a private registry deliberately differs. */
class MetadataValidatorRulesTest {
    private static final MetadataValidator VALIDATOR = new MetadataValidator(Limits.defaults());

    private static NewCrateMetadata parse(PublishBodyBuilder m) {
        return VALIDATOR.parse(ByteBuffer.wrap(m.bytes()));
    }

    private static NewCrateMetadata parse(String json) {
        return VALIDATOR.parse(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void accepted(PublishBodyBuilder m) {
        NewCrateMetadata parsed = parse(m);
        assertDoesNotThrow(() -> VALIDATOR.validate(parsed));
    }

    private static String refused(PublishBodyBuilder m) {
        NewCrateMetadata parsed = parse(m);
        RegistryException e = assertThrows(RegistryException.class, () -> VALIDATOR.validate(parsed));
        assertEquals(400, e.status(), e.detail());
        return e.detail();
    }

    private static String refused(String json) {
        NewCrateMetadata parsed = parse(json);
        RegistryException e = assertThrows(RegistryException.class, () -> VALIDATOR.validate(parsed));
        assertEquals(400, e.status(), e.detail());
        return e.detail();
    }

    private static PublishBodyBuilder foo() {
        return PublishBodyBuilder.of("foo", "1.0.0");
    }

    private static Map<String, Object> dep(String name, String req) {
        return PublishBodyBuilder.dep(name, req);
    }

    private static void assertContains(String detail, String part) {
        assertTrue(detail.contains(part), detail);
    }

    @Nested
    class VersionRequirements {
        @ParameterizedTest
        @ValueSource(strings = {"not a req", "latest", "1.0.0.0", ">= 1.0 < 2.0", "1.2.3 - 2.3.4", "=1 || =2", "v1", "1.x.3",
                "^1.0-beta", "1.0,", "01.0"})
        void a_requirement_that_does_not_parse_is_refused_like_crates_io(String req) {
            String detail = refused(foo().dep(dep("serde", req)));
            assertContains(detail, "\"" + req + "\" is an invalid version requirement");
            assertContains(detail, "serde");
        }

        @ParameterizedTest
        @ValueSource(strings = {"^1.0.193", "=0.8.0-rc.1", ">=0.3, <0.5", "~0.4.31", "1.*", "1.2.*", ">=1.*", "<2",
                "^0.0.1", "0.*"})
        void requirements_cargo_writes_are_accepted(String req) {
            accepted(foo().dep(dep("serde", req)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"*", "x", "X", " * "})
        void a_lone_wildcard_requirement_is_refused_as_on_crates_io(String req) {
            String detail = refused(foo().dep(dep("serde", req)));
            assertContains(detail, "wildcard (`*`) dependency constraints are not allowed");
            assertContains(detail, "`serde`");
        }

        @Test
        void a_wildcard_requirement_is_refused_for_dev_and_build_dependencies_too() {
            Map<String, Object> d = dep("criterion", "*");
            d.put("kind", "dev");
            assertContains(refused(foo().dep(d)), "wildcard");
        }
    }

    @Nested
    class DependencyNames {
        @ParameterizedTest
        @ValueSource(strings = {"0serde", "-serde", "serde+x", "sérde", "ser.de", ""})
        void a_dependency_package_name_follows_the_crate_name_rule(String name) {
            refused(foo().dep(dep(name, "^1")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"_serde", "serde_1", "Serde-Json"})
        void a_rename_may_start_with_an_underscore(String alias) {
            Map<String, Object> d = dep("serde", "^1");
            d.put("explicit_name_in_toml", alias);
            accepted(foo().dep(d));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1serde", "-serde", "ser de", "serde!", ""})
        void a_bad_rename_is_refused(String alias) {
            Map<String, Object> d = dep("serde", "^1");
            d.put("explicit_name_in_toml", alias);
            refused(foo().dep(d));
        }
    }

    @Nested
    class FeatureValues {
        private PublishBodyBuilder withOptional(String... names) {
            PublishBodyBuilder m = foo();
            for (String n : names) {
                Map<String, Object> d = dep(n, "^1");
                d.put("optional", true);
                m.dep(d);
            }
            return m;
        }

        @Test
        void every_form_cargo_knows_is_accepted() {
            Map<String, Object> renamed = dep("serde", "^1");
            renamed.put("explicit_name_in_toml", "serde1");
            renamed.put("optional", true);
            accepted(withOptional("tokio", "rand_core").dep(renamed)
                    .feature("default", "std")
                    .feature("std", "dep:serde1", "tokio/rt", "rand_core?/std", "serde1?/derive", "c++20", "tokio")
                    .feature("c++20")
                    .feature("full", "std", "tokio/full", "tokio/rt-multi-thread", "rand_core/getrandom.v2"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"dep:tokio?/x", "tokio/?x", "tokio?x", "0tokio?/x", "dep:0tokio", "c++/x", "/x", "tokio/",
                "dep:", "tokio/a/b", "tokio/ x", "dep:tokio extra", "xdep:tokio", "tokio/+x"})
        void malformed_values_are_refused(String value) {
            refused(withOptional("tokio").feature("f", value));
        }

        @ParameterizedTest
        @ValueSource(strings = {"dep:serde", "serde/derive", "serde?/derive"})
        void a_value_naming_no_dependency_is_refused(String value) {
            // cargo reads such an entry back as invalid and ignores the version
            assertContains(refused(withOptional("tokio").feature("f", value)), "`serde` is not a dependency");
        }

        @Test
        void a_plain_value_naming_neither_feature_nor_dependency_is_refused() {
            assertContains(refused(withOptional("tokio").feature("f", "nothing")), "neither a dependency nor another feature");
        }

        @Test
        void a_value_may_name_a_renamed_dependency_by_its_toml_name_only() {
            Map<String, Object> d = dep("serde", "^1");
            d.put("explicit_name_in_toml", "serde1");
            d.put("optional", true);
            accepted(foo().dep(d).feature("f", "dep:serde1"));
            refused(foo().dep(d).feature("f", "dep:serde"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"derive", "serde/derive", "c++20", "std"})
        void features_enabled_on_a_dependency_may_use_the_slash_form(String f) {
            Map<String, Object> d = dep("serde_json", "^1");
            d.put("features", List.of(f));
            accepted(foo().dep(d));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "dep:", "-x", "a b", "x/", "x?/", "a:b"})
        void bad_features_enabled_on_a_dependency_are_refused(String f) {
            Map<String, Object> d = dep("serde_json", "^1");
            d.put("features", List.of(f));
            refused(foo().dep(d));
        }

        @ParameterizedTest
        @ValueSource(strings = {"١abc", "٣"})
        void a_feature_name_may_start_only_with_an_ascii_digit(String name) {
            refused(foo().feature(name));
        }
    }

    @Nested
    class Targets {
        @ParameterizedTest
        @ValueSource(strings = {"cfg(windows)", "cfg(all(unix, not(target_os = \"macos\")))", "x86_64-pc-windows-msvc",
                "cfg(any(target_arch = \"wasm32\", target_arch = \"wasm64\"))"})
        void cfg_expressions_and_target_names_are_accepted(String target) {
            Map<String, Object> d = dep("winapi", "^0.3");
            d.put("target", target);
            accepted(foo().dep(d));
        }

        @ParameterizedTest
        @ValueSource(strings = {"cfg(", "cfg(unix windows)", "cfg(target_os = linux)", "windows()", "x86 64", "cfg(all(unix)"})
        void malformed_targets_are_refused(String target) {
            Map<String, Object> d = dep("winapi", "^0.3");
            d.put("target", target);
            assertContains(refused(foo().dep(d)), "invalid target");
        }
    }

    @Nested
    class Keywords {
        @Test
        void five_keywords_are_accepted_and_six_are_refused() {
            accepted(foo().with("keywords", List.of("a", "b", "c", "d", "e")));
            assertEquals("expected at most 5 keywords per crate",
                    refused(foo().with("keywords", List.of("a", "b", "c", "d", "e", "f"))));
        }

        @Test
        void a_keyword_of_twenty_characters_is_accepted_and_of_twenty_one_refused() {
            accepted(foo().with("keywords", List.of("k".repeat(20))));
            assertContains(refused(foo().with("keywords", List.of("k".repeat(21)))), "is an invalid keyword");
        }

        @ParameterizedTest
        @ValueSource(strings = {"serde", "no-std", "c++", "web_assembly", "2d", "HTTP", "x86-64"})
        void keywords_in_crates_io_shape_are_accepted(String k) {
            accepted(foo().with("keywords", List.of(k)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "-dash", "_under", "+plus", "has space", "é", "a.b", "a/b", "日本"})
        void other_keywords_are_refused(String k) {
            assertContains(refused(foo().with("keywords", List.of(k))), "\"" + k + "\" is an invalid keyword");
        }
    }

    @Nested
    class Categories {
        @Test
        void five_categories_are_accepted_and_six_are_refused() {
            accepted(foo().with("categories", List.of("a", "b", "c", "d", "e")));
            assertEquals("expected at most 5 categories per crate",
                    refused(foo().with("categories", List.of("a", "b", "c", "d", "e", "f"))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"command-line-utilities", "web-programming::http-client", "internal-tools", "Our Team"})
        void any_category_is_accepted_because_a_private_registry_has_no_category_list(String c) {
            accepted(foo().with("categories", List.of(c)));
        }

        @Test
        void an_empty_overlong_or_control_character_category_is_refused() {
            refused(foo().with("categories", List.of("")));
            refused(foo().with("categories", List.of("c".repeat(101))));
            refused(foo().with("categories", List.of("a\nb")));
            accepted(foo().with("categories", List.of("c".repeat(100))));
        }
    }

    @Nested
    class NullsAndListLimits {
        @ParameterizedTest
        @ValueSource(strings = {"keywords", "categories", "authors"})
        void null_inside_a_list_is_an_invalid_upload_request(String field) {
            String detail = refused("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"" + field + "\":[\"ok\",null]}");
            assertTrue(detail.startsWith("invalid upload request"), detail);
            assertContains(detail, "`" + field + "`");
        }

        @ParameterizedTest
        @ValueSource(strings = {"keywords", "categories", "authors"})
        void a_null_list_is_the_same_as_none(String field) {
            accepted(foo().with(field, null));
        }

        @Test
        void authors_are_limited_in_number_and_length() {
            accepted(foo().with("authors", Collections.nCopies(100, "Ferris <ferris@example.com>")));
            assertContains(refused(foo().with("authors", Collections.nCopies(101, "Ferris"))), "at most 100 authors");
            accepted(foo().with("authors", List.of("a".repeat(1024))));
            assertContains(refused(foo().with("authors", List.of("a".repeat(1025)))), "longer than 1024");
        }

        @Test
        void features_enabled_on_a_dependency_are_limited_in_number() {
            String[] many = new String[Limits.defaults().maxFeatureValues() + 1];
            Arrays.fill(many, "std");
            Map<String, Object> d = dep("serde", "^1");
            d.put("features", List.of(many));
            assertContains(refused(foo().dep(d)), "enables too many features");
        }

        @Test
        void badges_are_ignored_and_never_stored() {
            accepted(foo().with("badges", Map.of("travis-ci", Map.of("repository", "x/y"))));
        }
    }

    @Nested
    class Urls {
        @ParameterizedTest
        @ValueSource(strings = {"https://github.com/serde-rs/serde", "https://docs.rs/serde", "http://example.com",
                "https://example.com:8443/a b?q=1#x", "https://user:pw@example.com/", "https://[::1]:8080/",
                "https://xn--bcher-kva.example/", "https://bücher.example/", "https://example.com/é"})
        void urls_a_url_parser_accepts_are_accepted(String url) {
            for (String field : List.of("homepage", "documentation", "repository")) {
                accepted(foo().with(field, url));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://", "https:///path", "https://exa mple.com", "https://example.com:99999/",
                "https://example.com:port/", "https://[::1/", "http://a\tb.com", "https://a<b>.com", "https://@/x",
                "https://example.com\n"})
        void urls_that_do_not_parse_are_refused(String url) {
            assertContains(refused(foo().with("repository", url)), "`repository` is not a valid url");
        }

        @Test
        void urls_are_limited_in_length() {
            String base = "https://example.com/";
            accepted(foo().with("homepage", base + "a".repeat(2048 - base.length())));
            assertContains(refused(foo().with("homepage", base + "a".repeat(2049 - base.length()))), "homepage URL is too long");
        }

        @ParameterizedTest
        @ValueSource(strings = {"HTTPS://example.com", "git@github.com:x/y.git", "//example.com", "ssh://example.com"})
        void only_lower_case_http_and_https_schemes_are_accepted(String url) {
            assertContains(refused(foo().with("repository", url)), "must start with http:// or https://");
        }
    }

    @Nested
    class LicensesAndFiles {
        @ParameterizedTest
        @ValueSource(strings = {"MIT OR Apache-2.0", "MIT/Apache-2.0", "Apache-2.0 WITH LLVM-exception",
                "(MIT OR Apache-2.0) AND Unicode-DFS-2016", "LicenseRef-ACME", "GPL-3.0+", "Proprietary"})
        void spdx_expressions_are_accepted(String license) {
            accepted(foo().with("license", license));
        }

        @ParameterizedTest
        @ValueSource(strings = {"apache 2.0", "MIT OR", "(MIT", "MIT, Apache-2.0", "Copyright ACME Corp. All rights reserved.", ""})
        void other_license_texts_are_refused_with_a_pointer_to_license_file(String license) {
            String detail = refused(foo().with("license", license));
            assertContains(detail, "unknown or invalid license expression");
            assertContains(detail, "license-file");
        }

        @Test
        void license_file_alone_is_accepted_and_no_license_at_all_too() {
            accepted(foo().with("license", null).with("license_file", "LICENSE.txt"));
            accepted(foo().with("license", null));
        }

        @Test
        void file_names_are_limited_to_a_tar_path() {
            int max = Limits.defaults().maxPathBytes();
            accepted(foo().with("readme_file", "r".repeat(max)).with("license_file", "l".repeat(max)));
            assertContains(refused(foo().with("readme_file", "r".repeat(max + 1))), "readme-file");
            assertContains(refused(foo().with("license_file", "l".repeat(max + 1))), "license-file");
            assertContains(refused(foo().with("license_file", "")), "license-file");
        }
    }

    @Nested
    class TextFields {
        @Test
        void a_description_of_1000_bytes_is_accepted_and_of_1001_refused() {
            accepted(foo().with("description", "d".repeat(1000)));
            assertContains(refused(foo().with("description", "d".repeat(1001))), "description is too long");
        }

        @Test
        void the_description_limit_counts_utf8_bytes_as_crates_io_does() {
            accepted(foo().with("description", "日".repeat(333)));
            assertContains(refused(foo().with("description", "日".repeat(334))), "description is too long");
        }

        @ParameterizedTest
        @ValueSource(strings = {"description", "keywords", "authors", "license"})
        void a_lone_surrogate_escape_is_refused_instead_of_being_stored_as_a_question_mark(String field) {
            String value = field.equals("keywords") || field.equals("authors") ? "[\"a\\ud800\"]" : "\"a\\ud800\"";
            String detail = refused("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"" + field + "\":" + value + "}");
            assertContains(detail, "surrogate");
        }

        @Test
        void a_surrogate_pair_escape_is_fine() {
            accepted(foo().with("description", "crab \uD83E\uDD80"));
            NewCrateMetadata m = parse("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"description\":\"\\ud83e\\udd80\"}");
            assertDoesNotThrow(() -> VALIDATOR.validate(m));
        }

        @ParameterizedTest
        @ValueSource(strings = {"01.70", "1.070", "1.70.00"})
        void a_rust_version_with_a_leading_zero_is_refused(String rv) {
            assertContains(refused(foo().with("rust_version", rv)), "rust-version");
        }

        @Test
        void links_is_limited_to_256_characters() {
            accepted(foo().with("links", "z".repeat(256)));
            refused(foo().with("links", "z".repeat(257)));
        }
    }

    @Nested
    class StoredSize {
        /** 300 feature values of 256 characters on one dependency: about 78 KB of index entry. */
        private Map<String, Object> heavyDep(int i) {
            Map<String, Object> d = dep("dep" + i, "^1");
            List<String> features = new ArrayList<>();
            for (int f = 0; f < Limits.defaults().maxFeatureValues(); f++) {
                features.add(("f" + f + "_").concat("x".repeat(256)).substring(0, 256));
            }
            d.put("features", features);
            return d;
        }

        @Test
        void metadata_within_every_field_limit_but_too_large_in_total_is_refused() {
            PublishBodyBuilder m = foo();
            for (int i = 0; i < 6; i++) {
                m.dep(heavyDep(i));
            }
            String detail = refused(m);
            assertContains(detail, "too large to store");
            assertContains(detail, "maximum is " + MetadataValidator.MAX_STORED_BYTES);
        }

        @Test
        void many_small_dependencies_and_features_still_fit() {
            PublishBodyBuilder m = foo();
            for (int i = 0; i < Limits.defaults().maxDependencies(); i++) {
                Map<String, Object> d = dep("dependency-number-" + i, ">=1.0.0, <2.0.0");
                d.put("optional", true);
                m.dep(d);
            }
            for (int i = 0; i < Limits.defaults().maxFeatures(); i++) {
                m.feature("feature-" + i, "dep:dependency-number-" + i, "dependency-number-" + i + "/std");
            }
            accepted(m);
        }

        @Test
        void the_findings_m4_shapes_are_refused_by_a_field_limit_or_the_total() {
            refused(foo().with("keywords", Collections.nCopies(1900, "k".repeat(500))));
            refused(foo().with("readme_file", "r".repeat(900_000)));
            refused(foo().with("license_file", "r".repeat(900_000)));
            refused(foo().with("authors", Collections.nCopies(900, "a".repeat(1000))));
            refused(foo().with("description", "文".repeat(65_536)));
            refused(foo().with("homepage", "https://" + "文".repeat(65_000)));
        }
    }
}
