package dev.cargoreg.core.publish;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Requirements as the `semver` crate displays them, which is what cargo sends on publish. */
class VersionReqDisplayTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.0|^1.0", "1.0.100|^1.0.100", "^0.3|^0.3", "=1.2.3|=1.2.3", "~1|~1", "'>= 1.2, < 2'|'>=1.2, <2'",
            "1.*|1.*", "1.x|1.*", "*|*", "' 0.2.9 '|^0.2.9", "1.0.0-alpha.5|^1.0.0-alpha.5", "'>=0.3,<0.5'|'>=0.3, <0.5'"})
    void rendersAsCargoSends(String written, String sent) {
        assertEquals(sent, VersionReqDisplay.of(written));
    }
}
