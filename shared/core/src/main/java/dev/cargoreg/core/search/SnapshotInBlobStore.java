package dev.cargoreg.core.search;

import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.SearchSource;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A search source whose snapshot is one object in the blob store ({@value #KEY}), next to the change feed of another
 * source. One GET of raw bytes is what a cold instance pays: the same snapshot read as DynamoDB items (base64 inside
 * JSON, in chunks under the item limit) took DynamoDB Local 1.0–1.8 s for 150,000 crates. The key is outside every
 * path the CDN serves, so it is never public. Writes are conditional on the object read just before, so a slow
 * instance never puts an older snapshot back over a newer one; a reader's GET always sees one whole object.
 */
public final class SnapshotInBlobStore implements SearchSource {
    public static final String KEY = "search/snapshot";
    static final String AS_OF = "as-of";
    private static final Logger LOG = Logger.getLogger(SnapshotInBlobStore.class.getName());
    private final SearchSource changes;
    private final BlobStore blobs;

    public SnapshotInBlobStore(SearchSource changes, BlobStore blobs) {
        this.changes = changes;
        this.blobs = blobs;
    }

    @Override
    public List<Entry> loadAll() {
        return changes.loadAll();
    }

    @Override
    public Page page(String cursor, int limit) {
        return changes.page(cursor, limit);
    }

    @Override
    public List<Entry> changedSince(Instant since) {
        return changes.changedSince(since);
    }

    @Override
    public Optional<Snapshot> snapshot() {
        return blobs.get(KEY).flatMap(blob -> asOf(blob.info()).map(at -> new Snapshot(at, blob.body())));
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        Optional<BlobStore.BlobInfo> current = blobs.head(KEY);
        Optional<Instant> currentAsOf = current.flatMap(SnapshotInBlobStore::asOf);
        if (currentAsOf.isPresent() && !currentAsOf.get().isBefore(snapshot.asOf())) {
            return;
        }
        BlobStore.Attributes attributes = new BlobStore.Attributes("application/octet-stream", "no-store",
                Map.of(AS_OF, snapshot.asOf().toString()));
        if (!blobs.putIfMatch(KEY, snapshot.data(), attributes, current.map(BlobStore.BlobInfo::etag).orElse(null))) {
            LOG.info("search snapshot of " + snapshot.asOf() + " not stored: another instance stored one meanwhile");
        }
    }

    private static Optional<Instant> asOf(BlobStore.BlobInfo info) {
        String at = info.metadata().get(AS_OF);
        try {
            return at == null ? Optional.empty() : Optional.of(Instant.parse(at));
        } catch (DateTimeParseException e) {
            LOG.warning("search snapshot with an unreadable " + AS_OF + ": " + at);
            return Optional.empty();
        }
    }
}
