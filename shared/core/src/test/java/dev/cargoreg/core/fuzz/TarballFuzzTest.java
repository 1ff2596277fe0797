package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.publish.TarballInspector;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tarball inspector ({@code publish/TarballInspector}, {@code publish/tar/}, the Cargo.toml reading) on a whole
 * .crate as uploaded: gzip, tar and TOML in one. Seeds: the real crates in {@code TarballFuzzTestInputs/} and the test
 * builders' crates. Each input is inspected against the name and version its first entry claims.
 */
class TarballFuzzTest {
    private static final TarballInspector INSPECTOR = new TarballInspector(Limits.defaults());

    static Stream<Arguments> crate() {
        return Stream.of(
                Arguments.of((Object) TarballBuilder.valid("foo", "1.0.0")),
                Arguments.of((Object) TarballBuilder.valid("Foo_bar-baz", "0.1.0-alpha.1+build.5")),
                Arguments.of((Object) TarballBuilder.empty().dir("foo-1.0.0/").file("foo-1.0.0/Cargo.toml",
                        TarballBuilder.manifest("foo", "1.0.0")).file("foo-1.0.0/build.rs", "fn main() {}\n")
                        .file("foo-1.0.0/" + "d/".repeat(60) + "long.rs", "").build()),
                Arguments.of((Object) TarballBuilder.gzip(new byte[1024])));
    }

    @MethodSource
    @FuzzTest
    void crate(byte[] crate) {
        inspect(crate);
    }

    /** Inspects {@code crate}: success or a 4xx; a success must describe what was asked for. */
    static void inspect(byte[] crate) {
        String[] nv = FuzzSupport.nameAndVersion(crate);
        TarballInspector.Facts[] facts = new TarballInspector.Facts[1];
        if (succeedsOrRefuses(() -> facts[0] = INSPECTOR.inspect(ByteBuffer.wrap(crate), nv[0], nv[1]))) {
            assertEquals(nv[0], facts[0].manifestName());
            assertEquals(nv[1], facts[0].manifestVersion());
            assertTrue(facts[0].entries() >= 1 && facts[0].unpackedBytes() <= Limits.defaults().maxUnpackedBytes());
        }
    }
}
