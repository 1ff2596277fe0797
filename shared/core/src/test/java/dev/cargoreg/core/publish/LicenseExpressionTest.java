package dev.cargoreg.core.publish;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPDX expression syntax, in the lax form crates.io parses. */
class LicenseExpressionTest {

    @ParameterizedTest
    @ValueSource(strings = {
            // what real crates declare
            "MIT", "MIT OR Apache-2.0", "Apache-2.0 OR MIT", "MIT/Apache-2.0", "Apache-2.0/MIT", "Unlicense OR MIT",
            "Unlicense/MIT", "Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
            "(MIT OR Apache-2.0) AND Unicode-DFS-2016", "(MIT OR Apache-2.0) AND Unicode-3.0", "BSD-3-Clause", "ISC",
            "MPL-2.0", "Zlib OR Apache-2.0 OR MIT", "LGPL-2.1-or-later", "GPL-3.0+", "GPL-2.0-only", "CC0-1.0",
            "0BSD", "BSL-1.0", "MIT AND (Apache-2.0 OR BSD-2-Clause)", "((MIT))", "MIT or Apache-2.0",
            "MIT and Apache-2.0", "LicenseRef-Proprietary", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            "MIT /Apache-2.0", " MIT ", "MIT\tOR\nApache-2.0",
            // not on the SPDX list, but syntactically ids: accepted here (crates.io would refuse them)
            "Proprietary", "ACME-Internal-1.0"})
    void valid_expressions_are_accepted(String license) {
        assertDoesNotThrow(() -> LicenseExpression.validate(license));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "apache 2.0", "MIT OR", "OR MIT", "MIT AND", "(MIT", "MIT)", "()", "MIT Apache-2.0",
            "MIT,Apache-2.0", "MIT;Apache-2.0", "MIT | Apache-2.0", "MIT & Apache-2.0", "MIT + ", "+MIT", "MIT +",
            "MIT WITH", "WITH LLVM-exception", "MIT WITH (LLVM-exception)", "MIT WITH LicenseRef-x:y", "Apache 2",
            "GPL v3", "MIT OR OR Apache-2.0", "MIT//Apache-2.0", "MIT++", "MIT\u00a9", "Copyright (c) ACME",
            "MIT:Apache", "DocumentRef-:LicenseRef-x", "see LICENSE"})
    void invalid_expressions_are_refused(String license) {
        assertThrows(IllegalArgumentException.class, () -> LicenseExpression.validate(license));
    }

    @Test
    void deep_nesting_and_huge_expressions_are_refused() {
        assertThrows(IllegalArgumentException.class, () -> LicenseExpression.validate("(".repeat(100) + "MIT" + ")".repeat(100)));
        assertDoesNotThrow(() -> LicenseExpression.validate("(".repeat(20) + "MIT" + ")".repeat(20)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LicenseExpression.validate("MIT OR ".repeat(200) + "MIT"));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }
}
