package dev.cargoreg.core.index;

import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Regenerates a crate's index file from the truth and writes it so that an older rendering never replaces a newer one.
 *
 * <p>The crate's revision is read before its versions, so a rendering labelled with revision r holds at least every
 * change up to r. The object carries its label in metadata, and is replaced only by a higher label, with a conditional
 * write (If-Match on the ETag that was compared), retried when a concurrent writer got there first.
 */
public final class IndexSync {
    public static final String REVISION_METADATA = "revision";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(IndexSync.class.getName());
    private static final int MAX_ATTEMPTS = 20;

    private final MetadataStore store;
    private final BlobStore blobs;
    private final CdnInvalidator cdn;
    private final RegistryConfig config;

    public IndexSync(MetadataStore store, BlobStore blobs, CdnInvalidator cdn, RegistryConfig config) {
        this.store = store;
        this.blobs = blobs;
        this.cdn = cdn;
        this.config = config;
    }

    public enum Outcome { WRITTEN, ALREADY_CURRENT, NO_SUCH_CRATE }

    /** Brings the crate's index file up to date at the origin. Does not touch the CDN; see {@link #invalidate}. */
    public Outcome sync(String canonicalName) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<MetadataStore.CrateRecord> crate = store.findCrate(canonicalName);
            if (crate.isEmpty()) {
                return Outcome.NO_SUCH_CRATE;
            }
            long revision = crate.get().revision();
            List<IndexLines.StoredLine> lines = store.listVersions(canonicalName).stream()
                    .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked()))
                    .toList();
            String key = IndexPaths.keyOf(crate.get().name());
            Optional<BlobStore.BlobInfo> current = blobs.head(key);
            if (current.isPresent() && revisionOf(current.get()) >= revision) {
                return Outcome.ALREADY_CURRENT;
            }
            byte[] body = IndexLines.render(lines);
            BlobStore.Attributes attrs = new BlobStore.Attributes("text/plain; charset=utf-8", config.cache().index(),
                    Map.of(REVISION_METADATA, Long.toString(revision)));
            if (blobs.putIfMatch(key, body, attrs, current.map(BlobStore.BlobInfo::etag).orElse(null))) {
                return Outcome.WRITTEN;
            }
            // Someone wrote in between: look again; their rendering may already be as new as ours.
        }
        throw new IllegalStateException("index file of " + canonicalName + " kept changing under " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Rewrites the crate's index file from the truth even if its label says it is current (recovery from a lost or
     * damaged file), still without ever replacing a newer rendering that lands meanwhile.
     */
    public Outcome rebuild(String canonicalName) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<MetadataStore.CrateRecord> crate = store.findCrate(canonicalName);
            if (crate.isEmpty()) {
                return Outcome.NO_SUCH_CRATE;
            }
            long revision = crate.get().revision();
            byte[] body = IndexLines.render(store.listVersions(canonicalName).stream()
                    .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList());
            String key = IndexPaths.keyOf(crate.get().name());
            Optional<BlobStore.BlobInfo> current = blobs.head(key);
            if (current.isPresent() && revisionOf(current.get()) > revision) {
                return Outcome.ALREADY_CURRENT;
            }
            BlobStore.Attributes attrs = new BlobStore.Attributes("text/plain; charset=utf-8", config.cache().index(),
                    Map.of(REVISION_METADATA, Long.toString(revision)));
            if (blobs.putIfMatch(key, body, attrs, current.map(BlobStore.BlobInfo::etag).orElse(null))) {
                invalidatePaths(List.of(cdnPath(crate.get().name())));
                return Outcome.WRITTEN;
            }
        }
        throw new IllegalStateException("index file of " + canonicalName + " kept changing under " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Writes config.json when it is missing or says something else than this configuration (a new deployment, or a
     * changed `auth-required`). Returns true when it wrote.
     */
    public boolean ensureConfig() {
        byte[] body = IndexConfig.render(config);
        String digest = dev.cargoreg.core.auth.Tokens.sha256Hex(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        Optional<BlobStore.BlobInfo> current = blobs.head(IndexPaths.CONFIG_KEY);
        if (current.isPresent() && digest.equals(current.get().metadata().get("sha256"))) {
            return false;
        }
        blobs.put(IndexPaths.CONFIG_KEY, body, new BlobStore.Attributes("application/json", config.cache().config(),
                Map.of("sha256", digest)));
        cdn.invalidate(List.of("/" + IndexPaths.CONFIG_KEY));
        return true;
    }

    /**
     * After a committed change: bring the index file up to date (a 503 telling the user to repeat the command when
     * that fails; repeating it repairs the file) and invalidate its CDN path plus {@code extraPaths} (a failure there
     * is only logged: the origin is right and the CDN copy expires within a second).
     */
    public void afterCommit(String canonicalName, String crateName, String whatToRepeat, List<String> extraPaths) {
        try {
            Outcome outcome = sync(canonicalName);
            if (outcome == Outcome.NO_SUCH_CRATE) {
                blobs.delete(IndexPaths.keyOf(crateName));
            }
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "index update failed after a commit to " + canonicalName, e);
            throw dev.cargoreg.core.error.RegistryException.unavailable("the change to `" + crateName + "` was recorded,"
                    + " but its index file could not be written; " + whatToRepeat + " again to bring the index up to date");
        }
        List<String> paths = new java.util.ArrayList<>();
        paths.add(cdnPath(crateName));
        paths.addAll(extraPaths);
        try {
            cdn.invalidate(paths);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "CDN invalidation failed for " + paths, e);
        }
    }

    /** The CDN path of a crate's index file. */
    public static String cdnPath(String crateName) {
        return "/" + IndexPaths.keyOf(crateName);
    }

    /** Best effort: a failure is logged (CDN copies expire by their max-age). */
    public void invalidatePaths(List<String> paths) {
        try {
            cdn.invalidate(paths);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "CDN invalidation failed for " + paths, e);
        }
    }

    public void invalidate(String crateName) {
        cdn.invalidate(List.of(cdnPath(crateName)));
    }

    static long revisionOf(BlobStore.BlobInfo info) {
        String r = info.metadata().get(REVISION_METADATA);
        try {
            return r == null ? -1 : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
