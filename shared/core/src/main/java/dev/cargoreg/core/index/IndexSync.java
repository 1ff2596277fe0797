package dev.cargoreg.core.index;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Regenerates a crate's index file from the truth and writes it so that an older rendering never replaces a newer one.
 *
 * <p>The crate's revision is read before its versions, so a rendering labelled with revision r holds at least every
 * change up to r. The object carries its label in metadata, and is replaced only by a higher label, with a conditional
 * write (If-Match on the ETag that was compared), retried when a concurrent writer got there first.
 *
 * <p>The CDN is never asked to drop an index file: index objects say {@code max-age=1, must-revalidate} (config.json
 * 60 s), so every edge revalidates them within that bound by itself, sooner than a CloudFront invalidation completes,
 * at no cost and without counting against its limit of 3,000 paths in progress. Only the immutable tarballs of removed
 * versions are invalidated (the admin removal), and after a reindex one `/index/*` wildcard.
 */
public final class IndexSync {
    public static final String REVISION_METADATA = "revision";
    /** The highest version sequence number in the file: a publish may append only a line numbered above it. */
    public static final String LAST_SEQ_METADATA = "last-seq";
    private static final Logger LOG = Logger.getLogger(IndexSync.class.getName());
    private static final int MAX_ATTEMPTS = 20;

    private final MetadataStore store;
    private final BlobStore blobs;
    private final RegistryConfig config;

    public IndexSync(MetadataStore store, BlobStore blobs, RegistryConfig config) {
        this.store = store;
        this.blobs = blobs;
        this.config = config;
    }

    public enum Outcome { WRITTEN, ALREADY_CURRENT, NO_SUCH_CRATE }

    /**
     * Brings the crate's index file up to date at the origin, without ever replacing a newer rendering. Normally a file
     * whose label is already this revision is left alone; {@code force} rewrites it anyway (recovery from a lost or
     * damaged file).
     */
    public Outcome sync(String canonicalName, boolean force) {
        return sync(canonicalName, force, versions -> { });
    }

    /**
     * {@link #sync(String, boolean)}, handing {@code read} the versions each time it reads them, so a caller that needs
     * them too (a reindex, for the reverse dependencies) does not read a long history twice. The last versions handed
     * over are those of the last attempt that read them, which may be older than the file when a later attempt found it
     * already current (a concurrent writer's).
     */
    public Outcome sync(String canonicalName, boolean force, Consumer<List<MetadataStore.VersionRecord>> read) {
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
            List<MetadataStore.VersionRecord> versions = store.listVersions(canonicalName);
            read.accept(versions);
            List<IndexLines.StoredLine> lines = versions.stream()
                    .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked()))
                    .toList();
            byte[] body = IndexLines.render(lines);
            BlobStore.Attributes attrs = attributes(revision, lines.stream().mapToLong(IndexLines.StoredLine::seq).max().orElse(0));
            if (blobs.putIfMatch(key, body, attrs, current.map(BlobStore.BlobInfo::etag).orElse(null))) {
                if (store.findCrate(canonicalName).isPresent()) {
                    return Outcome.WRITTEN;
                }
                // removed while this rendered: its cleanup may have deleted the file before this write
                blobs.delete(key);
                continue;
            }
            // Someone wrote in between: look again; their rendering may already be as new as ours.
        }
        throw new IllegalStateException("index file of " + canonicalName + " kept changing under " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * After a publish commit that took the crate to {@code revision} by adding {@code line} with sequence number
     * {@code seq}: when the file at the origin is the rendering of the revision just before, with only lower sequence
     * numbers, the new file is that file plus the line (what a full rendering would give, since lines are ordered by
     * sequence), written on condition that the file is unchanged. Reads one object and no version records, so a publish
     * costs the same whatever the crate's history. Anything else (a concurrent change, an older file, a file from an
     * older version of the registry) falls back to {@link #sync}. A failure answers 503 with {@code failureDetail}.
     */
    public void afterPublish(String canonicalName, String crateName, long revision, long seq, String line,
                                String failureDetail) {
        try {
            boolean appended = append(crateName, revision, seq, line);
            // appended: the crate may have been removed meanwhile (its cleanup looking before this write)
            if ((!appended || store.findCrate(canonicalName).isEmpty())
                    && sync(canonicalName, false) == Outcome.NO_SUCH_CRATE) {
                dropFileOfRemoved(canonicalName, crateName);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "index update failed after a publish to " + canonicalName, e);
            throw RegistryException.unavailable(failureDetail);
        }
    }

    private boolean append(String crateName, long revision, long seq, String line) {
        String key = IndexPaths.keyOf(crateName);
        byte[] added = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (revision == 1) {
            return blobs.putIfAbsent(key, added, attributes(revision, seq));
        }
        Optional<BlobStore.Blob> current = blobs.get(key);
        if (current.isEmpty() || revisionOf(current.get().info()) != revision - 1 || lastSeqOf(current.get().info()) >= seq) {
            return false;
        }
        byte[] before = current.get().body();
        byte[] body = new byte[before.length + added.length];
        System.arraycopy(before, 0, body, 0, before.length);
        System.arraycopy(added, 0, body, before.length, added.length);
        return blobs.putIfMatch(key, body, attributes(revision, seq), current.get().info().etag());
    }

    private BlobStore.Attributes attributes(long revision, long lastSeq) {
        return new BlobStore.Attributes("text/plain; charset=utf-8", config.cache().index(),
                Map.of(REVISION_METADATA, Long.toString(revision), LAST_SEQ_METADATA, Long.toString(lastSeq)));
    }

    /**
     * Writes config.json when it is missing or says something else than this configuration (a new deployment, or a
     * changed `auth-required`). Returns true when it wrote. With a mirror, the mirror's config.json as well (so bootstrap,
     * reindex and the first publish of an instance write it in AWS).
     */
    public boolean ensureConfig() {
        if (config.mirror().enabled()) {
            // the mirror's config.json too: the CDN serves it from the bucket, and no mirror function knows the CDN's name
            writeIfChanged(IndexConfig.MIRROR_CONFIG_KEY, IndexConfig.renderMirror(config));
        }
        return writeIfChanged(IndexPaths.CONFIG_KEY, IndexConfig.render(config));
    }

    private boolean writeIfChanged(String key, byte[] body) {
        String digest = Digests.sha256Hex(body);
        Optional<BlobStore.BlobInfo> current = blobs.head(key);
        if (current.isPresent() && digest.equals(current.get().metadata().get("sha256"))) {
            return false;
        }
        blobs.put(key, body, new BlobStore.Attributes("application/json", config.cache().config(),
                Map.of("sha256", digest)));
        return true;
    }

    /**
     * After a committed change: bring the index file up to date, or answer 503 with {@code failureDetail} (repeating the
     * command repairs the file).
     */
    public void afterCommit(String canonicalName, String crateName, String failureDetail) {
        try {
            if (sync(canonicalName, false) == Outcome.NO_SUCH_CRATE) {
                dropFileOfRemoved(canonicalName, crateName);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "index update failed after a commit to " + canonicalName, e);
            throw RegistryException.unavailable(failureDetail);
        }
    }

    /**
     * Deletes the index file of a crate an administrator removed; a crate created again under the name between the
     * look and the delete gets its file back (the one just deleted may have been its own).
     */
    private void dropFileOfRemoved(String canonicalName, String crateName) {
        blobs.delete(IndexPaths.keyOf(crateName));
        if (store.findCrate(canonicalName).isPresent()) {
            sync(canonicalName, false);
        }
    }

    /** The 503 detail of a committed change whose index file could not be written: what to repeat to repair it. */
    public static String repeatToRepair(String crateName, String whatToRepeat) {
        return "the change to `" + crateName + "` was recorded, but its index file could not be written; " + whatToRepeat
                + " again to bring the index up to date";
    }

    static long revisionOf(BlobStore.BlobInfo info) {
        return number(info, REVISION_METADATA);
    }

    /** Unknown (a file written before the label existed): as high as can be, so nothing is appended to it. */
    static long lastSeqOf(BlobStore.BlobInfo info) {
        long seq = number(info, LAST_SEQ_METADATA);
        return seq < 0 ? Long.MAX_VALUE : seq;
    }

    private static long number(BlobStore.BlobInfo info, String name) {
        String r = info.metadata().get(name);
        try {
            return r == null ? -1 : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
