package dev.cargoreg.core.testing;

import dev.cargoreg.core.audit.AuditPage;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A MetadataStore with the semantics the DynamoDB one has: every commit is all-or-nothing and conditional on the
 * crate's revision (a yank also on the actor still owning the crate), versions are keyed by the version without
 * build metadata, the crate's version counter only grows (it numbers versions, removal does not reuse numbers),
 * a removed crate leaves a tombstone for search that keeps its last revision (a crate created again under the name
 * continues from it), a removal leaves a pending-cleanup record until {@link #finishRemoval} (and no publish of that
 * version commits meanwhile), tokens have a lookup item (by hash) and a user's list entry
 * (by id), sequences hand out 1, 2, 3, …, and a one-time step can be claimed once
 */
public final class InMemoryMetadataStore implements MetadataStore {
    private final Map<String, CrateRecord> crates = new HashMap<>();
    private final Map<String, Map<String, VersionRecord>> versions = new HashMap<>();
    /** Lookup items: hash → token. */
    private final Map<String, TokenRecord> tokens = new HashMap<>();
    /** The users' list entries: login → token id → hash. */
    private final Map<String, Map<Long, String>> userTokens = new HashMap<>();
    private final Map<String, UserRecord> users = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    /** One-time steps that happened: step → when. */
    private final Map<String, Instant> claims = new HashMap<>();
    /** Removed crates for search's change feed: canonical → entry. */
    private final Map<String, SearchSource.Entry> tombstones = new HashMap<>();
    /** The last revision of each removed crate (the DynamoDB tombstone's `rev`): canonical → revision. */
    private final Map<String, Long> removedRevisions = new HashMap<>();
    /** Removals whose cleanup has not finished: canonical → version without build → record. */
    private final Map<String, Map<String, PendingRemoval>> pending = new HashMap<>();
    private final List<PublishCommit> commits = new ArrayList<>();
    private final List<AuditRecord> auditTrail = new ArrayList<>();
    private final Map<String, Map<String, DependencyEdge>> dependents = new HashMap<>();
    private final List<Object> changes = new ArrayList<>();
    private final Map<String, MirrorPolicyEntry> mirrorPolicy = new HashMap<>();
    private int touches;
    private boolean failTouches;
    /** Runs once, right before the next publish commit is applied (to simulate a concurrent request). */
    private Consumer<PublishCommit> beforeNextCommit;
    /** Runs once, right before the next yank, owners or removal commit is applied. */
    private Runnable beforeNextChange;

    public synchronized void beforeNextCommit(Consumer<PublishCommit> hook) {
        this.beforeNextCommit = hook;
    }

    /** Runs {@code hook} right before the next yank, owners or removal commit (a concurrent request). */
    public synchronized void beforeNextChange(Runnable hook) {
        this.beforeNextChange = hook;
    }

    /** Makes {@link #touchToken} throw, as a throttled table would. */
    public synchronized void failTouches(boolean fail) {
        this.failTouches = fail;
    }

    /** How many times {@link #touchToken} was called. */
    public synchronized int touches() {
        return touches;
    }

    /** Registers a (non-admin) user with an unrestricted, never-expiring token and returns the secret to send. */
    public synchronized String addUserWithToken(String login, String secret) {
        return addUserWithToken(login, secret, false);
    }

    /** Registers a user with an unrestricted, never-expiring token and returns the secret to send. */
    public synchronized String addUserWithToken(String login, String secret, boolean admin) {
        if (!users.containsKey(login)) {
            createUser(login, login, admin, Instant.EPOCH, null);
        }
        putToken(TokenRecord.unrestricted(Tokens.sha256Hex(secret), login, "test", Instant.EPOCH));
        return secret;
    }

    /** Registers a scoped token (with an id and a list entry, as the token API creates them) and returns the secret. */
    public synchronized String addToken(String login, String secret, Set<Scope> endpointScopes, List<String> crateScopes,
                                        Instant expiresAt) {
        if (!createToken(new TokenRecord(Tokens.sha256Hex(secret), nextId("tokens"), login, "scoped", Instant.EPOCH, null,
                expiresAt, endpointScopes, crateScopes, false), null)) {
            throw new IllegalStateException("no user " + login + " (or disabled): create the user first");
        }
        return secret;
    }

    /** Forgets a user but not their tokens (a deletion interrupted after the user item went). */
    public synchronized void forgetUser(String login) {
        users.remove(login);
    }

    /** Marks a stored version yanked and bumps the crate's revision, as a yank commit does. */
    public synchronized void yank(String canonical, String withoutBuild) {
        VersionRecord v = versions.get(canonical).get(withoutBuild);
        versions.get(canonical).put(withoutBuild, withYanked(v, true));
        bump(canonical, crates.get(canonical).owners());
    }

    /** Replaces a crate's owners (bumping its revision, as the real store does for any change). */
    public synchronized void setOwners(String canonical, Set<String> owners) {
        bump(canonical, Set.copyOf(owners));
    }

    /** Adds an owner to an existing crate. */
    public synchronized void addOwner(String canonical, String login) {
        Set<String> owners = new LinkedHashSet<>(crates.get(canonical).owners());
        owners.add(login);
        bump(canonical, Set.copyOf(owners));
    }

    /** Every publish commit that was applied, in order. */
    public synchronized List<PublishCommit> commits() {
        return List.copyOf(commits);
    }

    /** Every yank, owners and removal commit that was applied, in order. */
    public synchronized List<Object> changes() {
        return List.copyOf(changes);
    }

    /** What the DynamoDB search index holds: every crate's summary, and a tombstone per removed crate. */
    public synchronized List<SearchSource.Entry> searchEntries() {
        List<SearchSource.Entry> out = new ArrayList<>(tombstones.values());
        for (CrateRecord c : crates.values()) {
            out.add(new SearchSource.Entry(c.canonicalName(), c.name(), c.summary(), c.createdAt(), c.updatedAt(), false));
        }
        // as the DynamoDB store's DL#…/TOTAL item: in the feed once counted, with its total and last 90-day sum
        recentDownloads.forEach((canonical, recent) -> out.add(SearchSource.Entry.counts(canonical,
                new SearchSource.Downloads(downloadTotals(canonical).total(), recent.getKey()), recent.getValue())));
        return out;
    }

    /** Everything stored, as immutable values that compare with equals (to check that a refusal changed nothing). */
    public synchronized Snapshot snapshot() {
        Map<String, Map<String, VersionRecord>> vs = new TreeMap<>();
        versions.forEach((k, v) -> vs.put(k, Map.copyOf(v)));
        Map<String, Map<Long, String>> ut = new TreeMap<>();
        userTokens.forEach((k, v) -> ut.put(k, Map.copyOf(v)));
        Map<String, Map<String, PendingRemoval>> pr = new TreeMap<>();
        pending.forEach((k, v) -> pr.put(k, Map.copyOf(v)));
        return new Snapshot(Map.copyOf(crates), Map.copyOf(vs), Map.copyOf(tokens), Map.copyOf(ut), Map.copyOf(users),
                Map.copyOf(sequences), Map.copyOf(tombstones), Map.copyOf(claims), Map.copyOf(pr));
    }

    public record Snapshot(Map<String, CrateRecord> crates, Map<String, Map<String, VersionRecord>> versions,
                           Map<String, TokenRecord> tokens, Map<String, Map<Long, String>> userTokens,
                           Map<String, UserRecord> users, Map<String, Long> sequences,
                           Map<String, SearchSource.Entry> tombstones, Map<String, Instant> claims,
                           Map<String, Map<String, PendingRemoval>> pendingRemovals) {
    }

    private void bump(String canonical, Set<String> owners) {
        CrateRecord c = crates.get(canonical);
        crates.put(canonical, new CrateRecord(c.canonicalName(), c.name(), c.revision() + 1, c.versionCount(), owners,
                c.createdAt(), c.updatedAt(), c.summary()));
    }

    private static VersionRecord withYanked(VersionRecord v, boolean yanked) {
        return new VersionRecord(v.canonicalName(), v.version(), v.versionWithoutBuild(), v.seq(), v.line(), yanked,
                v.cksum(), v.crateSize(), v.publishedBy(), v.publishedAt(), v.details());
    }

    private static TokenRecord withUse(TokenRecord t, Instant lastUsed, boolean revoked) {
        return new TokenRecord(t.sha256(), t.id(), t.login(), t.name(), t.createdAt(), lastUsed, t.expiresAt(),
                t.endpointScopes(), t.crateScopes(), revoked);
    }

    // ---- crates and versions --------------------------------------------------------------------------------------

    @Override
    public synchronized Optional<CrateRecord> findCrate(String canonicalName) {
        return Optional.ofNullable(crates.get(canonicalName));
    }

    @Override
    public synchronized Optional<VersionRecord> findVersion(String canonicalName, String versionWithoutBuild) {
        return Optional.ofNullable(versions.getOrDefault(canonicalName, Map.of()).get(versionWithoutBuild));
    }

    @Override
    public synchronized List<VersionRecord> listVersions(String canonicalName) {
        List<VersionRecord> all = new ArrayList<>(versions.getOrDefault(canonicalName, Map.of()).values());
        // "in no particular order": hand them out reversed so callers cannot rely on insertion order
        Collections.reverse(all);
        return all;
    }

    @Override
    public void commitPublish(PublishCommit commit, AuditRecord audit) throws CommitConflict {
        Consumer<PublishCommit> hook;
        synchronized (this) {
            hook = beforeNextCommit;
            beforeNextCommit = null;
        }
        if (hook != null) {
            hook.accept(commit);
        }
        synchronized (this) {
            Map<String, VersionRecord> vs = versions.getOrDefault(commit.canonicalName(), Map.of());
            if (vs.containsKey(commit.version().versionWithoutBuild())) {
                throw new CommitConflict(true, "version exists");
            }
            if (pending.getOrDefault(commit.canonicalName(), Map.of()).containsKey(commit.version().versionWithoutBuild())) {
                throw CommitConflict.removalPending("a removal of this version is being cleaned up");
            }
            Instant finished = finishedRemovals.get(commit.canonicalName() + "@" + commit.version().versionWithoutBuild());
            if (finished != null && !finished.isBefore(commit.now().minus(PendingRemoval.SETTLE))) {
                throw CommitConflict.removalPending("a removal of this version finished moments ago");
            }
            CrateRecord cur = crates.get(commit.canonicalName());
            CrateRecord next;
            if (commit.newCrate()) {
                if (cur != null) {
                    throw new CommitConflict(false, "crate was created concurrently");
                }
                // revisions never go backwards for a name: a crate created again continues the removed one's
                long base = removedRevisions.getOrDefault(commit.canonicalName(), 0L);
                next = new CrateRecord(commit.canonicalName(), commit.name(), base + 1, 1, Set.of(commit.publisher()),
                        commit.now(), commit.now(), commit.summary());
            } else {
                if (cur == null || cur.revision() != commit.expectedRevision()
                        || !cur.owners().contains(commit.publisher())) {
                    throw new CommitConflict(false, "crate changed");
                }
                next = new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1, cur.versionCount() + 1,
                        cur.owners(), cur.createdAt(), commit.now(), commit.summary());
            }
            crates.put(commit.canonicalName(), next);
            versions.computeIfAbsent(commit.canonicalName(), k -> new LinkedHashMap<>())
                    .put(commit.version().versionWithoutBuild(), commit.version());
            commits.add(commit);
            audit(audit);
        }
    }

    @Override
    public synchronized void recordDependents(List<DependencyEdge> edges) {
        for (DependencyEdge e : edges) {
            dependents.computeIfAbsent(e.dependencyCanonical(), k -> new TreeMap<>())
                    .put(e.dependentCanonical() + "#" + e.dependentVersionWithoutBuild() + "#" + e.index(), e);
        }
    }

    @Override
    public synchronized List<DependencyEdge> dependents(String dependencyCanonical) {
        return List.copyOf(dependents.getOrDefault(dependencyCanonical, Map.of()).values());
    }

    /** Derived from the owner sets, which is what the DynamoDB store's ownership items must agree with. */
    @Override
    public synchronized Map<String, String> ownedCrates(String login) {
        Map<String, String> out = new TreeMap<>();
        crates.values().stream().filter(c -> c.owners().contains(login)).forEach(c -> out.put(c.canonicalName(), c.name()));
        return out;
    }

    @Override
    public synchronized void recordOwnership(String canonicalName) {
        // nothing to record: ownedCrates reads the owner sets
    }

    /** Appended under the same lock as the change it records: both or neither. */
    private void audit(AuditRecord audit) {
        if (audit != null) {
            auditTrail.add(audit);
        }
    }

    @Override
    public synchronized AuditPage auditTrail(AuditQuery q) {
        List<AuditRecord> all = new ArrayList<>(auditTrail);
        all.sort(Comparator.comparing(AuditRecord::sortKey).reversed());
        List<AuditRecord> out = new ArrayList<>();
        for (AuditRecord r : all) {
            if ((q.cursor() != null && r.sortKey().compareTo(q.cursor()) >= 0)
                    || (q.crateCanonical() != null && (r.crate() == null || !CrateName.canonical(r.crate()).equals(q.crateCanonical())))
                    || (q.version() != null && !q.version().equals(r.version()))
                    || (q.actor() != null && !q.actor().equals(r.actor()))
                    || (q.action() != null && !q.action().equals(r.action()))
                    || (q.since() != null && r.at().isBefore(q.since()))) {
                continue;
            }
            if (out.size() == q.limit()) {
                return new AuditPage(out, out.get(out.size() - 1).sortKey());
            }
            out.add(r);
        }
        return new AuditPage(out, null);
    }

    private void runChangeHook() {
        Runnable hook;
        synchronized (this) {
            hook = beforeNextChange;
            beforeNextChange = null;
        }
        if (hook != null) {
            hook.run();
        }
    }

    @Override
    public void commitYank(YankCommit commit, AuditRecord audit) throws CommitConflict {
        runChangeHook();
        synchronized (this) {
            CrateRecord cur = requireRevision(commit.canonicalName(), commit.expectedRevision());
            if (!commit.byAdmin() && !cur.owners().contains(commit.actor())) {
                throw new CommitConflict(false, "the actor is no longer an owner");
            }
            VersionRecord v = versions.getOrDefault(commit.canonicalName(), Map.of()).get(commit.versionWithoutBuild());
            if (v == null) {
                throw new CommitConflict(false, "no such version");
            }
            versions.get(commit.canonicalName()).put(commit.versionWithoutBuild(), withYanked(v, commit.yanked()));
            crates.put(cur.canonicalName(), new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1,
                    cur.versionCount(), cur.owners(), cur.createdAt(), commit.now(), commit.summary()));
            changes.add(commit);
            audit(audit);
        }
    }

    @Override
    public void commitOwners(OwnersCommit commit, AuditRecord audit) throws CommitConflict {
        runChangeHook();
        synchronized (this) {
            CrateRecord cur = requireRevision(commit.canonicalName(), commit.expectedRevision());
            // as in DynamoDB: the revision and the owner set change, the search timestamp does not
            crates.put(cur.canonicalName(), new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1,
                    cur.versionCount(), Set.copyOf(commit.owners()), cur.createdAt(), cur.updatedAt(), cur.summary()));
            changes.add(commit);
            audit(audit);
        }
    }

    @Override
    public void commitRemoval(RemovalCommit commit, AuditRecord audit) throws CommitConflict {
        runChangeHook();
        synchronized (this) {
            CrateRecord cur = requireRevision(commit.canonicalName(), commit.expectedRevision());
            Map<String, VersionRecord> vs = versions.get(commit.canonicalName());
            if (vs == null || !vs.containsKey(commit.versionWithoutBuild())) {
                throw new CommitConflict(false, "no such version");
            }
            vs.remove(commit.versionWithoutBuild());
            pending.computeIfAbsent(commit.canonicalName(), k -> new TreeMap<>()).put(commit.versionWithoutBuild(),
                    new PendingRemoval(commit.canonicalName(), commit.name(), commit.version(),
                            commit.versionWithoutBuild(), commit.now()));
            if (commit.removesCrate()) {
                removedRevisions.put(commit.canonicalName(), cur.revision() + 1);
                crates.remove(commit.canonicalName());
                if (vs.isEmpty()) {
                    versions.remove(commit.canonicalName());
                }
                tombstones.put(commit.canonicalName(), new SearchSource.Entry(commit.canonicalName(), commit.name(), null,
                        null, commit.now(), true));
            } else {
                // the version counter numbers versions: it does not go down, so a later publish never reuses a seq
                crates.put(cur.canonicalName(), new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1,
                        cur.versionCount(), cur.owners(), cur.createdAt(), commit.now(), commit.summary()));
            }
            changes.add(commit);
            audit(audit);
        }
    }

    /** canonical@versionWithoutBuild: when its removal finished (DynamoDB keeps the record, finished, for a day). */
    private final Map<String, Instant> finishedRemovals = new HashMap<>();

    @Override
    public synchronized List<PendingRemoval> pendingRemovals(String canonicalName) {
        return List.copyOf(pending.getOrDefault(canonicalName, Map.of()).values());
    }

    @Override
    public synchronized void finishRemoval(String canonicalName, String versionWithoutBuild, Instant now) {
        Map<String, PendingRemoval> p = pending.get(canonicalName);
        if (p != null && p.containsKey(versionWithoutBuild)) {
            finishedRemovals.put(canonicalName + "@" + versionWithoutBuild, now);
            p.remove(versionWithoutBuild);
            if (p.isEmpty()) {
                pending.remove(canonicalName);
            }
        }
    }

    private CrateRecord requireRevision(String canonical, long expectedRevision) throws CommitConflict {
        CrateRecord cur = crates.get(canonical);
        if (cur == null || cur.revision() != expectedRevision) {
            throw new CommitConflict(false, "crate changed");
        }
        return cur;
    }

    // ---- tokens -----------------------------------------------------------------------------------------------------

    @Override
    public synchronized Optional<TokenRecord> findToken(String tokenSha256) {
        return Optional.ofNullable(tokens.get(tokenSha256));
    }

    @Override
    public synchronized boolean createToken(TokenRecord token, AuditRecord audit) {
        UserRecord user = users.get(token.login());
        if (user == null || user.disabled()) {
            // the user item's condition check: no token for a user deleted or disabled meanwhile
            return false;
        }
        Map<Long, String> list = userTokens.computeIfAbsent(token.login(), k -> new TreeMap<>());
        if (tokens.containsKey(token.sha256()) || list.containsKey(token.id())) {
            // both items are written with attribute_not_exists: the transaction fails as a whole
            throw new IllegalStateException("token exists: transaction cancelled");
        }
        tokens.put(token.sha256(), token);
        list.put(token.id(), token.sha256());
        audit(audit);
        return true;
    }

    @Override
    public synchronized List<TokenRecord> listTokens(String login) {
        List<TokenRecord> out = new ArrayList<>();
        for (String sha : userTokens.getOrDefault(login, Map.of()).values()) {
            TokenRecord t = tokens.get(sha);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public synchronized boolean revokeToken(String login, long tokenId, Instant now, AuditRecord audit) {
        String sha = userTokens.getOrDefault(login, Map.of()).get(tokenId);
        if (sha == null) {
            return false;
        }
        TokenRecord t = tokens.get(sha);
        if (t != null) {
            tokens.put(sha, withUse(t, t.lastUsedAt(), true));
        }
        audit(audit);
        return true;
    }

    @Override
    public synchronized void touchToken(String tokenSha256, Instant now) {
        touches++;
        if (failTouches) {
            throw new IllegalStateException("simulated throttling");
        }
        TokenRecord t = tokens.get(tokenSha256);
        if (t != null) {
            tokens.put(tokenSha256, withUse(t, now, t.revoked()));
        }
    }

    @Override
    public synchronized boolean claimOnce(String step, Instant now) {
        return claims.putIfAbsent(step, now) == null;
    }

    @Override
    public synchronized long nextId(String sequence) {
        return sequences.merge(sequence, 1L, Long::sum);
    }

    /** A token's lookup entry only, as registries before TokenMint stored the local admin token (id 0, no list entry). */
    public synchronized void putToken(TokenRecord token) {
        tokens.put(token.sha256(), token);
    }

    // ---- users ------------------------------------------------------------------------------------------------------

    @Override
    public synchronized Optional<UserRecord> createUser(String login, String name, boolean admin, Instant now,
                                                       AuditRecord audit) {
        if (users.containsKey(login) || users.keySet().stream().anyMatch(l -> l.equalsIgnoreCase(login))) {
            return Optional.empty();
        }
        // as in DynamoDB: one counter, ids from 1001 (cargo reads owner ids as u32)
        UserRecord u = new UserRecord(nextId("users") + 1000, login, name == null || name.isBlank() ? login : name,
                admin, now);
        users.put(login, u);
        audit(audit);
        return Optional.of(u);
    }

    @Override
    public synchronized Optional<UserRecord> findUser(String login) {
        return Optional.ofNullable(users.get(login));
    }

    @Override
    public synchronized Map<String, UserRecord> findUsers(Collection<String> logins) {
        Map<String, UserRecord> out = new LinkedHashMap<>();
        for (String l : logins) {
            if (users.containsKey(l)) {
                out.put(l, users.get(l));
            }
        }
        return out;
    }

    @Override
    public synchronized List<UserRecord> listUsers() {
        return List.copyOf(users.values());
    }

    @Override
    public synchronized boolean setUserDisabled(String login, boolean disabled, Instant now, AuditRecord audit) {
        UserRecord u = users.get(login);
        if (u == null) {
            return false;
        }
        users.put(login, new UserRecord(u.id(), u.login(), u.name(), u.admin(), u.createdAt(), disabled));
        audit(audit);
        return true;
    }

    @Override
    public synchronized boolean deleteUser(String login, AuditRecord audit) {
        if (users.remove(login) == null) {
            return false;
        }
        audit(audit);
        Map<Long, String> list = userTokens.remove(login);
        if (list != null) {
            list.values().forEach(tokens::remove);
        }
        return true;
    }

    // ---- trusted publishing -------------------------------------------------------------------------------------------

    private final Map<Long, TrustConfig> trustConfigs = new TreeMap<>();
    private final Map<String, Instant> usedJtis = new HashMap<>();
    private final Map<Long, Provenance> provenances = new HashMap<>();

    @Override
    public synchronized void createTrustConfig(TrustConfig config, AuditRecord audit) {
        if (trustConfigs.putIfAbsent(config.id(), config) != null) {
            throw new IllegalStateException("trust config exists");
        }
        audit(audit);
    }

    @Override
    public synchronized Optional<TrustConfig> findTrustConfig(long id) {
        return Optional.ofNullable(trustConfigs.get(id));
    }

    @Override
    public synchronized List<TrustConfig> trustConfigsOfCrate(String canonicalName) {
        return trustConfigs.values().stream().filter(c -> c.canonicalName().equals(canonicalName)).toList();
    }

    @Override
    public synchronized List<TrustConfig> trustConfigsOfRepository(String provider, String repositoryKey) {
        return trustConfigs.values().stream()
                .filter(c -> c.provider().equals(provider) && c.repositoryKey().equals(repositoryKey)).toList();
    }

    @Override
    public synchronized boolean deleteTrustConfig(long id, AuditRecord audit) {
        if (trustConfigs.remove(id) == null) {
            return false;
        }
        audit(audit);
        return true;
    }

    @Override
    public synchronized void pinTrustConfigOwnerId(long id, String ownerId) {
        TrustConfig c = trustConfigs.get(id);
        if (c != null && c.ownerId() == null) {
            trustConfigs.put(id, new TrustConfig(c.id(), c.provider(), c.canonicalName(), c.crateName(), c.owner(), ownerId,
                    c.repository(), c.workflow(), c.environment(), c.createdBy(), c.createdAt()));
        }
    }

    @Override
    public synchronized boolean claimJti(String issuer, String jti, Instant expiresAt) {
        return usedJtis.putIfAbsent(issuer + "#" + jti, expiresAt) == null;
    }

    @Override
    public synchronized void putTokenProvenance(long tokenId, Provenance provenance, Instant expiresAt) {
        provenances.put(tokenId, provenance);
    }

    @Override
    public synchronized Optional<Provenance> tokenProvenance(long tokenId) {
        return Optional.ofNullable(provenances.get(tokenId));
    }

    // --- download counts ----------------------------------------------------------------------------------------------
    /** Chunks applied: "source#chunk". */
    private final Set<String> downloadMarkers = new HashSet<>();
    /** canonical → version without build → day → count. */
    private final Map<String, Map<String, Map<LocalDate, Long>>> downloads = new HashMap<>();

    /** canonical → (90-day sum, counted at), as {@link #setRecentDownloads} stored it. */
    private final Map<String, Map.Entry<Long, Instant>> recentDownloads = new HashMap<>();

    /** Chunk number whose next {@link #addDownloads} throws, as a crash mid-file would stop the run; -1: none. */
    private int failDownloadChunk = -1;

    /** Makes the next {@link #addDownloads} of chunk {@code chunk} throw (once), adding nothing. */
    public synchronized void failDownloadChunk(int chunk) {
        this.failDownloadChunk = chunk;
    }

    @Override
    public synchronized boolean addDownloads(String source, int chunk, List<DownloadCount> counts, Instant keepMarkerUntil) {
        if (chunk == failDownloadChunk) {
            failDownloadChunk = -1;
            throw new IllegalStateException("the process stopped while adding chunk " + chunk);
        }
        if (!downloadMarkers.add(source + "#" + chunk)) {
            return false;
        }
        for (DownloadCount c : counts) {
            downloads.computeIfAbsent(c.canonicalName(), k -> new HashMap<>())
                    .computeIfAbsent(c.versionWithoutBuild(), k -> new HashMap<>()).merge(c.day(), c.count(), Long::sum);
        }
        return true;
    }

    @Override
    public synchronized void setRecentDownloads(String canonicalName, long recent, Instant countedAt) {
        Map.Entry<Long, Instant> had = recentDownloads.get(canonicalName);
        if (had == null || !countedAt.isBefore(had.getValue())) {
            recentDownloads.put(canonicalName, Map.entry(recent, countedAt));
        }
    }

    @Override
    public synchronized Set<VersionKey> existingVersions(Collection<VersionKey> keys) {
        Set<VersionKey> out = new HashSet<>();
        for (VersionKey k : keys) {
            if (versions.getOrDefault(k.canonicalName(), Map.of()).containsKey(k.versionWithoutBuild())) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public synchronized DownloadTotals downloadTotals(String canonicalName) {
        Map<String, Long> byVersion = new HashMap<>();
        long total = 0;
        for (var e : downloads.getOrDefault(canonicalName, Map.of()).entrySet()) {
            long n = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            byVersion.put(e.getKey(), n);
            total += n;
        }
        return new DownloadTotals(total, byVersion);
    }

    @Override
    public synchronized Map<LocalDate, Long> dailyDownloads(String canonicalName, LocalDate from, LocalDate to) {
        Map<LocalDate, Long> out = new TreeMap<>();
        for (DownloadCount c : versionDailyDownloads(canonicalName, from, to)) {
            out.merge(c.day(), c.count(), Long::sum);
        }
        return out;
    }

    @Override
    public synchronized List<DownloadCount> versionDailyDownloads(String canonicalName, LocalDate from, LocalDate to) {
        List<DownloadCount> out = new ArrayList<>();
        downloads.getOrDefault(canonicalName, Map.of()).forEach((version, days) -> days.forEach((day, n) -> {
            if (!day.isBefore(from) && !day.isAfter(to)) {
                out.add(new DownloadCount(canonicalName, version, day, n));
            }
        }));
        return out;
    }
    // --- mirror policy ------------------------------------------------------------------------------------------------

    @Override
    public synchronized List<MirrorPolicyEntry> mirrorPolicy() {
        return List.copyOf(mirrorPolicy.values());
    }

    @Override
    public synchronized void putMirrorPolicy(MirrorPolicyEntry entry, AuditRecord audit) {
        mirrorPolicy.put(entry.kind() + "#" + entry.key(), entry);
        audit(audit);
    }

    @Override
    public synchronized boolean deleteMirrorPolicy(String kind, String key, AuditRecord audit) {
        if (mirrorPolicy.remove(kind + "#" + key) == null) {
            return false;
        }
        audit(audit);
        return true;
    }
}
