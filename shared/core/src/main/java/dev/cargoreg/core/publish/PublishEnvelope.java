package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The body cargo sends to PUT /api/v1/crates/new:
 * {@code u32 LE json length | metadata JSON | u32 LE crate length | .crate bytes}.
 * Both parts are views into the request body: nothing is copied.
 */
public record PublishEnvelope(ByteBuffer metadataJson, ByteBuffer crateBytes) {

    public static PublishEnvelope parse(byte[] body, Limits limits) {
        ByteBuffer buf = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) {
            throw RegistryException.badRequest("invalid metadata length: the publish body is "
                    + body.length + " bytes, too short to hold the metadata length");
        }
        long jsonLen = Integer.toUnsignedLong(buf.getInt());
        // A length that lies is a malformed request; only metadata that is really there can be "too large".
        if (jsonLen > buf.remaining()) {
            throw RegistryException.badRequest("invalid metadata length for remaining payload: " + buf.remaining()
                    + " (the envelope declares " + jsonLen + " bytes of metadata)");
        }
        if (jsonLen > limits.maxMetadataBytes()) {
            throw RegistryException.tooLarge("JSON metadata blob too large: " + jsonLen + " bytes, the limit is "
                    + limits.maxMetadataBytes() + " bytes");
        }
        ByteBuffer json = slice(buf, (int) jsonLen);
        if (buf.remaining() < 4) {
            throw RegistryException.badRequest("invalid tarball length: the publish body ends before the tarball length");
        }
        long crateLen = Integer.toUnsignedLong(buf.getInt());
        if (crateLen > buf.remaining()) {
            throw RegistryException.badRequest("invalid tarball length for remaining payload: " + buf.remaining()
                    + " (the envelope declares " + crateLen + " bytes of tarball)");
        }
        checkCrateSize(crateLen, limits);
        if (crateLen > Limits.MAX_DIRECT_UPLOAD_BYTES) {
            throw tooLargeForPublish(crateLen, limits);
        }
        ByteBuffer crate = slice(buf, (int) crateLen);
        if (buf.hasRemaining()) {
            throw RegistryException.badRequest("invalid publish body: " + buf.remaining()
                    + " unexpected bytes after the tarball");
        }
        if (crateLen == 0) {
            throw RegistryException.badRequest("the uploaded tarball is empty");
        }
        return new PublishEnvelope(json, crate);
    }

    /** The crate size limit, for every way a .crate arrives (the envelope, a push, an import). */
    public static void checkCrateSize(long crateLen, Limits limits) {
        if (crateLen > limits.maxCrateBytes()) {
            throw RegistryException.tooLarge("max upload size is: " + limits.maxCrateBytes()
                    + " bytes, this crate is " + crateLen + " bytes");
        }
    }

    /**
     * cargo's 413 for a crate that fits the registry's limit but not a request through API Gateway to Lambda: it names
     * both limits and the command that uploads it instead (the local runner and the API give it for any larger body).
     */
    public static RegistryException tooLargeForPublish(long crateLen, Limits limits) {
        return RegistryException.tooLarge("max upload size through `cargo publish` is " + Limits.MAX_DIRECT_UPLOAD_BYTES
                + " bytes (what API Gateway can hand to Lambda)" + (crateLen > 0 ? ", this crate is " + crateLen + " bytes" : "")
                + "; this registry takes crates up to " + limits.maxCrateBytes() + " bytes as a file:"
                + " `cargo package`, then `registry-admin push target/package/<name>-<version>.crate`"
                + " (a presigned upload; docs/api.md#push-and-import)");
    }

    private static ByteBuffer slice(ByteBuffer buf, int len) {
        ByteBuffer s = buf.slice();
        s.limit(len);
        buf.position(buf.position() + len);
        return s.asReadOnlyBuffer();
    }

    public byte[] crateArray() {
        byte[] out = new byte[crateBytes.remaining()];
        crateBytes.duplicate().get(out);
        return out;
    }

    /** Helper for tests and tools: the envelope cargo would send. */
    public static byte[] encode(byte[] json, byte[] crate) {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + crate.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(json.length).put(json).putInt(crate.length).put(crate);
        return b.array();
    }
}
