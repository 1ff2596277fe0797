package dev.cargoreg.core.publish;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dependency's `target`: `cfg(...)` in cargo-platform's grammar, or a target name. */
class TargetExpressionTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "cfg(windows)", "cfg(unix)", "cfg(target_os = \"linux\")", "cfg(target_os=\"linux\")",
            "cfg(all(unix, not(target_os = \"macos\")))", "cfg(any(target_arch = \"wasm32\", target_arch = \"wasm64\"))",
            "cfg(all(target_arch = \"wasm32\", not(target_os = \"wasi\")))",
            "cfg(not(any(target_os = \"windows\", target_family = \"wasm\")))", "cfg(loom)", "cfg(tokio_unstable)",
            "cfg(any())", "cfg(all())", "cfg(all(unix,))", "cfg( unix )", "cfg(r#true)", "cfg(r#async)",
            "cfg(target_feature = \"+sse2\")", "cfg(target_vendor = \"\")", "cfg(any(unix, windows, target_os = \"a b(c)\"))",
            "x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc", "wasm32-unknown-unknown", "thumbv7em-none-eabihf",
            "i686-pc-windows-gnu", "aarch64-apple-ios-sim", "my_custom.target"})
    void targets_cargo_accepts_are_valid(String target) {
        assertDoesNotThrow(() -> TargetExpression.validate(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "cfg()", "cfg(", "cfg(unix", "cfg(unix windows)", "cfg(unix,,windows)", "cfg(,unix)", "cfg(all)",
            "cfg(not())", "cfg(not(unix, windows))", "cfg(target_os = linux)", "cfg(target_os = \"linux)",
            "cfg(target_os =)", "cfg(= \"x\")", "cfg(1abc)", "cfg(unix))", "cfg(unix) ", "cfg(a-b)", "cfg(r#)",
            "cfg(r#1)", "cfg(unix && windows)", "cfg(\"unix\")", "cfg(unix)x", "windows()", "x86_64 linux",
            "x86_64/linux", "target;rm", "cfg(all(unix)) cfg(windows)"})
    void malformed_targets_are_refused(String target) {
        assertThrows(IllegalArgumentException.class, () -> TargetExpression.validate(target));
    }

    @Test
    void nesting_is_bounded() {
        String deep = "cfg(" + "not(".repeat(100) + "unix" + ")".repeat(100) + ")";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetExpression.validate(deep));
        assertTrue(e.getMessage().contains("nests"), e.getMessage());
        assertDoesNotThrow(() -> TargetExpression.validate("cfg(" + "not(".repeat(10) + "unix" + ")".repeat(10) + ")"));
    }

    @Test
    void a_parenthesis_outside_cfg_gets_cargos_hint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetExpression.validate("windows()"));
        assertTrue(e.getMessage().contains("must start with `cfg(`"), e.getMessage());
    }
}
