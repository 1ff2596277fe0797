package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.publish.LicenseExpression;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/** {@code publish/LicenseExpression}: the `license` field, an SPDX expression. */
class LicenseExpressionFuzzTest {
    static Stream<Arguments> license() {
        return RuleFuzzing.seeds("MIT", "MIT/Apache-2.0", "MIT OR Apache-2.0", "(MIT OR Apache-2.0) AND BSD-3-Clause",
                "GPL-2.0+ WITH Classpath-exception-2.0", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
                "Apache-2.0 WITH LLVM-exception OR MIT", "mit or apache-2.0", "((MIT))");
    }

    @MethodSource
    @FuzzTest
    void license(byte[] data) {
        String text = RuleFuzzing.text(data);
        RuleFuzzing.rule(text, LicenseExpression::validate);
        RuleFuzzing.license(text);
    }
}
