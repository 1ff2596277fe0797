package dev.cargoreg.core.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IndexPathsTest {

    @ParameterizedTest
    @CsvSource({
            "a, 1/a",
            "A, 1/a",
            "ab, 2/ab",
            "AB, 2/ab",
            "abc, 3/a/abc",
            "Abc, 3/a/abc",
            "abcd, ab/cd/abcd",
            "cargo, ca/rg/cargo",
            "serde_json, se/rd/serde_json",
            "Consumer_Pkg, co/ns/consumer_pkg",
            "My-Crate, my/-c/my-crate",
            "a_b-c, a_/b-/a_b-c",
    })
    void index_path_follows_cargo_make_dep_path_on_the_lowercased_name(String name, String path) {
        assertEquals(path, IndexPaths.pathOf(name));
    }

    @Test
    void index_key_is_under_the_index_prefix() {
        assertEquals("index/se/rd/serde", IndexPaths.keyOf("Serde"));
        assertEquals("index/config.json", IndexPaths.CONFIG_KEY);
    }

    @Test
    void empty_name_has_no_path() {
        assertThrows(IllegalArgumentException.class, () -> IndexPaths.pathOf(""));
    }

    @Test
    void crate_key_keeps_exact_case_and_full_version() {
        assertEquals("crates/Foo_Bar/Foo_Bar-1.0.0+build.5.crate", IndexPaths.crateKey("Foo_Bar", "1.0.0+build.5"));
        assertEquals("crates/serde/serde-1.0.0.crate", IndexPaths.crateKey("serde", "1.0.0"));
    }
}
