package dev.cargoreg.core.crate;

import dev.cargoreg.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrateVersionTest {
    private static final int MAX = 128;

    @ParameterizedTest
    @CsvSource({
            "0.0.0, 0.0.0",
            "1.0.0, 1.0.0",
            "10.20.30, 10.20.30",
            "1.0.0-alpha, 1.0.0-alpha",
            "1.0.0-alpha.1, 1.0.0-alpha.1",
            "1.0.0-0.3.7, 1.0.0-0.3.7",
            "1.0.0-x.7.z.92, 1.0.0-x.7.z.92",
            "1.0.0-rc-1, 1.0.0-rc-1",
            "1.0.0+build, 1.0.0",
            "1.0.0+20130313144700, 1.0.0",
            "1.0.0-beta+exp.sha.5114f85, 1.0.0-beta",
            "1.0.0+build.5-x, 1.0.0",
            "18446744073709551615.0.0, 18446744073709551615.0.0",
    })
    void valid_semver_is_accepted_and_build_metadata_is_dropped_for_uniqueness(String text, String withoutBuild) {
        CrateVersion v = CrateVersion.parse(text, MAX);

        assertEquals(text, v.text(), "the full text, +build included, is kept");
        assertEquals(withoutBuild, v.withoutBuild());
        assertEquals(text.contains("+"), v.hasBuildMetadata());
    }

    @Test
    void versions_differing_only_in_build_metadata_are_the_same_version() {
        assertEquals(CrateVersion.parse("1.0.7", MAX).withoutBuild(), CrateVersion.parse("1.0.7+x", MAX).withoutBuild());
        assertFalse(CrateVersion.parse("1.0.7", MAX).hasBuildMetadata());
        assertTrue(CrateVersion.parse("1.0.7+x", MAX).hasBuildMetadata());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1", "01.0.0", "1.01.0", "1.0.01", "1.0.0-", "1.0.0+", "v1.0.0", " 1.0.0", "1.0.0 ",
            "1.0.0\n", "1.0.0-01", "1.0.0-a..b", "1.0.0+a..b", "1.0.0+a+b", "1.0.0-a_b", "1.0.0.0", "a.b.c", "-1.0.0",
            "1.0.0-é", "１.0.0", "=1.0.0", "^1.0.0",
            "18446744073709551616.0.0", "0.18446744073709551616.0", "0.0.18446744073709551616",
            "99999999999999999999999.0.0"})
    void invalid_versions_are_refused(String text) {
        RegistryException e = assertThrows(RegistryException.class, () -> CrateVersion.parse(text, MAX));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("is an invalid semver version"), e.detail());
        assertTrue(e.detail().contains(text), "quotes the version: " + e.detail());
    }

    @Test
    void empty_and_null_versions_are_refused() {
        assertEquals(400, assertThrows(RegistryException.class, () -> CrateVersion.parse("", MAX)).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> CrateVersion.parse(null, MAX)).status());
    }

    @Test
    void overlong_versions_are_refused() {
        String text = "1.0.0-" + "a".repeat(MAX);

        RegistryException e = assertThrows(RegistryException.class, () -> CrateVersion.parse(text, MAX));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("too long"), e.detail());
    }

    @Test
    void version_of_exactly_max_length_is_accepted() {
        String text = "1.0.0-" + "a".repeat(MAX - 6);

        assertEquals(MAX, CrateVersion.parse(text, MAX).text().length());
    }
}
