package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishEnvelopeTest {
    private static final Limits LIMITS = Limits.defaults();
    private static final byte[] JSON = "{\"name\":\"foo\",\"vers\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CRATE = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5};

    /** Writes an envelope piece by piece so that lengths can lie. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Body u32(long v) {
            byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
            out.writeBytes(b);
            return this;
        }

        Body bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Body zeros(int n) {
            out.writeBytes(new byte[n]);
            return this;
        }

        byte[] build() {
            return out.toByteArray();
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static RegistryException refused(byte[] body) {
        return refused(body, LIMITS);
    }

    private static RegistryException refused(byte[] body, Limits limits) {
        return assertThrows(RegistryException.class, () -> PublishEnvelope.parse(body, limits));
    }

    @Test
    void publish_envelope_splits_metadata_and_tarball() {
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(CRATE.length).bytes(CRATE).build();

        PublishEnvelope env = PublishEnvelope.parse(body, LIMITS);

        assertArrayEquals(JSON, toArray(env.metadataJson()));
        assertArrayEquals(CRATE, toArray(env.crateBytes()));
        assertArrayEquals(CRATE, env.crateArray());
    }

    @Test
    void publish_envelope_encode_round_trips_through_parse() {
        byte[] body = PublishEnvelope.encode(JSON, CRATE);

        assertEquals(8 + JSON.length + CRATE.length, body.length);
        assertEquals(JSON.length, ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "little-endian length");
        PublishEnvelope env = PublishEnvelope.parse(body, LIMITS);
        assertArrayEquals(JSON, toArray(env.metadataJson()));
        assertArrayEquals(CRATE, env.crateArray());
    }

    @Test
    void publish_envelope_parts_are_read_only_views() {
        PublishEnvelope env = PublishEnvelope.parse(PublishEnvelope.encode(JSON, CRATE), LIMITS);

        assertTrue(env.metadataJson().isReadOnly());
        assertTrue(env.crateBytes().isReadOnly());
    }

    @Test
    void publish_envelope_accepts_empty_metadata_length_and_leaves_json_errors_to_the_validator() {
        byte[] body = new Body().u32(0).u32(CRATE.length).bytes(CRATE).build();

        PublishEnvelope env = PublishEnvelope.parse(body, LIMITS);

        assertEquals(0, env.metadataJson().remaining());
        assertArrayEquals(CRATE, env.crateArray());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void publish_envelope_rejects_bodies_too_short_for_the_metadata_length(int size) {
        RegistryException e = refused(new byte[size]);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid metadata length"), e.detail());
        assertTrue(e.detail().contains(size + " bytes"), e.detail());
    }

    @Test
    void publish_envelope_rejects_lengths_that_lie() {
        // declares 100 bytes of JSON, carries 10
        byte[] body = new Body().u32(100).zeros(10).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid metadata length for remaining payload: 10"), e.detail());
        assertTrue(e.detail().contains("100"), "names the declared length: " + e.detail());
    }

    @Test
    void publish_envelope_rejects_metadata_over_the_limit_with_413() {
        int tooBig = (int) LIMITS.maxMetadataBytes() + 1;
        byte[] body = new Body().u32(tooBig).zeros(tooBig).u32(CRATE.length).bytes(CRATE).build();

        RegistryException e = refused(body);

        assertEquals(413, e.status());
        assertTrue(e.detail().startsWith("JSON metadata blob too large"), e.detail());
        assertTrue(e.detail().contains(Long.toString(tooBig)), e.detail());
        assertTrue(e.detail().contains(Long.toString(LIMITS.maxMetadataBytes())), e.detail());
    }

    @Test
    void publish_envelope_accepts_metadata_exactly_at_the_limit() {
        Limits small = TestConfigs.withMaxMetadataBytes(JSON.length);
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(CRATE.length).bytes(CRATE).build();

        assertArrayEquals(JSON, toArray(PublishEnvelope.parse(body, small).metadataJson()));
        Limits smaller = TestConfigs.withMaxMetadataBytes(JSON.length - 1);
        assertEquals(413, refused(body, smaller).status());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void publish_envelope_rejects_a_missing_tarball_length(int trailing) {
        byte[] body = new Body().u32(JSON.length).bytes(JSON).zeros(trailing).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid tarball length"), e.detail());
    }

    @Test
    void publish_envelope_rejects_a_tarball_length_that_lies() {
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(1000).bytes(CRATE).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid tarball length for remaining payload: " + CRATE.length), e.detail());
        assertTrue(e.detail().contains("1000"), e.detail());
    }

    @Test
    void publish_envelope_rejects_tarball_over_max_crate_size_with_413() {
        Limits small = LIMITS.withMaxCrateBytes(8);
        byte[] crate = new byte[9];
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(crate.length).bytes(crate).build();

        RegistryException e = refused(body, small);

        assertEquals(413, e.status());
        assertTrue(e.detail().startsWith("max upload size is: 8"), e.detail());
        assertTrue(e.detail().contains("9 bytes"), e.detail());
    }

    @Test
    void publish_envelope_reports_a_huge_metadata_length_that_lies_as_malformed() {
        // only metadata that is really there can be "too large"; a length that lies is a malformed request
        byte[] body = new Body().u32(LIMITS.maxMetadataBytes() + 1).zeros(16).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid metadata length for remaining payload: 16"), e.detail());
    }

    @Test
    void publish_envelope_reports_a_huge_tarball_length_that_lies_as_malformed() {
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(LIMITS.maxCrateBytes() + 1).bytes(CRATE).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid tarball length for remaining payload: " + CRATE.length), e.detail());
    }

    @Test
    void publish_envelope_accepts_tarball_exactly_at_the_limit() {
        Limits small = LIMITS.withMaxCrateBytes(CRATE.length);
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(CRATE.length).bytes(CRATE).build();

        assertArrayEquals(CRATE, PublishEnvelope.parse(body, small).crateArray());
    }

    @Test
    void publish_envelope_rejects_trailing_bytes() {
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(CRATE.length).bytes(CRATE).zeros(3).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("3 unexpected bytes after the tarball"), e.detail());
    }

    @Test
    void publish_envelope_rejects_an_empty_tarball() {
        byte[] body = new Body().u32(JSON.length).bytes(JSON).u32(0).build();

        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("tarball is empty"), e.detail());
    }

    @Test
    void publish_envelope_treats_json_length_as_unsigned() {
        // 0xFFFFFFFF is 4 GiB - 1, not -1
        RegistryException e = refused(new Body().u32(0xFFFFFFFFL).zeros(16).build());

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid metadata length for remaining payload: 16"), e.detail());
        assertTrue(e.detail().contains("4294967295"), e.detail());
    }

    @Test
    void publish_envelope_treats_json_length_with_high_bit_as_unsigned_even_without_a_limit() {
        Limits unlimited = TestConfigs.withMaxMetadataBytes(Long.MAX_VALUE);

        RegistryException e = refused(new Body().u32(0x80000000L).zeros(16).build(), unlimited);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid metadata length for remaining payload: 16"), e.detail());
        assertTrue(e.detail().contains("2147483648"), e.detail());
    }

    @Test
    void publish_envelope_treats_tarball_length_as_unsigned() {
        RegistryException e = refused(new Body().u32(JSON.length).bytes(JSON).u32(0xFFFFFFFFL).bytes(CRATE).build());

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid tarball length for remaining payload: " + CRATE.length), e.detail());
        assertTrue(e.detail().contains("4294967295"), e.detail());
    }

    @Test
    void publish_envelope_treats_tarball_length_with_high_bit_as_unsigned_even_without_a_limit() {
        Limits unlimited = LIMITS.withMaxCrateBytes(Long.MAX_VALUE);

        RegistryException e = refused(new Body().u32(JSON.length).bytes(JSON).u32(0x80000001L).bytes(CRATE).build(),
                unlimited);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid tarball length for remaining payload"), e.detail());
        assertTrue(e.detail().contains("2147483649"), e.detail());
    }
}
