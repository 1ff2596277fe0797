package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.crate.VersionOrder;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.testing.FakeRegistry;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.requireClientError;
import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Path parameters: {@code name \0 version} as a URL names a crate and a version. The name rules
 * ({@code crate/CrateName}) and the version ({@code crate/CrateVersion.parse}) succeed or give a 4xx; a valid
 * version prints as it was parsed and orders equal to itself; a valid name has cargo's index path
 * ({@code index/IndexPaths}); and {@code CrateLookup} finds exactly the crate and version that exist, else a 404.
 */
class PathParamFuzzTest {
    private static final FakeRegistry REGISTRY = new FakeRegistry().users("alice");

    static {
        REGISTRY.publish("alice", "Foo_bar", "1.0.0+build.1");
    }

    static Stream<Arguments> pathParams() {
        return Stream.of("foo_bar\0" + "1.0.0+build.1", "FOO-BAR\0" + "1.0.0", "serde\0" + "1.0.197", "a\0" + "0.0.0-0",
                        "ab\0" + "1.2.3-alpha.1.beta+exp.sha.5114f85", "abc\0" + "18446744073709551615.0.0", "nul\0" + "01.0.0",
                        "cfg-if\0" + "1.0.0", "lazy_static\0" + "1.4.0", "stable_deref_trait\0" + "1.2.0")
                .map(s -> Arguments.of((Object) s.getBytes(StandardCharsets.UTF_8)));
    }

    @MethodSource
    @FuzzTest
    void pathParams(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        int nul = s.indexOf('\0');
        String name = nul < 0 ? s : s.substring(0, nul);
        String version = nul < 0 ? s : s.substring(nul + 1);

        succeedsOrRefuses(() -> CrateName.validateDependencyName(name, CrateName.MAX_LENGTH));
        succeedsOrRefuses(() -> CrateName.validateAlias(name, CrateName.MAX_LENGTH));
        if (succeedsOrRefuses(() -> CrateName.validateForPublish(name, CrateName.MAX_LENGTH))) {
            String canonical = CrateName.canonical(name);
            assertEquals(canonical, CrateName.canonical(canonical));
            assertEquals(cargoIndexPath(name), IndexPaths.pathOf(name));
            assertEquals("index/" + cargoIndexPath(name), IndexPaths.keyOf(name));
        }

        CrateVersion[] v = new CrateVersion[1];
        if (succeedsOrRefuses(() -> v[0] = CrateVersion.parse(version, CrateVersion.MAX_LENGTH))) {
            assertEquals(version, v[0].text());
            int plus = version.indexOf('+');
            assertEquals(plus >= 0, v[0].hasBuildMetadata());
            assertEquals(plus < 0 ? version : version.substring(0, plus), v[0].withoutBuild());
            CrateVersion bare = CrateVersion.parse(v[0].withoutBuild(), CrateVersion.MAX_LENGTH);
            assertFalse(bare.hasBuildMetadata());
            assertEquals(0, VersionOrder.PRECEDENCE.compare(version, version));
            assertEquals(0, VersionOrder.PRECEDENCE.compare(version, v[0].withoutBuild()));
            int c = VersionOrder.PRECEDENCE.compare(version, "1.0.0");
            assertEquals(Integer.signum(c), -Integer.signum(VersionOrder.PRECEDENCE.compare("1.0.0", version)));
        }

        CrateLookup lookup = new CrateLookup(REGISTRY.store);
        CrateRecord crate;
        try {
            crate = lookup.crate(name);
        } catch (RegistryException e) {
            assertEquals(404, e.status(), e.detail());
            assertFalse(CrateName.canonical(name).equals("foo_bar"), "the crate exists under any spelling");
            return;
        }
        assertEquals("foo_bar", CrateName.canonical(name));
        try {
            lookup.version(crate, version);
            assertEquals("1.0.0+build.1", version);
        } catch (RegistryException e) {
            requireClientError(e);
            assertEquals(404, e.status(), e.detail());
            assertFalse(version.equals("1.0.0+build.1"));
        }
    }

    /** cargo's index layout, from the lowercased name: 1/a, 2/ab, 3/a/abc, ab/cd/abcd… */
    private static String cargoIndexPath(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n.length()) {
            case 1 -> "1/" + n;
            case 2 -> "2/" + n;
            case 3 -> "3/" + n.charAt(0) + "/" + n;
            default -> n.substring(0, 2) + "/" + n.substring(2, 4) + "/" + n;
        };
    }
}
