package dev.cargoreg.core.crate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

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
        Collections.shuffle(shuffled, new Random(7));

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

    private static int sign(String a, String b) {
        return Integer.signum(VersionOrder.PRECEDENCE.compare(a, b));
    }

    @Test
    void major_minor_and_patch_compare_numerically_not_as_text() {
        // semver.org §11.2: 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1
        assertEquals(-1, sign("1.0.0", "2.0.0"));
        assertEquals(-1, sign("2.0.0", "2.1.0"));
        assertEquals(-1, sign("2.1.0", "2.1.1"));
        assertEquals(-1, sign("1.9.0", "1.10.0"), "numerically, not as text");
        assertEquals(-1, sign("1.0.9", "1.0.10"));
        assertEquals(1, sign("10.0.0", "9.99.99"));
    }

    @Test
    void a_pre_release_ranks_below_its_release() {
        // semver.org §11.3: 1.0.0-alpha < 1.0.0
        assertEquals(-1, sign("1.0.0-alpha", "1.0.0"));
        assertEquals(1, sign("1.0.0", "1.0.0-rc.1"));
        assertEquals(1, sign("1.0.1-alpha", "1.0.0"), "but above the previous release");
    }

    @Test
    void numeric_identifiers_rank_below_alphanumeric_ones() {
        // semver.org §11.4.3
        assertEquals(-1, sign("1.0.0-1", "1.0.0-a"));
        assertEquals(-1, sign("1.0.0-alpha.1", "1.0.0-alpha.beta"));
        assertEquals(1, sign("1.0.0-alpha.beta", "1.0.0-alpha.99999999999999999999"));
    }

    @Test
    void alphanumeric_identifiers_compare_in_ascii_order() {
        // semver.org §11.4.2: uppercase letters sort before lowercase ones
        assertEquals(-1, sign("1.0.0-Beta", "1.0.0-alpha"));
        assertEquals(-1, sign("1.0.0-alpha", "1.0.0-beta"));
        assertEquals(-1, sign("1.0.0-a-b", "1.0.0-a-c"), "hyphens inside identifiers are part of them");
        assertEquals(1, sign("1.0.0-rc-1", "1.0.0-rc.1"), "`rc-1` is one identifier, and `rc` is a prefix of it");
    }

    @Test
    void more_identifiers_rank_higher_when_the_rest_is_equal() {
        // semver.org §11.4.4
        assertEquals(-1, sign("1.0.0-alpha", "1.0.0-alpha.1"));
        assertEquals(-1, sign("1.0.0-alpha.1", "1.0.0-alpha.1.0"));
    }

    @Test
    void build_metadata_is_ignored_everywhere() {
        // semver.org §10
        assertEquals(0, sign("1.0.0-alpha+001", "1.0.0-alpha"));
        assertEquals(0, sign("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85"));
        assertEquals(-1, sign("1.0.0-beta+exp.sha.5114f85", "1.0.0"));
        assertEquals(-1, sign("1.0.0+zzz", "1.0.1+aaa"));
        assertEquals(0, sign("1.0.0+build-1-2", "1.0.0"), "a hyphen in build metadata is not a pre-release");
        assertFalse(VersionOrder.isPreRelease("1.0.0+build-1-2"));
    }

    @Test
    void numbers_compare_by_value_at_any_size() {
        assertEquals(1, sign("123456789012345678901234567890.0.0", "99999999999999999999999999999.0.0"));
        assertEquals(-1, sign("1.99999999999999999999999.0", "2.0.0"));
        assertEquals(1, sign("0.0.100000000000000000000000000000000000001", "0.0.100000000000000000000000000000000000000"));
        assertEquals(0, sign("1.0.0-alpha.123456789012345678901234567890", "1.0.0-alpha.123456789012345678901234567890"));
        assertEquals(-1, sign("1.0.0-123456789012345678901234567889", "1.0.0-123456789012345678901234567890"));
    }

    @Test
    void the_order_is_a_total_order_on_a_mixed_sample() {
        List<String> sample = List.of("0.0.0", "0.0.1", "0.1.0", "1.0.0-0", "1.0.0-0.0", "1.0.0-1", "1.0.0-A",
                "1.0.0-a", "1.0.0-a.1", "1.0.0-a.b", "1.0.0", "1.0.0+x", "1.0.1-rc.2", "1.0.1-rc.10", "1.0.1",
                "18446744073709551615.0.0", "18446744073709551616.0.0");
        for (String a : sample) {
            assertEquals(0, sign(a, a), a);
            for (String b : sample) {
                assertEquals(-sign(b, a), sign(a, b), a + " vs " + b);
                for (String c : sample) {
                    if (sign(a, b) <= 0 && sign(b, c) <= 0) {
                        assertTrue(sign(a, c) <= 0, a + " <= " + b + " <= " + c);
                    }
                }
            }
        }
    }
}
