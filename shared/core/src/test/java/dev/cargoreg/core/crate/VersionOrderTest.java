package dev.cargoreg.core.crate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionOrderTest {

    @Test
    void precedence_follows_the_semver_specification_example() {
        // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11
        //                 < 1.0.0-rc.1 < 1.0.0
        List<String> expected = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0");
        List<String> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new java.util.Random(7));

        shuffled.sort(VersionOrder.PRECEDENCE);

        assertEquals(expected, shuffled);
    }

    @Test
    void build_metadata_does_not_affect_precedence() {
        assertEquals(0, VersionOrder.PRECEDENCE.compare("1.0.0+a", "1.0.0+b"));
        assertEquals(0, VersionOrder.PRECEDENCE.compare("1.0.0+a", "1.0.0"));
    }

    @Test
    void pre_release_is_detected() {
        assertTrue(VersionOrder.isPreRelease("1.0.0-rc.1"));
        assertTrue(VersionOrder.isPreRelease("1.0.0-0+build"));
        assertFalse(VersionOrder.isPreRelease("1.0.0"));
        assertFalse(VersionOrder.isPreRelease("1.0.0+build-with-dash"));
    }

    @Test
    void numeric_parts_up_to_u64_are_ordered() {
        // CrateVersion (like cargo's semver crate) accepts major/minor/patch up to 2^64 - 1
        CrateVersion.parse("4294967296.0.0", 128);

        assertTrue(VersionOrder.PRECEDENCE.compare("4294967296.0.0", "2147483647.0.0") > 0);
        assertTrue(VersionOrder.PRECEDENCE.compare("18446744073709551615.0.0", "9223372036854775808.0.0") > 0);
        assertTrue(VersionOrder.PRECEDENCE.compare("1.0.4294967296", "1.0.1") > 0);
        assertFalse(VersionOrder.isPreRelease("4294967296.0.0"));
    }

    @Test
    void numeric_pre_release_identifiers_of_any_length_are_ordered() {
        // cargo's semver crate compares numeric identifiers without a size limit
        CrateVersion.parse("1.0.0-alpha.99999999999999999999", 128);

        assertTrue(VersionOrder.PRECEDENCE.compare("1.0.0-alpha.99999999999999999999", "1.0.0-alpha.2") > 0);
        assertTrue(VersionOrder.PRECEDENCE.compare("1.0.0-alpha.2", "1.0.0-alpha.99999999999999999999") < 0);
    }
}
