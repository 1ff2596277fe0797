package dev.cargoreg.core.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The truth: crates, their versions and owners, users and token hashes. Implemented over DynamoDB in production and in
 * every integration test; reads that decide a write are strongly consistent.
 */
public interface MetadataStore {

    Optional<CrateRecord> findCrate(String canonicalName);

    Optional<VersionRecord> findVersion(String canonicalName, String versionWithoutBuild);

    /** Every version of the crate (strongly consistent), in no particular order. */
    List<VersionRecord> listVersions(String canonicalName);

    /**
     * Records a new version atomically: the version (only if no version equal ignoring build metadata exists), and the
     * crate record (created with the publisher as owner when {@code expectedRevision == 0}, else updated only if its
     * revision is still {@code expectedRevision} and the publisher is still an owner).
     */
    void commitPublish(PublishCommit commit) throws CommitConflict;

    Optional<TokenRecord> findToken(String tokenSha256);

    void putUser(UserRecord user);

    Optional<UserRecord> findUser(String login);

    /** Stores a token's hash; it never sees the secret. */
    void putToken(TokenRecord token);

    record CrateRecord(String canonicalName, String name, long revision, long versionCount, Set<String> owners,
                       Instant createdAt, Instant updatedAt) {
    }

    /** One published version. {@code line} is the index line as published (unyanked); {@code yanked} is separate. */
    record VersionRecord(String canonicalName, String version, String versionWithoutBuild, long seq, String line,
                         boolean yanked, String cksum, long crateSize, String publishedBy, Instant publishedAt,
                         Map<String, Object> details) {
    }

    record PublishCommit(String canonicalName, String name, long expectedRevision, long expectedVersionCount,
                         String publisher, VersionRecord version, Instant now) {
        public boolean newCrate() {
            return expectedRevision == 0;
        }
    }

    record UserRecord(String login, String name, boolean admin, Instant createdAt) {
    }

    record TokenRecord(String sha256, String login, String name, Instant createdAt) {
    }

    /** The commit lost a race: the version now exists, or the crate changed since it was read. */
    final class CommitConflict extends Exception {
        private final boolean versionTaken;

        public CommitConflict(boolean versionTaken, String message) {
            super(message, null, false, false);
            this.versionTaken = versionTaken;
        }

        public boolean versionTaken() {
            return versionTaken;
        }
    }
}
