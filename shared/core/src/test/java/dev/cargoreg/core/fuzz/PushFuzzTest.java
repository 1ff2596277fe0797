package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bare .crate through {@code PublishService.push}: the Cargo.toml inside (TOML from an untrusted file) becomes the
 * metadata, then the publish checks run. A refusal writes nothing; a success stores these very bytes and indexes
 * exactly that version with their SHA-256. Seeds: the real crates and a manifest with every dependency form.
 */
class PushFuzzTest {
    static Stream<Arguments> push() {
        Stream<byte[]> real = FuzzSupport.realCrates().values().stream();
        Stream<byte[]> built = Stream.of(TarballBuilder.empty().file("foo-1.0.0/Cargo.toml", """
                [package]
                name = "foo"
                version = "1.0.0"
                rust-version = "1.70"
                links = "foo"

                [dependencies]
                a = "1.0"
                r = { package = "b", version = ">= 0.1, < 0.3", optional = true, default-features = false, features = ["x"] }

                [target.'cfg(unix)'.build-dependencies.c]
                version = "=0.1.0"
                registry-index = "sparse+https://other.example/index/"

                [features]
                extra = ["dep:r", "r/x"]
                """).build());
        return Stream.concat(real, built).map(b -> Arguments.of((Object) b));
    }

    @MethodSource
    @FuzzTest
    void push(byte[] crate) {
        FakeRegistry f = new FakeRegistry().users("alice");
        PublishService.Result[] result = new PublishService.Result[1];
        if (succeedsOrRefuses(() -> result[0] = f.publisher.push(f.as("alice"), crate))) {
            String name = result[0].name();
            String version = result[0].version();
            assertArrayEquals(crate, f.blobs.get(IndexPaths.crateKey(name, version)).orElseThrow().body(), "the file, unchanged");
            assertEquals(Digests.sha256Hex(crate), result[0].cksum());
            assertEquals(List.of(version), f.indexVersions(name));
        } else {
            assertTrue(f.blobs.snapshot().isEmpty(), "a refused push writes nothing");
            assertTrue(f.store.commits().isEmpty(), "a refused push commits nothing");
        }
    }
}
