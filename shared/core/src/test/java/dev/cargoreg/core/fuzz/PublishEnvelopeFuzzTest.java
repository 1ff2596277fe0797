package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.succeedsOrRefuses;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The publish envelope ({@code u32 LE | JSON | u32 LE | .crate}): {@code PublishEnvelope.parse} on the raw body, with
 * both round trips: a body that parses is re-encoded to the same bytes, and any two parts that are encoded parse back
 * to themselves. Seeds: the envelopes cargo would send for the real crates and for the test builders' crate.
 */
class PublishEnvelopeFuzzTest {
    private static final Limits LIMITS = Limits.defaults();

    static Stream<Arguments> envelope() {
        Stream<byte[]> real = FuzzSupport.realCrates().values().stream()
                .map(c -> PublishEnvelope.encode(FuzzSupport.metadataFor(c), c));
        byte[] built = PublishEnvelope.encode(PublishBodyBuilder.of("foo", "1.0.0").bytes(), TarballBuilder.valid("foo", "1.0.0"));
        Stream<byte[]> variants = Stream.of(built, Arrays.copyOf(built, built.length - 1),
                Arrays.copyOf(built, built.length + 3), new byte[] {0, 0, 0, 0, 0, 0, 0, 0},
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        return Stream.concat(real, variants).map(b -> Arguments.of((Object) b));
    }

    @MethodSource
    @FuzzTest
    void envelope(byte[] body) {
        PublishEnvelope[] parsed = new PublishEnvelope[1];
        if (succeedsOrRefuses(() -> parsed[0] = PublishEnvelope.parse(body, LIMITS))) {
            assertArrayEquals(body, PublishEnvelope.encode(bytes(parsed[0].metadataJson()), parsed[0].crateArray()));
        }
        // encode then parse: the first byte says where the metadata ends
        if (body.length > 1) {
            int split = 1 + (body[0] & 0xff) % body.length;
            byte[] json = Arrays.copyOfRange(body, 1, split);
            byte[] crate = Arrays.copyOfRange(body, split, body.length);
            if (crate.length > 0) {
                PublishEnvelope e = PublishEnvelope.parse(PublishEnvelope.encode(json, crate), LIMITS);
                assertArrayEquals(json, bytes(e.metadataJson()));
                assertArrayEquals(crate, e.crateArray());
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
