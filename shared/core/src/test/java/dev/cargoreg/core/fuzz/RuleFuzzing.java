package dev.cargoreg.core.fuzz;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.publish.MetadataValidator;
import dev.cargoreg.core.publish.NewCrateMetadata;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;

/**
 * The rule classes ({@code VersionReq}, {@code LicenseExpression}, {@code TargetExpression}) throw
 * {@link IllegalArgumentException} for what they refuse, which {@link MetadataValidator} turns into a 400. Each rule
 * target checks both: the rule alone throws nothing else, and the metadata carrying the value passes or gets a 4xx.
 */
final class RuleFuzzing {
    private static final MetadataValidator VALIDATOR = new MetadataValidator(Limits.defaults());

    private RuleFuzzing() {
    }

    static Stream<Arguments> seeds(String... values) {
        return Arrays.stream(values).map(v -> Arguments.of((Object) v.getBytes(StandardCharsets.UTF_8)));
    }

    /** The rule on its own: it accepts, or refuses with an IllegalArgumentException that says why. */
    static void rule(String value, Consumer<String> rule) {
        try {
            rule.accept(value);
        } catch (IllegalArgumentException refused) {
            if (refused.getMessage() == null || refused.getMessage().isEmpty()) {
                throw new AssertionError("a refusal must say why", refused);
            }
        }
    }

    /** A dependency with this requirement and target: the whole metadata validates or gets a 4xx. */
    static void dependency(String req, String target) {
        Map<String, Object> dep = PublishBodyBuilder.dep("serde", req);
        dep.put("target", target);
        validate(PublishBodyBuilder.of("foo", "1.0.0").dep(dep).bytes());
    }

    static void license(String license) {
        validate(PublishBodyBuilder.of("foo", "1.0.0").with("license", license).bytes());
    }

    static void validate(byte[] json) {
        succeedsOrRefuses(() -> {
            NewCrateMetadata m = VALIDATOR.parse(ByteBuffer.wrap(json));
            VALIDATOR.validate(m);
        });
    }

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
