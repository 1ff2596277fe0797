package dev.cargoreg.core.readme;

import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The README objects beside a version's tarball: the text publish stores after its commit and the HTML the first read
 * renders from it ({@link IndexPaths#readmeTextKey}, {@link IndexPaths#readmeKey}). Both are derived, so both are
 * written best effort, marked with the tarball's SHA-256, and never left behind a removed version.
 */
public final class ReadmeObjects {
    private static final Logger LOG = Logger.getLogger(ReadmeObjects.class.getName());

    private ReadmeObjects() {
    }

    /**
     * Writes {@code body} at {@code key} for version {@code v}, then looks at the version again: an admin removal deletes
     * a version's README objects after taking the version out, so one written in the meantime is taken back (as it is
     * when that look fails). A failure is logged, never thrown: the caller's answer does not depend on it.
     */
    public static void putForVersion(BlobStore blobs, MetadataStore store, VersionRecord v, String key, byte[] body,
                                     String contentType, String cacheControl) {
        try {
            blobs.put(key, body, new BlobStore.Attributes(contentType, cacheControl, Map.of(IndexPaths.SHA256_METADATA, v.cksum())));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write " + key, e);
            return;
        }
        boolean same;
        try {
            same = store.findVersion(v.canonicalName(), v.versionWithoutBuild())
                    .filter(now -> now.cksum().equals(v.cksum())).isPresent();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not look at " + v.canonicalName() + "@" + v.version() + " after writing " + key, e);
            same = false;
        }
        if (!same) {
            try {
                blobs.delete(key);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not take back " + key + " (a removal run again deletes it)", e);
            }
        }
    }
}
