package dev.cargoreg.core.index;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Regenerates a crate's index file from the truth and writes it so that an older rendering never replaces a newer one.
 *
 * <p>The crate's revision is read before its versions, so a rendering labelled with revision r holds at least every
 * change up to r. The object carries its label in metadata, and is replaced only by a higher label, with a conditional
 * write (If-Match on the ETag that was compared), retried when a concurrent writer got there first.
 */
public final class IndexSync {
    public static final String REVISION_METADATA = "revision";
    private static final Logger LOG = Logger.getLogger(IndexSync.class.getName());
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

    /**
     * Brings the crate's index file up to date at the origin, without ever replacing a newer rendering. Normally a file
     * whose label is already this revision is left alone; {@code force} rewrites it anyway (recovery from a lost or
     * damaged file) and then invalidates its CDN path. Otherwise the CDN is not touched: see {@link #afterCommit}.
     */
    public Outcome sync(String canonicalName, boolean force) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<MetadataStore.CrateRecord> crate = store.findCrate(canonicalName);
            if (crate.isEmpty()) {
                return Outcome.NO_SUCH_CRATE;
            }
            long revision = crate.get().revision();
            String key = IndexPaths.keyOf(crate.get().name());
            Optional<BlobStore.BlobInfo> current = blobs.head(key);
            long stored = current.map(IndexSync::revisionOf).orElse(-1L);
            if (stored > revision || (stored == revision && !force)) {
                return Outcome.ALREADY_CURRENT;
            }
            byte[] body = IndexLines.render(store.listVersions(canonicalName).stream()
                    .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked()))
                    .toList());
            BlobStore.Attributes attrs = new BlobStore.Attributes("text/plain; charset=utf-8", config.cache().index(),
                    Map.of(REVISION_METADATA, Long.toString(revision)));
            if (blobs.putIfMatch(key, body, attrs, current.map(BlobStore.BlobInfo::etag).orElse(null))) {
                if (force) {
                    invalidatePaths(List.of(cdnPath(crate.get().name())));
                }
                return Outcome.WRITTEN;
            }
            // Someone wrote in between: look again; their rendering may already be as new as ours.
        }
        throw new IllegalStateException("index file of " + canonicalName + " kept changing under " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * Writes config.json when it is missing or says something else than this configuration (a new deployment, or a
     * changed `auth-required`). Returns true when it wrote.
     */
    public boolean ensureConfig() {
        byte[] body = IndexConfig.render(config);
        String digest = Digests.sha256Hex(body);
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
     * After a committed change: bring the index file up to date, or answer 503 with {@code failureDetail} (repeating the
     * command repairs the file); then invalidate its CDN path plus {@code extraPaths}. An invalidation failure is only
     * logged (the origin is right and the CDN copy expires within a second); returns false then, so a caller can warn.
     */
    public boolean afterCommit(String canonicalName, String crateName, String failureDetail, List<String> extraPaths) {
        try {
            if (sync(canonicalName, false) == Outcome.NO_SUCH_CRATE) {
                blobs.delete(IndexPaths.keyOf(crateName));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "index update failed after a commit to " + canonicalName, e);
            throw RegistryException.unavailable(failureDetail);
        }
        List<String> paths = new ArrayList<>();
        paths.add(cdnPath(crateName));
        paths.addAll(extraPaths);
        return invalidatePaths(paths);
    }

    /** The 503 detail of a committed change whose index file could not be written: what to repeat to repair it. */
    public static String repeatToRepair(String crateName, String whatToRepeat) {
        return "the change to `" + crateName + "` was recorded, but its index file could not be written; " + whatToRepeat
                + " again to bring the index up to date";
    }

    /** The CDN path of a crate's index file. */
    public static String cdnPath(String crateName) {
        return "/" + IndexPaths.keyOf(crateName);
    }

    /** Best effort: a failure is logged (CDN copies expire by their max-age); true when the CDN took the request. */
    public boolean invalidatePaths(List<String> paths) {
        try {
            cdn.invalidate(paths);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "CDN invalidation failed for " + paths, e);
            return false;
        }
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
