package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.publish.VersionReq;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code publish/VersionReq}: a dependency's `version_req`. */
class VersionReqFuzzTest {
    static Stream<Arguments> versionReq() {
        return RuleFuzzing.seeds("^1.0.0", "1.0", "=1.2.3-alpha.1+build", ">= 1.2, < 2.0.0", "~0.3", "*", "1.*", "0.1.x",
                "<=1.2.3-rc.1", "^0.0.1, >0.0.0-0", ">=1.0.0, <2.0.0, !=1.5.0");
    }

    @MethodSource
    @FuzzTest
    void versionReq(byte[] data) {
        String text = RuleFuzzing.text(data);
        RuleFuzzing.rule(text, t -> {
            VersionReq r = VersionReq.parse(t);
            assertTrue(r.isStar() ? r.comparators() == 0 : r.comparators() >= 1 && r.comparators() <= 32);
        });
        RuleFuzzing.dependency(text, null);
    }
}
