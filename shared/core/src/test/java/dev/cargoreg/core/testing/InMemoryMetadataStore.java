package dev.cargoreg.core.testing;

import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.port.MetadataStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A MetadataStore with the transactional semantics the DynamoDB one promises for its commits. */
public final class InMemoryMetadataStore implements MetadataStore {
    private final Map<String, CrateRecord> crates = new HashMap<>();
    private final Map<String, Map<String, VersionRecord>> versions = new HashMap<>();
    private final Map<String, TokenRecord> tokens = new HashMap<>();
    private final Map<String, UserRecord> users = new HashMap<>();
    private final List<PublishCommit> commits = new ArrayList<>();
    private long nextUserId = 1;
    /** Runs once, right before the next publish commit is applied (to simulate a concurrent request). */
    private Consumer<PublishCommit> beforeNextCommit;

    public synchronized void beforeNextCommit(Consumer<PublishCommit> hook) {
        this.beforeNextCommit = hook;
    }

    /** Registers a user with a token and returns the secret to send. */
    public synchronized String addUserWithToken(String login, String secret) {
        users.put(login, new UserRecord(nextUserId++, login, login, false, Instant.EPOCH));
        tokens.put(Tokens.sha256Hex(secret), new TokenRecord(Tokens.sha256Hex(secret), login, "test", Instant.EPOCH));
        return secret;
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

    public synchronized List<PublishCommit> commits() {
        return List.copyOf(commits);
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
    public void commitPublish(PublishCommit commit) throws CommitConflict {
        Consumer<PublishCommit> hook;
        synchronized (this) {
            hook = beforeNextCommit;
            beforeNextCommit = null;
        }
        if (hook != null) {
            hook.accept(commit);
        }
        synchronized (this) {
            Map<String, VersionRecord> vs = versions.computeIfAbsent(commit.canonicalName(), k -> new LinkedHashMap<>());
            if (vs.containsKey(commit.version().versionWithoutBuild())) {
                throw new CommitConflict(true, "version exists");
            }
            CrateRecord cur = crates.get(commit.canonicalName());
            CrateRecord next;
            if (commit.newCrate()) {
                if (cur != null) {
                    throw new CommitConflict(false, "crate was created concurrently");
                }
                next = new CrateRecord(commit.canonicalName(), commit.name(), 1, 1, Set.of(commit.publisher()),
                        commit.now(), commit.now(), commit.summary());
            } else {
                if (cur == null || cur.revision() != commit.expectedRevision()
                        || cur.versionCount() != commit.expectedVersionCount()
                        || !cur.owners().contains(commit.publisher())) {
                    throw new CommitConflict(false, "crate changed");
                }
                next = new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1, cur.versionCount() + 1,
                        cur.owners(), cur.createdAt(), commit.now(), commit.summary());
            }
            crates.put(commit.canonicalName(), next);
            vs.put(commit.version().versionWithoutBuild(), commit.version());
            commits.add(commit);
        }
    }

    @Override
    public synchronized void commitYank(YankCommit commit) throws CommitConflict {
        CrateRecord cur = requireRevision(commit.canonicalName(), commit.expectedRevision());
        VersionRecord v = versions.get(commit.canonicalName()).get(commit.versionWithoutBuild());
        if (v == null) {
            throw new CommitConflict(false, "no such version");
        }
        versions.get(commit.canonicalName()).put(commit.versionWithoutBuild(), withYanked(v, commit.yanked()));
        crates.put(cur.canonicalName(), new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1,
                cur.versionCount(), cur.owners(), cur.createdAt(), commit.now(), commit.summary()));
    }

    @Override
    public synchronized void commitOwners(OwnersCommit commit) throws CommitConflict {
        CrateRecord cur = requireRevision(commit.canonicalName(), commit.expectedRevision());
        crates.put(cur.canonicalName(), new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1,
                cur.versionCount(), Set.copyOf(commit.owners()), cur.createdAt(), commit.now(), cur.summary()));
    }

    @Override
    public synchronized void commitRemoval(RemovalCommit commit) throws CommitConflict {
        CrateRecord cur = requireRevision(commit.canonicalName(), commit.expectedRevision());
        Map<String, VersionRecord> vs = versions.get(commit.canonicalName());
        if (vs == null || vs.remove(commit.versionWithoutBuild()) == null) {
            throw new CommitConflict(false, "no such version");
        }
        if (commit.removesCrate()) {
            crates.remove(commit.canonicalName());
            versions.remove(commit.canonicalName());
        } else {
            crates.put(cur.canonicalName(), new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1,
                    cur.versionCount() - 1, cur.owners(), cur.createdAt(), commit.now(), commit.summary()));
        }
    }

    private CrateRecord requireRevision(String canonical, long expectedRevision) throws CommitConflict {
        CrateRecord cur = crates.get(canonical);
        if (cur == null || cur.revision() != expectedRevision) {
            throw new CommitConflict(false, "crate changed");
        }
        return cur;
    }

    @Override
    public synchronized Optional<TokenRecord> findToken(String tokenSha256) {
        return Optional.ofNullable(tokens.get(tokenSha256));
    }

    @Override
    public synchronized Optional<UserRecord> createUser(String login, String name, boolean admin, Instant now) {
        if (users.containsKey(login)) {
            return Optional.empty();
        }
        UserRecord u = new UserRecord(nextUserId++, login, name, admin, now);
        users.put(login, u);
        return Optional.of(u);
    }

    @Override
    public synchronized void putUser(UserRecord user) {
        users.put(user.login(), user);
        nextUserId = Math.max(nextUserId, user.id() + 1);
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
    public synchronized void putToken(TokenRecord token) {
        tokens.put(token.sha256(), token);
    }
}
