package dev.cargoreg.core.testing;

import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CommitConflict;
import dev.cargoreg.core.port.MetadataStore.OwnersCommit;
import dev.cargoreg.core.port.MetadataStore.PublishCommit;
import dev.cargoreg.core.port.MetadataStore.RemovalCommit;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.port.MetadataStore.YankCommit;

import java.time.Instant;
import java.util.Optional;

/**
 * A store's writes without an audit record, for seeding test fixtures and the benchmarks: the port itself only has the
 * forms that take one, and production code never passes null (NoUnauditedWriteTest).
 */
public final class Unaudited {
    private final MetadataStore store;

    private Unaudited(MetadataStore store) {
        this.store = store;
    }

    public static Unaudited of(MetadataStore store) {
        return new Unaudited(store);
    }

    public void commitPublish(PublishCommit commit) throws CommitConflict {
        store.commitPublish(commit, null);
    }

    public void commitYank(YankCommit commit) throws CommitConflict {
        store.commitYank(commit, null);
    }

    public void commitOwners(OwnersCommit commit) throws CommitConflict {
        store.commitOwners(commit, null);
    }

    public void commitRemoval(RemovalCommit commit) throws CommitConflict {
        store.commitRemoval(commit, null);
    }

    public void createToken(TokenRecord token) {
        if (!store.createToken(token, null)) {
            throw new IllegalStateException("no user " + token.login() + " (or disabled): create the user first");
        }
    }

    public boolean revokeToken(String login, long tokenId, Instant now) {
        return store.revokeToken(login, tokenId, now, null);
    }

    public Optional<UserRecord> createUser(String login, String name, boolean admin, Instant now) {
        return store.createUser(login, name, admin, now, null);
    }
}
