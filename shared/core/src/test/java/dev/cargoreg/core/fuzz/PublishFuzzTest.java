package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole publish body through {@code PublishService} over the in-memory fakes: envelope, metadata and tarball
 * together, so that what each check lets through meets the next. A refusal writes nothing; a success leaves the tarball
 * and an index line for exactly the published version. Seeds: the real crates as cargo would publish them.
 */
class PublishFuzzTest {
    static Stream<Arguments> publish() {
        Stream<byte[]> real = FuzzSupport.realCrates().values().stream()
                .map(c -> PublishEnvelope.encode(FuzzSupport.metadataFor(c), c));
        Stream<byte[]> built = Stream.of(PublishEnvelope.encode(
                PublishBodyBuilder.of("foo", "1.0.0+build").with("readme_file", "README.md").bytes(),
                TarballBuilder.empty().file("foo-1.0.0+build/Cargo.toml", TarballBuilder.manifest("foo", "1.0.0+build"))
                        .file("foo-1.0.0+build/README.md", "# foo\n").build()));
        return Stream.concat(real, built).map(b -> Arguments.of((Object) b));
    }

    @MethodSource
    @FuzzTest
    void publish(byte[] body) {
        FakeRegistry f = new FakeRegistry().users("alice");
        PublishService.Result[] result = new PublishService.Result[1];
        if (succeedsOrRefuses(() -> result[0] = f.publisher.publish(f.as("alice"), body))) {
            String name = result[0].name();
            String version = result[0].version();
            assertTrue(f.blobs.get(IndexPaths.crateKey(name, version)).isPresent(), "the tarball is stored");
            assertEquals(List.of(version), f.indexVersions(name));
        } else {
            assertTrue(f.blobs.snapshot().isEmpty(), "a refused publish writes nothing");
            assertTrue(f.store.commits().isEmpty(), "a refused publish commits nothing");
        }
    }
}
