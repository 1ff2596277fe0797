package dev.cargoreg.core.publish;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The requirement grammar of the `semver` crate (1.x), which cargo and crates.io parse with. */
class VersionReqTest {

    @ParameterizedTest
    @ValueSource(strings = {
            // what cargo sends: normalized, `^` made explicit, comparators joined by ", "
            "^1.0.193", "^0.2", "^0", "=1.0.0", "~0.4.31", ">=0.3, <0.5", "<2", ">1.2.3", "<=1.5",
            // pre-release and build metadata
            "^1.0.0-alpha.1", "=0.8.0-rc.1", ">=2.1.0-alpha2", "~1.2.3-beta.2", "=0.1.0+meta", "^1.2.3-x-y.0.a+b.c",
            // wildcards in minor and patch, with and without an operator
            "1.*", "1.2.*", "0.*.*", "1.x", "1.2.X", ">=1.*", "=1.2.*", "~1.*",
            // spaces where the semver crate allows them
            " ^1.0", ">= 1.0.0", "> 0.0.9, <= 2.5.3", "1.0 ,2.0", "^1  ", ">=0.5.1-alpha3, <0.6",
            // bare versions are caret requirements
            "1", "1.2", "1.2.3", "0.0.0", "18446744073709551615"})
    void requirements_cargo_accepts_parse(String req) {
        VersionReq r = VersionReq.parse(req);
        assertFalse(r.isStar(), req);
        assertTrue(r.comparators() >= 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "x", "X", " * ", "*  "})
    void a_lone_wildcard_is_star(String req) {
        assertTrue(VersionReq.parse(req).isStar());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "not a req", "latest", "a.0.0", "v1.0", "1.0.0.0", "1.2.3 - 2.3.4", "> 0.0.9 <= 2.5.3",
            "=1.2.3 || =2.3.4", ">= >= 0.0.2", ">== 0.0.2", ">=", "1.0.0-", "1.0.0+", "1.0.0-a..b", "1.0.0-01",
            "01.0", "1.02", "1.2.03", "*.1", "1.*.1", ">=1.*.1", "1.0,", "> 0.3.0, ,", "*, 1.0", "1.0, *",
            "\u0000", "1.0\t", "\t1.0", "1.0\n", "１.0", "1.0 || 2.0", "18446744073709551616", "^1.0-beta",
            "1.2.3-beta!", "1.2.3+b+c", "=", "~", "^"})
    void garbage_is_refused(String req) {
        assertThrows(IllegalArgumentException.class, () -> VersionReq.parse(req));
    }

    @Test
    void thirty_two_comparators_parse_and_thirty_three_do_not() {
        String ok = String.join(", ", Collections.nCopies(32, ">=1.0"));
        assertEquals(32, VersionReq.parse(ok).comparators());
        String tooMany = String.join(", ", Collections.nCopies(33, ">=1.0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionReq.parse(tooMany));
        assertTrue(e.getMessage().contains("excessive"), e.getMessage());
    }

    @Test
    void messages_read_like_the_semver_crate() {
        assertEquals("unexpected character 'n' while parsing major version number",
                assertThrows(IllegalArgumentException.class, () -> VersionReq.parse("not a req")).getMessage());
        assertEquals("unexpected end of input while parsing major version number",
                assertThrows(IllegalArgumentException.class, () -> VersionReq.parse("")).getMessage());
        assertEquals("expected comma after patch version number, found '-'",
                assertThrows(IllegalArgumentException.class, () -> VersionReq.parse("1.2.3 - 2.3.4")).getMessage());
        assertEquals("unexpected character after wildcard in version req",
                assertThrows(IllegalArgumentException.class, () -> VersionReq.parse("1.*.1")).getMessage());
        assertEquals("wildcard req (*) must be the only comparator in the version req",
                assertThrows(IllegalArgumentException.class, () -> VersionReq.parse("*, 1.0")).getMessage());
        assertEquals("invalid leading zero in minor version number",
                assertThrows(IllegalArgumentException.class, () -> VersionReq.parse("1.02")).getMessage());
    }
}
