package dev.cargoreg.core.crate;

import dev.cargoreg.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrateNameTest {
    private static final int MAX = 64;

    private static RegistryException refusedForPublish(String name) {
        return assertThrows(RegistryException.class, () -> CrateName.validateForPublish(name, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "Foo", "foo_bar", "foo-bar", "a", "A1", "serde_json", "x86_64-unknown", "foo--bar", "foo_"})
    void valid_names_are_accepted(String name) {
        assertDoesNotThrow(() -> CrateName.validateForPublish(name, MAX));
        assertDoesNotThrow(() -> CrateName.validateDependencyName(name, MAX));
    }

    @Test
    void name_of_exactly_max_length_is_accepted() {
        assertDoesNotThrow(() -> CrateName.validateForPublish("a".repeat(64), MAX));
    }

    @Test
    void name_longer_than_max_is_refused() {
        RegistryException e = refusedForPublish("a".repeat(65));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("too long"), e.detail());
        assertTrue(e.detail().contains("64"), e.detail());
    }

    @Test
    void name_cannot_be_empty_or_null() {
        assertEquals(400, refusedForPublish("").status());
        assertEquals(400, refusedForPublish(null).status());
        assertTrue(refusedForPublish("").detail().contains("cannot be empty"));
    }

    @Test
    void name_cannot_start_with_a_digit() {
        RegistryException e = refusedForPublish("1foo");

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("cannot start with a digit"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"_foo", "-foo"})
    void name_cannot_start_with_dash_or_underscore(String name) {
        RegistryException e = refusedForPublish(name);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("the first character must be an ASCII letter"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fóo", "éfoo", "foo bar", "foo.bar", "foo/bar", "foo+bar", "ｆoo", "foo\u0000", "foo\n", "кот"})
    void name_must_be_ascii_alphanumeric_dash_or_underscore(String name) {
        RegistryException e = refusedForPublish(name);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("invalid character"), e.detail());
    }

    @Test
    void control_characters_are_escaped_in_the_error() {
        RegistryException e = refusedForPublish("foo\u0007");

        assertTrue(e.detail().contains("\\u0007"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"std", "core", "alloc", "proc_macro", "proc-macro", "Compiler-Builtins", "compiler_builtins",
            "compiler-rt", "rust-installer", "Rust_Installer", "rustc", "test", "STD", "NUL", "nul", "con", "Prn", "aux",
            "com0", "com1", "COM9", "lpt1", "Lpt9"})
    void reserved_names_are_refused_canonically(String name) {
        RegistryException e = refusedForPublish(name);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("cannot upload a crate with a reserved name"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"std2", "stdx", "com10", "lpt", "nul1", "my-core", "testing"})
    void names_that_merely_resemble_reserved_ones_are_allowed(String name) {
        assertDoesNotThrow(() -> CrateName.validateForPublish(name, MAX));
    }

    @Test
    void reserved_names_are_fine_as_dependencies() {
        assertDoesNotThrow(() -> CrateName.validateDependencyName("std", MAX));
        assertDoesNotThrow(() -> CrateName.validateDependencyName("compiler_builtins", MAX));
    }

    @Test
    void dependency_names_still_follow_the_syntax() {
        RegistryException e = assertThrows(RegistryException.class, () -> CrateName.validateDependencyName("_foo", MAX));
        assertEquals(400, e.status());
        assertTrue(e.detail().contains("dependency name"), e.detail());
    }

    @Test
    void name_unique_ignoring_case_and_dash_underscore() {
        assertEquals(CrateName.canonical("Foo-Bar"), CrateName.canonical("foo_bar"));
        assertEquals(CrateName.canonical("FOO_BAR"), CrateName.canonical("foo-bar"));
        assertEquals("foo_bar", CrateName.canonical("Foo-Bar"));
        assertNotEquals(CrateName.canonical("foobar"), CrateName.canonical("foo_bar"));
    }

    @Test
    void canonical_form_does_not_depend_on_the_default_locale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals("title", CrateName.canonical("TITLE"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"_foo", "foo", "_", "_1", "Foo_bar-baz"})
    void validate_alias_allows_leading_underscore(String alias) {
        assertDoesNotThrow(() -> CrateName.validateAlias(alias, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-foo", "1foo", "foo bar", "fóo"})
    void validate_alias_refuses_bad_aliases(String alias) {
        RegistryException e = assertThrows(RegistryException.class, () -> CrateName.validateAlias(alias, MAX));
        assertEquals(400, e.status());
        assertTrue(e.detail().contains("dependency alias"), e.detail());
    }

    @Test
    void validate_alias_refuses_empty_and_too_long() {
        assertEquals(400, assertThrows(RegistryException.class, () -> CrateName.validateAlias("", MAX)).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> CrateName.validateAlias(null, MAX)).status());
        RegistryException e = assertThrows(RegistryException.class, () -> CrateName.validateAlias("_" + "a".repeat(64), MAX));
        assertTrue(e.detail().contains("too long"), e.detail());
    }
}
