package dev.cargoreg.core.port;

import dev.cargoreg.core.audit.AuditPage;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.crate.VersionDetails;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The truth: crates, their versions and owners, users and token hashes. Implemented over DynamoDB in production and in
 * every integration test; reads that decide a write are strongly consistent, and every write that depends on what
 * was read is conditional on the crate's revision.
 */
public interface MetadataStore {

    Optional<CrateRecord> findCrate(String canonicalName);

    Optional<VersionRecord> findVersion(String canonicalName, String versionWithoutBuild);

    /** Every version of the crate (strongly consistent), in no particular order. */
    List<VersionRecord> listVersions(String canonicalName);

    /** The removals of the crate's versions whose cleanup has not finished (strongly consistent), in no particular order. */
    List<PendingRemoval> pendingRemovals(String canonicalName);

    /**
     * The cleanup of a removal is done: its {@link PendingRemoval} is no longer listed, but kept, finished at {@code now},
     * for {@link PendingRemoval#SETTLE}, during which no publish of that version commits (nothing happens if it is
     * already gone or finished).
     */
    void finishRemoval(String canonicalName, String versionWithoutBuild, Instant now);

    Optional<TokenRecord> findToken(String tokenSha256);

    /** The user's tokens, revoked ones included, without secrets. */
    List<TokenRecord> listTokens(String login);

    /** Records that a token was used (the caller calls it at most hourly per token). */
    void touchToken(String tokenSha256, Instant now);

    /** Records that a one-time step happened; false if it had already (the first caller wins). */
    boolean claimOnce(String step, Instant now);

    /** The next number of a named sequence (token ids). */
    long nextId(String sequence);

    Optional<UserRecord> findUser(String login);

    /** The users that exist among {@code logins}, keyed by login. */
    Map<String, UserRecord> findUsers(Collection<String> logins);

    /** Every user (administration), in no particular order. */
    List<UserRecord> listUsers();

    /**
     * Disables or enables a user: the flag on the user, which the authorizer checks, and on each of their token lookup
     * items, which the edge's token sync reads (a disabled user's tokens leave the edge's store, and come back on
     * enable). False if there is no such user (and no record). {@code audit} is written in one transaction with the
     * user's flag, the change it records (the authorizer's check); the token items follow one by one, so a run
     * interrupted after the record has left some token items with the old flag (the edge may keep serving those tokens
     * until the same command is repeated, which finishes them and writes a second record).
     */
    boolean setUserDisabled(String login, boolean disabled, Instant now, AuditRecord audit);

    /**
     * Deletes a user and every token of theirs (lookup and list items). False if there is no such user (and no record).
     * {@code audit} is written in one transaction with the user item and its directory entry (from then on the
     * authorizer refuses every token of theirs); the token items follow one by one, so a run interrupted after the
     * record may leave token items behind, refused at the API (no user) but still in the edge's store until removed.
     */
    boolean deleteUser(String login, AuditRecord audit);

    // ---- trusted publishing ----------------------------------------------------------------------------------------

    /** Stores a new trust configuration (its id from the `trustpub` sequence is already set), with its record. */
    void createTrustConfig(TrustConfig config, AuditRecord audit);

    Optional<TrustConfig> findTrustConfig(long id);

    /** The crate's configurations, in no particular order. */
    List<TrustConfig> trustConfigsOfCrate(String canonicalName);

    /** The configurations naming a repository: provider and {@link TrustConfig#repositoryKey()}. */
    List<TrustConfig> trustConfigsOfRepository(String provider, String repositoryKey);

    /** Deletes a configuration with its record; false (and no record) if there is none with that id. */
    boolean deleteTrustConfig(long id, AuditRecord audit);

    /** Pins the owner's (GitHub) or namespace's (GitLab) numeric id at first use, if it is still unpinned. */
    void pinTrustConfigOwnerId(long id, String ownerId);

    /**
     * Records a JWT's `jti` as used, with the issuer, until {@code expiresAt} (then DynamoDB's TTL may drop it); false
     * if it was already used (the first caller wins: a conditional write).
     */
    boolean claimJti(String issuer, String jti, Instant expiresAt);

    /** Where a trusted-publishing token came from, kept until the token expires. */
    void putTokenProvenance(long tokenId, Provenance provenance, Instant expiresAt);

    Optional<Provenance> tokenProvenance(long tokenId);

    /**
     * A crate's trust in one CI workflow: `github` (owner, owner's numeric id, repository, workflow file name) or
     * `gitlab` (namespace, namespace id, project, CI config path); environment null: any. {@code ownerId} is null until
     * pinned.
     */
    record TrustConfig(long id, String provider, String canonicalName, String crateName, String owner, String ownerId,
                       String repository, String workflow, String environment, String createdBy, Instant createdAt) {
        /** The lookup key of the repository: lowercased `owner/repository`. */
        public String repositoryKey() {
            return (owner + "/" + repository).toLowerCase(Locale.ROOT);
        }
    }

    // --- audit trail ------------------------------------------------------------------------------------------------
    // Every write that changes the registry takes an AuditRecord, written in the same transaction as the change (a write
    // that fails or loses its condition leaves no record). A null record writes none: only test fixtures and the
    // benchmark's seeding do that, through the test jar's Unaudited; no production source may (NoUnauditedWriteTest).

    /**
     * Records a new version atomically: the version (only if no version equal ignoring build metadata exists, and no
     * removal of that version is still {@linkplain #pendingRemovals pending} or finished less than
     * {@link PendingRemoval#SETTLE} before the commit's time), and the crate record (created with the
     * publisher as owner when {@code expectedRevision == 0}, else updated only if its revision is still
     * {@code expectedRevision} and the publisher is still an owner). A crate created under the name of a removed one
     * continues its revision: revisions never go backwards for a name, so an index file left by the removed crate
     * never outranks the new crate's.
     */
    void commitPublish(PublishCommit commit, AuditRecord audit) throws CommitConflict;

    /** Flips a version's yanked flag and updates the crate's summary, if the crate's revision is still the one read. */
    void commitYank(YankCommit commit, AuditRecord audit) throws CommitConflict;

    /** Replaces the crate's owner set, if the crate's revision is still the one read. */
    void commitOwners(OwnersCommit commit, AuditRecord audit) throws CommitConflict;

    /**
     * Removes one version (and the crate record with its last version, leaving a tombstone for search that keeps the
     * crate's last revision), if the crate's revision is still the one read. In the same transaction it records a
     * {@link PendingRemoval}: what is left to clean up outside the table (tarball, index file, CDN), until
     * {@link #finishRemoval}.
     */
    void commitRemoval(RemovalCommit commit, AuditRecord audit) throws CommitConflict;

    /**
     * Stores a new token's hash and metadata (the lookup item and the user's list entry, in one transaction), on
     * condition that its user exists and is not disabled: false, and nothing written, otherwise (a token created in the
     * moment its user is disabled or deleted would outlive the offboarding).
     */
    boolean createToken(TokenRecord token, AuditRecord audit);

    /** Marks a token revoked; false (and no record) if the user has no token with that id. */
    boolean revokeToken(String login, long tokenId, Instant now, AuditRecord audit);

    /**
     * Creates a user with the next numeric id; empty if the login is taken, in any case (`Alice` when `alice` exists:
     * `cargo owner --add Alice` must not find another person than `alice`).
     */
    Optional<UserRecord> createUser(String login, String name, boolean admin, Instant now, AuditRecord audit);

    /** Audit records matching every filter of {@code query}, newest first (strongly consistent). */
    AuditPage auditTrail(AuditQuery query);

    // --- owned crates ---------------------------------------------------------------------------------------------
    // Each owner of a crate has an ownership item, kept in the transactions that change the owner set (a crate's
    // creation, owner changes, the removal of the crate), so that a user's crates are one query.

    /** The crates {@code login} owns: canonical name to the name as published. */
    Map<String, String> ownedCrates(String login);

    /**
     * Writes the ownership items of an existing crate's current owners (idempotent): for crates created before
     * ownership items existed; reindex calls it.
     */
    void recordOwnership(String canonicalName);

    // --- reverse dependencies: derived data, like the index files ----------------------------------------------------
    // Written after the publish commits (idempotent; a lost write is repaired by the publish retry or a reindex) and
    // never deleted: readers drop edges whose dependent version no longer exists.

    /**
     * Records each edge: that its dependent version depends on its crate. Any number of edges, of any versions (a
     * reindex records a crate's whole history in one call). When it throws, some edges may be recorded and others not;
     * recording them again is harmless.
     */
    void recordDependents(List<DependencyEdge> edges);

    /** Every recorded edge towards {@code dependencyCanonical}, in no particular order. */
    List<DependencyEdge> dependents(String dependencyCanonical);

    /**
     * One dependency of one version on a crate of this registry: {@code index} is its position in the version's index
     * line, {@code dependency} that entry of the line's {@code deps} (JSON).
     */
    record DependencyEdge(String dependencyCanonical, String dependentCanonical, String dependentVersionWithoutBuild,
                          long dependentSeq, int index, String dependency) {
    }

    // --- download counts (docs/downloads.md) ----------------------------------------------------------------------
    // Counted from the CDN's access logs by DownloadCounter. Kept apart from the crate's own items, so that counting
    // never races a publish or a yank on the crate's revision; left behind when a crate is removed (never read then).

    /**
     * The most counts one {@link #addDownloads} takes: each touches up to four items (version per day, version total,
     * crate per day, crate total), plus the marker: within DynamoDB's 100 items per transaction.
     */
    int MAX_DOWNLOAD_COUNTS_PER_CHUNK = 24;

    /**
     * Adds one chunk of a log file's counts, once: in one transaction with a marker for ({@code source}, {@code chunk})
     * kept until {@code keepMarkerUntil}. False, and nothing added, when that marker already exists.
     */
    boolean addDownloads(String source, int chunk, List<DownloadCount> counts, Instant keepMarkerUntil);

    /**
     * Records the crate's last-90-days downloads as counted at {@code countedAt} and hands the crate's counts (this and
     * its all-time total) to search's change feed ({@link SearchSource#changedSince}). Touches only the crate's download
     * items, never the crate's own (its revision and updated_at stay). An older {@code countedAt} than the one stored
     * changes nothing (two files counted at once).
     */
    void setRecentDownloads(String canonicalName, long recent, Instant countedAt);

    /** Which of {@code versions} exist (eventually consistent: a log names versions published minutes ago at least). */
    Set<VersionKey> existingVersions(Collection<VersionKey> versions);

    /** A version by its crate's canonical name and its version without build metadata. */
    record VersionKey(String canonicalName, String versionWithoutBuild) {
    }

    /** The crate's download total and its versions' (by version without build metadata); zeros when none. */
    DownloadTotals downloadTotals(String canonicalName);

    /** The crate's downloads per UTC day, for the days from {@code from} to {@code to} (inclusive) that have any. */
    Map<LocalDate, Long> dailyDownloads(String canonicalName, LocalDate from, LocalDate to);

    /** The downloads per version and UTC day, for the days from {@code from} to {@code to} (inclusive) that have any. */
    List<DownloadCount> versionDailyDownloads(String canonicalName, LocalDate from, LocalDate to);

    /** Downloads of one version on one UTC day. */
    record DownloadCount(String canonicalName, String versionWithoutBuild, LocalDate day, long count) {
    }

    /** {@code byVersion}: by version without build metadata; versions never downloaded are absent. */
    record DownloadTotals(long total, Map<String, Long> byVersion) {
    }

    /** {@code versionCount} only ever grows: it hands out publish sequence numbers (the summary counts what exists). */
    record CrateRecord(String canonicalName, String name, long revision, long versionCount, Set<String> owners,
                       Instant createdAt, Instant updatedAt, CrateSummary summary) {
    }

    /** One published version. {@code line} is the index line as published (unyanked); {@code yanked} is separate. */
    record VersionRecord(String canonicalName, String version, String versionWithoutBuild, long seq, String line,
                         boolean yanked, String cksum, long crateSize, String publishedBy, Instant publishedAt,
                         VersionDetails details) {
    }

    record PublishCommit(String canonicalName, String name, long expectedRevision, long expectedVersionCount,
                         String publisher, VersionRecord version, CrateSummary summary, Instant now) {
        public boolean newCrate() {
            return expectedRevision == 0;
        }
    }

    /** {@code byAdmin}: an administrator acting on a crate they do not own (no "actor is still an owner" condition). */
    record YankCommit(String canonicalName, String versionWithoutBuild, boolean yanked, long expectedRevision,
                      String actor, CrateSummary summary, Instant now, boolean byAdmin) {
        public YankCommit(String canonicalName, String versionWithoutBuild, boolean yanked, long expectedRevision,
                          String actor, CrateSummary summary, Instant now) {
            this(canonicalName, versionWithoutBuild, yanked, expectedRevision, actor, summary, now, false);
        }
    }

    /** {@code actor}: who changed the owners (recorded on the crate), or null when not known. */
    record OwnersCommit(String canonicalName, long expectedRevision, Set<String> owners, Instant now, String actor) {
        public OwnersCommit(String canonicalName, long expectedRevision, Set<String> owners, Instant now) {
            this(canonicalName, expectedRevision, owners, now, null);
        }
    }

    /** {@code summary} is null when the last version goes, and with it the crate. {@code version} is the full version. */
    record RemovalCommit(String canonicalName, String name, String version, String versionWithoutBuild,
                         long expectedRevision, CrateSummary summary, Instant now) {
        public boolean removesCrate() {
            return summary == null;
        }
    }

    /**
     * A version removed from the truth whose tarball, index line and CDN copies may still be out there: the removal's
     * to-do list, so that running the removal again or a reindex finishes it. While it exists the version cannot be
     * published again (its tarball is about to be deleted).
     */
    record PendingRemoval(String canonicalName, String name, String version, String versionWithoutBuild,
                          Instant removedAt) {
        /**
         * How long a finished removal still holds back a publish of its version: longer than a cleanup can run (the
         * admin function's 30 s timeout). Two cleanups of one removal may run at once (a removal run again after API
         * Gateway's 504 left the first one running): without the wait, the version published again once the second
         * finished could lose its tarball to the first.
         */
        public static final Duration SETTLE = Duration.ofMinutes(2);
    }

    /** {@code disabled}: an administrator disabled the user; every token of theirs is refused. */
    record UserRecord(long id, String login, String name, boolean admin, Instant createdAt, boolean disabled) {
        public UserRecord(long id, String login, String name, boolean admin, Instant createdAt) {
            this(id, login, name, admin, createdAt, false);
        }
    }

    /**
     * A token without its secret. {@code endpointScopes}/{@code crateScopes} null: unrestricted.
     * {@code expiresAt} null: never expires.
     */
    record TokenRecord(String sha256, long id, String login, String name, Instant createdAt, Instant lastUsedAt,
                       Instant expiresAt, Set<Scope> endpointScopes,
                       List<String> crateScopes, boolean revoked) {

        /** An unrestricted, never-expiring token (bootstrap, tests). */
        public static TokenRecord unrestricted(String sha256, String login, String name, Instant createdAt) {
            return new TokenRecord(sha256, 0, login, name, createdAt, null, null, null, null, false);
        }
    }

    /**
     * The commit lost a race: the version now exists, a removal of the version is still being cleaned up, or the crate
     * changed since it was read.
     */
    final class CommitConflict extends Exception {
        private final boolean versionTaken;
        private final boolean removalPending;

        public CommitConflict(boolean versionTaken, String message) {
            this(versionTaken, false, message);
        }

        private CommitConflict(boolean versionTaken, boolean removalPending, String message) {
            super(message, null, false, false);
            this.versionTaken = versionTaken;
            this.removalPending = removalPending;
        }

        /** A publish of a version whose removal has not finished its cleanup (see {@link PendingRemoval}). */
        public static CommitConflict removalPending(String message) {
            return new CommitConflict(false, true, message);
        }

        public boolean versionTaken() {
            return versionTaken;
        }

        public boolean removalPending() {
            return removalPending;
        }
    }

    // --- mirror policy (issue 12): deny/allow rules, reserved name patterns, names allowed for private publishing ----

    /** Every stored entry of the mirror's policy, strongly consistent, in no particular order. */
    List<MirrorPolicyEntry> mirrorPolicy();

    /** Creates or replaces the entry ({@code kind}, {@code key}), with {@code audit} in the same transaction. */
    void putMirrorPolicy(MirrorPolicyEntry entry, AuditRecord audit);

    /** Deletes the entry with {@code audit} in the same transaction; false (and no record) when there is none. */
    boolean deleteMirrorPolicy(String kind, String key, AuditRecord audit);

    /**
     * One entry of the mirror's policy. {@code kind}: {@code rule} (key: its id; effect, crate pattern, versions),
     * {@code reserved} or {@code allowed} (key: the canonical name pattern; effect, crate and versions null).
     */
    record MirrorPolicyEntry(String kind, String key, String effect, String crate, String versions, String reason,
                             String updatedBy, Instant updatedAt) {
        public static final String RULE = "rule";
        public static final String RESERVED = "reserved";
        public static final String ALLOWED = "allowed";
    }
}
