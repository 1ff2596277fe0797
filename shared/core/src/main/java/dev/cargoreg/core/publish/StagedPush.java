package dev.cargoreg.core.publish;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.BlobStore;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Pushes and imports of .crate files larger than a request through API Gateway to Lambda can carry: the caller gets a
 * presigned URL for one staging key of its own, uploads the file there, then asks for it to be pushed (or, an
 * administrator, imported); {@link PublishService#push} reads, checks and commits it as any push, synchronously, and the
 * staged object is deleted whatever the outcome (a bucket lifecycle rule removes uploads nobody completes).
 */
public final class StagedPush {
    private static final Logger LOG = Logger.getLogger(StagedPush.class.getName());
    /** Long enough to upload 10 MiB over a slow link; short enough that a leaked URL is soon useless. */
    public static final Duration UPLOAD_TTL = Duration.ofMinutes(15);
    public static final String PREFIX = "staging/";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PublishService publish;
    private final BlobStore blobs;
    private final RegistryConfig config;
    private final Clock clock;

    public StagedPush(PublishService publish, BlobStore blobs, RegistryConfig config, Clock clock) {
        this.publish = publish;
        this.blobs = blobs;
        this.config = config;
        this.clock = clock;
    }

    /** Where to upload: PUT the .crate, unchanged, to {@code url} before {@code expiresAt}, then complete with the id. */
    public record Upload(
            @JsonProperty("upload_id") String id,
            @JsonProperty("url") String url,
            @JsonProperty("method") String method,
            @JsonProperty("expires_at") String expiresAt,
            @JsonProperty("max_bytes") long maxBytes) {
    }

    public Upload begin(Principal principal) {
        String login = principal.requireLogin();
        // the crate is not known yet: a token that can publish nothing gets no upload (the push checks the rest), unless
        // it may import (an administrator's token scoped to `admin` alone)
        if (!principal.has(Scope.PUBLISH_NEW) && !principal.has(Scope.PUBLISH_UPDATE) && !principal.canAdminister()) {
            principal.require(Scope.PUBLISH_UPDATE, null);
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Instant expires = clock.instant().plus(UPLOAD_TTL);
        return new Upload(id, blobs.presignPut(key(login, id), UPLOAD_TTL).toString(), "PUT", expires.toString(),
                config.limits().maxCrateBytes());
    }

    /** Pushes the caller's staged file {@code id} as {@link PublishService#push} does, then deletes it. */
    public PublishService.Result complete(Principal principal, String id) {
        return take(principal, id, crate -> publish.push(principal, crate));
    }

    /**
     * Hands the caller's staged file {@code id}, after the size limit, to {@code use} (a push, or an administrator's
     * import), then deletes it whatever the outcome.
     */
    public <R> R take(Principal principal, String id, Function<byte[], R> use) {
        String login = principal.requireLogin();
        if (id == null || !ID.matcher(id).matches()) {
            throw RegistryException.badRequest("invalid upload id `" + id + "`: use the `upload_id` that"
                    + " POST /api/v1/crates/push/uploads returned");
        }
        // the key is derived from the caller: nobody can take another user's staged file, whatever id they send
        String key = key(login, id);
        BlobStore.BlobInfo info = blobs.head(key).orElseThrow(() -> RegistryException.notFound("no upload `" + id
                + "` of yours is waiting: PUT the file to the upload URL first (it is valid for "
                + UPLOAD_TTL.toMinutes() + " minutes), then ask again"));
        try {
            PublishEnvelope.checkCrateSize(info.size(), config.limits());
            byte[] crate = blobs.get(key).orElseThrow(() -> RegistryException.notFound("upload `" + id
                    + "` vanished while it was being read; upload it again")).body();
            return use.apply(crate);
        } finally {
            try {
                blobs.delete(key);
            } catch (RuntimeException e) {
                // the bucket's lifecycle rule removes it within a day
                LOG.log(Level.WARNING, "could not delete the staged upload " + key, e);
            }
        }
    }

    /** One key per caller and upload; the login is hashed so that no login spelling can reach outside the prefix. */
    static String key(String login, String id) {
        String user = Digests.sha256Hex(login.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        return PREFIX + user + "/" + id + ".crate";
    }
}
