package dev.cargoreg.core.publish;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large pushes through a presigned upload: one key per caller, read and committed by the push path, then deleted. */
class StagedPushTest {
    private final FakeRegistry r = new FakeRegistry().users("alice", "bob").admin("root");
    private final StagedPush staged = r.services.stagedPush();

    private static final BlobStore.Attributes OCTETS = new BlobStore.Attributes("application/octet-stream", null, Map.of());

    /** What the caller's PUT to the presigned URL does. */
    private void upload(StagedPush.Upload u, byte[] crate) {
        String key = r.blobs.presigned().get(r.blobs.presigned().size() - 1);
        assertTrue(u.url().contains(key), u.url());
        r.blobs.put(key, crate, OCTETS);
    }

    /** A crate of about {@code size} bytes that gzip cannot shrink. */
    static byte[] large(String name, int size) {
        byte[] noise = new byte[size];
        new Random(size).nextBytes(noise);
        return TarballBuilder.crate(name, "1.0.0").file(name + "-1.0.0/data.bin", noise).build();
    }

    @Test
    void aLargeCrateIsPushedFromItsStagedUploadAndTheUploadIsDeleted() {
        byte[] crate = large("big-crate", 6 * 1024 * 1024);
        assertTrue(crate.length > RegistryConfig.Limits.MAX_DIRECT_UPLOAD_BYTES);

        StagedPush.Upload u = staged.begin(r.as("alice"));
        assertEquals("PUT", u.method());
        assertEquals(RegistryConfig.Limits.DEFAULT_MAX_CRATE_BYTES, u.maxBytes());
        String key = r.blobs.presigned().get(0);
        assertTrue(key.startsWith("staging/") && key.endsWith("/" + u.id() + ".crate"), key);
        upload(u, crate);

        PublishService.Result result = staged.complete(r.as("alice"), u.id());

        assertEquals("big-crate", result.name());
        assertEquals(Digests.sha256Hex(crate), result.cksum());
        assertArrayEquals(crate, r.blobs.get(IndexPaths.crateKey("big-crate", "1.0.0")).orElseThrow().body());
        assertTrue(r.blobs.head(key).isEmpty(), "the staged upload is deleted");
        assertEquals(List.of("1.0.0"), r.indexVersions("big-crate"));
    }

    @Test
    void nobodyCanPushAnotherCallersUploadAndRefusalsDeleteItAndWriteNothing() {
        StagedPush.Upload u = staged.begin(r.as("alice"));
        upload(u, large("alices-crate", 1024));
        // bob's key for the same id is another key: there is nothing there for him
        RegistryException bobs = assertThrows(RegistryException.class, () -> staged.complete(r.as("bob"), u.id()));
        assertEquals(404, bobs.status());
        assertTrue(r.store.findCrate("alices_crate").isEmpty());

        RegistryException invalid = assertThrows(RegistryException.class, () -> staged.complete(r.as("alice"), "../x"));
        assertEquals(400, invalid.status());

        // over the registry's limit: 413 as for a publish, and the staged file is gone
        FakeRegistry small = new FakeRegistry().users("alice");
        StagedPush tight = new StagedPush(small.publisher, small.blobs, small.config.toBuilder()
                .limits(small.config.limits().withMaxCrateBytes(2048)).build(), small.clock);
        StagedPush.Upload t = tight.begin(small.as("alice"));
        String key = small.blobs.presigned().get(0);
        small.blobs.put(key, large("too-big", 8192), OCTETS);
        RegistryException tooBig = assertThrows(RegistryException.class, () -> tight.complete(small.as("alice"), t.id()));
        assertEquals(413, tooBig.status());
        assertTrue(tooBig.detail().startsWith("max upload size is: 2048 bytes"), tooBig.detail());
        assertTrue(small.blobs.head(key).isEmpty());
        assertTrue(small.store.findCrate("too_big").isEmpty());

        // a refusal of the push itself (a reserved name) deletes the staged file too
        StagedPush.Upload v = staged.begin(r.as("alice"));
        String vkey = r.blobs.presigned().get(r.blobs.presigned().size() - 1);
        upload(v, TarballBuilder.valid("std", "1.0.0"));
        RegistryException reserved = assertThrows(RegistryException.class, () -> staged.complete(r.as("alice"), v.id()));
        assertEquals("cannot upload a crate with a reserved name: `std`", reserved.detail());
        assertTrue(r.blobs.head(vkey).isEmpty());
    }

    @Test
    void aTokenThatCannotPublishGetsNoUpload() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> staged.begin(r.as("alice", EnumSet.of(Scope.YANK), null)));
        assertEquals(403, e.status());
        assertTrue(r.blobs.presigned().isEmpty());
    }

    @Test
    void anAdministratorsTokenScopedToAdminAloneGetsAnUploadToImport() {
        assertEquals(32, staged.begin(r.as("root", EnumSet.of(Scope.ADMIN), null)).id().length());
        // the same scope on a token of someone who is not an administrator gives nothing
        assertEquals(403, assertThrows(RegistryException.class,
                () -> staged.begin(r.as("alice", EnumSet.of(Scope.ADMIN), null))).status());
        assertEquals(1, r.blobs.presigned().size());
    }

    @Test
    void cargoPublishAboveWhatALambdaRequestCarriesIsToldToPushTheFile() {
        byte[] crate = large("mid-crate", (int) RegistryConfig.Limits.MAX_DIRECT_UPLOAD_BYTES);
        byte[] body = PublishEnvelope.encode("{\"name\":\"mid-crate\",\"vers\":\"1.0.0\"}".getBytes(), crate);
        RegistryException e = assertThrows(RegistryException.class, () -> r.publisher.publish(r.as("alice"), body));
        assertEquals(413, e.status());
        assertTrue(e.detail().startsWith("max upload size through `cargo publish` is 4653056 bytes (what API Gateway can"
                + " hand to Lambda), this crate is " + crate.length + " bytes; this registry takes crates up to 10485760"
                + " bytes as a file"), e.detail());
        assertTrue(e.detail().contains("`registry-admin push target/package/<name>-<version>.crate`"), e.detail());
        assertTrue(r.blobs.snapshot().isEmpty());
    }
}
