package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.publish.TargetExpression;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/** {@code publish/TargetExpression}: a dependency's `target`, a `cfg(...)` or a target triple. */
class TargetExpressionFuzzTest {
    static Stream<Arguments> target() {
        return RuleFuzzing.seeds("cfg(unix)", "cfg(windows)", "x86_64-unknown-linux-gnu", "cfg(target_os = \"linux\")",
                "cfg(all(unix, not(target_os = \"macos\"), any(target_arch = \"x86\", target_arch = \"x86_64\")))",
                "cfg(any(target_pointer_width = \"64\",))", "cfg(r#true)", "cfg(not(all()))", "thumbv7em-none-eabihf");
    }

    @MethodSource
    @FuzzTest
    void target(byte[] data) {
        String text = RuleFuzzing.text(data);
        RuleFuzzing.rule(text, TargetExpression::validate);
        RuleFuzzing.dependency("^1.0", text);
    }
}
