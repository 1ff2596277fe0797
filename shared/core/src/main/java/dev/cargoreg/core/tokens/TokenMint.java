package dev.cargoreg.core.tokens;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The one place a token comes into being: a real id from the sequence, only the SHA-256 stored, the secret handed
 * back once. Users' own tokens, an administrator's first token for a new user, bootstrap and the local runner's
 * operator-chosen admin token all go through here, so every token can be listed and revoked the same way.
 */
public final class TokenMint {
    private final MetadataStore store;
    private final Clock clock;

    public TokenMint(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A stored token and its secret, which exists nowhere else. */
    public record Minted(String secret, TokenRecord record) {
    }

    /** A new secret for {@code login}. Scopes null: unrestricted; {@code expiresAt} null: never expires. */
    public Minted mint(String login, String name, Set<Scope> endpointScopes, List<String> crateScopes, Instant expiresAt) {
        // A generator made now, per token: one made with this object would be made at INIT and so be in the SnapStart
        // snapshot that every restored environment shares (AWS: "generate unique content after initialization").
        return store(Tokens.generate(new SecureRandom()), login, name, endpointScopes, crateScopes, expiresAt, null, null);
    }

    /**
     * A trusted-publishing token for {@code login}, recorded in the audit trail with the CI run it was exchanged for
     * (the token did not exist before: the record's token is none, its provenance the run's).
     */
    public Minted mintTrusted(String login, String name, Set<Scope> endpointScopes, List<String> crateScopes,
                              Instant expiresAt, Provenance provenance) {
        return store(Tokens.generate(new SecureRandom()), login, name, endpointScopes, crateScopes, expiresAt, null,
                provenance);
    }

    /** As {@link #mint}, recorded in the audit trail as done by {@code by} (null: by {@code login} itself). */
    public Minted mint(String login, String name, Set<Scope> endpointScopes, List<String> crateScopes, Instant expiresAt,
                       Principal by) {
        return store(Tokens.generate(new SecureRandom()), login, name, endpointScopes, crateScopes, expiresAt, by, null);
    }

    /** An unrestricted token with a secret the operator chose (the local runner's `--admin-token`). */
    public Minted adopt(String secret, String login, String name) {
        return store(secret, login, name, null, null, null, null, null);
    }

    private Minted store(String secret, String login, String name, Set<Scope> endpointScopes, List<String> crateScopes,
                         Instant expiresAt, Principal by, Provenance provenance) {
        TokenRecord record = new TokenRecord(Tokens.sha256Hex(secret), store.nextId("tokens"), login, name, clock.instant(),
                null, expiresAt, endpointScopes, crateScopes, false);
        String what = "token `" + name + "` (id " + record.id() + ") of " + login;
        if (!store.createToken(record, by != null ? AuditRecord.of(Action.TOKEN_CREATED, by, null, null, what, record.createdAt())
                : AuditRecord.of(Action.TOKEN_CREATED, login, 0, null, provenance, null, null, what, record.createdAt()))) {
            throw RegistryException.forbidden("authentication failed: the user `" + login + "` is disabled or no longer"
                    + " exists; ask a registry administrator");
        }
        return new Minted(secret, record);
    }
}
