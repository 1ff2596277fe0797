package dev.cargoreg.core.port;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tarballs and index files (S3 in production and in integration tests). */
public interface BlobStore {

    Optional<BlobInfo> head(String key);

    Optional<Blob> get(String key);

    /** Writes only if no object exists at {@code key}; false if one does. */
    boolean putIfAbsent(String key, byte[] body, Attributes attributes);

    /**
     * Writes only if the current object still has {@code expectedEtag} (or, when it is null, if no object exists);
     * false when that precondition fails because someone else wrote first.
     */
    boolean putIfMatch(String key, byte[] body, Attributes attributes, String expectedEtag);

    void put(String key, byte[] body, Attributes attributes);

    void delete(String key);

    /** The keys that start with {@code prefix}, in key order (the mirror's policy finds the cached crates it must move). */
    List<String> keys(String prefix);

    /**
     * A URL that lets whoever holds it PUT this one key, until {@code ttl} has passed: no other key, no other method.
     * Large .crate files go straight to storage this way, then the publish code reads, checks and deletes them.
     */
    URI presignPut(String key, Duration ttl);

    record Attributes(String contentType, String cacheControl, Map<String, String> metadata) {
        public Attributes {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    record BlobInfo(String etag, Instant lastModified, long size, String contentType, String cacheControl,
                    Map<String, String> metadata) {
    }

    record Blob(BlobInfo info, byte[] body) {
    }
}
