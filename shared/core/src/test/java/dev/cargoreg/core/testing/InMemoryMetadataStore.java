package dev.cargoreg.core.testing;

import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.port.MetadataStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A MetadataStore with the transactional semantics the DynamoDB one promises for commitPublish. */
public final class InMemoryMetadataStore implements MetadataStore {
    private final Map<String, CrateRecord> crates = new HashMap<>();
    private final Map<String, Map<String, VersionRecord>> versions = new HashMap<>();
    private final Map<String, TokenRecord> tokens = new HashMap<>();
    private final Map<String, UserRecord> users = new HashMap<>();
    private final List<PublishCommit> commits = new ArrayList<>();
    /** Runs once, right before the next commit is applied (to simulate a concurrent request). */
    private Consumer<PublishCommit> beforeNextCommit;

    public synchronized void beforeNextCommit(Consumer<PublishCommit> hook) {
        this.beforeNextCommit = hook;
    }

    /** Registers a user with a token and returns the secret to send. */
    public synchronized String addUserWithToken(String login, String secret) {
        users.put(login, new UserRecord(login, login, false, Instant.EPOCH));
        tokens.put(Tokens.sha256Hex(secret), new TokenRecord(Tokens.sha256Hex(secret), login, "test", Instant.EPOCH));
        return secret;
    }

    /** Marks a stored version yanked. */
    public synchronized void yank(String canonical, String withoutBuild) {
        VersionRecord v = versions.get(canonical).get(withoutBuild);
        versions.get(canonical).put(withoutBuild, new VersionRecord(v.canonicalName(), v.version(), v.versionWithoutBuild(),
                v.seq(), v.line(), true, v.cksum(), v.crateSize(), v.publishedBy(), v.publishedAt(), v.details()));
        CrateRecord c = crates.get(canonical);
        crates.put(canonical, new CrateRecord(c.canonicalName(), c.name(), c.revision() + 1, c.versionCount(), c.owners(),
                c.createdAt(), c.updatedAt()));
    }

    /** Bumps a crate's revision, as an owner change or a yank would. */
    public synchronized void touch(String canonical) {
        CrateRecord c = crates.get(canonical);
        crates.put(canonical, new CrateRecord(c.canonicalName(), c.name(), c.revision() + 1, c.versionCount(), c.owners(),
                c.createdAt(), c.updatedAt()));
    }

    public synchronized List<PublishCommit> commits() {
        return List.copyOf(commits);
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
        java.util.Collections.reverse(all);
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
                        commit.now(), commit.now());
            } else {
                if (cur == null || cur.revision() != commit.expectedRevision()
                        || cur.versionCount() != commit.expectedVersionCount()
                        || !cur.owners().contains(commit.publisher())) {
                    throw new CommitConflict(false, "crate changed");
                }
                next = new CrateRecord(cur.canonicalName(), cur.name(), cur.revision() + 1, cur.versionCount() + 1,
                        cur.owners(), cur.createdAt(), commit.now());
            }
            crates.put(commit.canonicalName(), next);
            vs.put(commit.version().versionWithoutBuild(), commit.version());
            commits.add(commit);
        }
    }

    /** Adds an owner to an existing crate (as `cargo owner --add` would after acceptance). */
    public synchronized void addOwner(String canonical, String login) {
        CrateRecord c = crates.get(canonical);
        Set<String> owners = new LinkedHashSet<>(c.owners());
        owners.add(login);
        crates.put(canonical, new CrateRecord(c.canonicalName(), c.name(), c.revision() + 1, c.versionCount(),
                Set.copyOf(owners), c.createdAt(), c.updatedAt()));
    }

    /** Replaces a crate's owners (bumping its revision, as the real store does for any change). */
    public synchronized void setOwners(String canonical, Set<String> owners) {
        CrateRecord c = crates.get(canonical);
        crates.put(canonical, new CrateRecord(c.canonicalName(), c.name(), c.revision() + 1, c.versionCount(),
                Set.copyOf(owners), c.createdAt(), c.updatedAt()));
    }

    @Override
    public synchronized Optional<TokenRecord> findToken(String tokenSha256) {
        return Optional.ofNullable(tokens.get(tokenSha256));
    }

    @Override
    public synchronized void putUser(UserRecord user) {
        users.put(user.login(), user);
    }

    @Override
    public synchronized Optional<UserRecord> findUser(String login) {
        return Optional.ofNullable(users.get(login));
    }

    @Override
    public synchronized void putToken(TokenRecord token) {
        tokens.put(token.sha256(), token);
    }
}
