package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.publish.MetadataValidator;
import dev.cargoreg.core.publish.NewCrateMetadata;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The publish metadata JSON: {@code MetadataValidator.parse} then {@code validate}. Seeds: the metadata cargo would
 * send for each real crate, and the test builder's shapes (renamed, optional, target-specific and build dependencies,
 * {@code dep:} features, links, rust-version, another registry's dependency).
 */
class MetadataFuzzTest {
    private static final MetadataValidator VALIDATOR = new MetadataValidator(Limits.defaults());

    static Stream<Arguments> metadata() {
        Map<String, Object> renamed = PublishBodyBuilder.dep("serde", "^1.0");
        renamed.put("explicit_name_in_toml", "serde1");
        renamed.put("optional", true);
        Map<String, Object> targeted = PublishBodyBuilder.dep("winapi", ">=0.3, <0.4");
        targeted.put("target", "cfg(windows)");
        targeted.put("kind", "build");
        Map<String, Object> foreign = PublishBodyBuilder.dep("rand", "~0.8.5");
        foreign.put("registry", "https://github.com/rust-lang/crates.io-index");
        Stream<byte[]> built = Stream.of(
                PublishBodyBuilder.of("foo", "1.0.0").bytes(),
                PublishBodyBuilder.of("foo-bar_baz", "0.1.0-alpha.1+build.5").dep(renamed).dep(targeted).dep(foreign)
                        .feature("default", "std").feature("std", "dep:serde1", "serde1?/std").feature("extra")
                        .with("links", "z").with("rust_version", "1.70").with("keywords", List.of("parser", "no-std"))
                        .with("categories", List.of("parsing")).with("readme_file", "docs/README.md")
                        .with("license", "MIT OR Apache-2.0").with("repository", "https://example.com/foo").bytes(),
                PublishBodyBuilder.of("foo", "1.0.0").without("deps").without("features").with("license", null)
                        .with("license_file", "LICENSE").bytes());
        Stream<byte[]> real = FuzzSupport.realCrates().values().stream().map(FuzzSupport::metadataFor);
        return Stream.concat(built, real).map(b -> Arguments.of((Object) b));
    }

    @MethodSource
    @FuzzTest
    void metadata(byte[] json) {
        succeedsOrRefuses(() -> {
            NewCrateMetadata m = VALIDATOR.parse(ByteBuffer.wrap(json));
            CrateVersion v = VALIDATOR.validate(m);
            // version parse/print round trip
            assertEquals(m.vers(), v.text());
        });
    }
}
