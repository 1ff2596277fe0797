package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;

/**
 * {@code Principal.fromContext} on any authorizer context: the input is its entries as {@code key=value} lines (API
 * Gateway hands them over as strings). Rebuilding succeeds or refuses with a 4xx, and what it rebuilds survives
 * {@code toContext} / {@code fromContext} unchanged. Seeds: the contexts of real principals.
 */
class PrincipalContextFuzzTest {
    static Stream<Arguments> context() {
        return Stream.of(
                        new Principal("alice", 7, true, null, null, null, false),
                        new Principal("bob", 12, false, EnumSet.of(Scope.PUBLISH_NEW, Scope.READ), List.of("foo", "bar*"), null, true),
                        new Principal("carol", 3, false, EnumSet.noneOf(Scope.class), List.of("*"), null, false),
                        Principal.anonymous(null, true),
                        Principal.anonymous("authentication failed: the token was revoked", false))
                .map(p -> p.toContext().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n")))
                .map(s -> Arguments.of((Object) s.getBytes(StandardCharsets.UTF_8)));
    }

    @MethodSource
    @FuzzTest
    void context(byte[] data) {
        Map<String, Object> context = new LinkedHashMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n", -1)) {
            int eq = line.indexOf('=');
            if (eq >= 0) {
                context.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        Principal[] p = new Principal[1];
        if (succeedsOrRefuses(() -> p[0] = Principal.fromContext(context))) {
            AuthorizationFuzzTest.roundTrip(p[0]);
        }
    }
}
