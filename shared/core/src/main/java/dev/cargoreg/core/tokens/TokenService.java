package dev.cargoreg.core.tokens;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Token management in crates.io's shapes: create (the secret is shown once), list, revoke, revoke the calling token,
 * and who am I. Only the SHA-256 of a secret is ever stored.
 */
public final class TokenService {
    public static final int MAX_TOKENS_PER_USER = 500;

    private final MetadataStore store;
    private final Clock clock;
    private final TokenMint mint;

    public TokenService(MetadataStore store, TokenMint mint, Clock clock) {
        this.store = store;
        this.mint = mint;
        this.clock = clock;
    }

    /** PUT /api/v1/me/tokens: the token and its secret, shown this once. */
    public CreatedToken create(Principal caller, NewToken request) {
        String login = caller.requireUnscoped("create tokens");
        Instant now = clock.instant();
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw RegistryException.badRequest("expired_at must be in the future");
        }
        List<TokenRecord> existing = store.listTokens(login);
        // a token revoked (or a user disabled or deleted) within the authorizer's cached minute mints nothing
        LiveCaller.require(store, caller, existing, now);
        // only live tokens count: expired ones are hidden from the list, so they must not block new ones
        if (existing.stream()
                .filter(x -> !x.revoked() && (x.expiresAt() == null || x.expiresAt().isAfter(now))).count() >= MAX_TOKENS_PER_USER) {
            throw RegistryException.badRequest("maximum tokens per user is: " + MAX_TOKENS_PER_USER);
        }
        TokenMint.Minted minted = mint.mint(login, request.name(), request.endpointScopes(), request.crateScopes(),
                request.expiresAt(), caller);
        return new CreatedToken(TokenView.of(minted.record()), minted.secret());
    }

    /**
     * GET /api/v1/me/tokens: live tokens, newest first, no secrets. Not with a scoped token (crates.io lists tokens
     * only to a signed-in user): a read-only or CI token must not learn what its user's other tokens may do.
     */
    public TokenList list(Principal caller) {
        String login = caller.requireUnscoped("list tokens");
        Instant now = clock.instant();
        List<TokenRecord> tokens = new ArrayList<>(store.listTokens(login).stream()
                .filter(t -> !t.revoked() && (t.expiresAt() == null || t.expiresAt().isAfter(now)))
                .toList());
        tokens.sort(Comparator.comparing(TokenRecord::createdAt).reversed());
        return new TokenList(tokens.stream().map(TokenView::of).toList());
    }

    /**
     * DELETE /api/v1/me/tokens/{id}. A scoped token may revoke itself only (as {@link #revokeCurrent}): a read-only
     * or CI token must not be able to revoke its user's other tokens.
     */
    public void revoke(Principal caller, String id) {
        String login = caller.requireLogin();
        long tokenId;
        try {
            tokenId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw RegistryException.notFound("no token with id `" + id + "`");
        }
        if (tokenId != caller.tokenId()) {
            caller.requireUnscoped("revoke other tokens (it may revoke itself)");
        }
        Instant now = clock.instant();
        if (!store.revokeToken(login, tokenId, now, AuditRecord.of(Action.TOKEN_REVOKED, caller, null, null,
                "token id " + tokenId + " of " + login, now))) {
            throw RegistryException.notFound("no token with id `" + id + "`");
        }
    }

    /** DELETE /api/v1/tokens/current: a leaked token revokes itself. */
    public void revokeCurrent(Principal caller) {
        String login = caller.requireLogin();
        // id 0: a token stored before every token had an id (the local runner's admin token of older versions)
        Instant now = clock.instant();
        if (caller.tokenId() == 0 || !store.revokeToken(login, caller.tokenId(), now, AuditRecord.of(Action.TOKEN_REVOKED,
                caller, null, null, "token id " + caller.tokenId() + " of " + login + " (by itself)", now))) {
            throw RegistryException.badRequest("this token has no id, so it cannot be revoked through the API;"
                    + " replace it (the local runner: start it with a new --admin-token)");
        }
    }

    /** GET /api/v1/me. */
    public Me me(Principal caller) {
        String login = caller.requireLogin();
        MetadataStore.UserRecord u = store.findUser(login)
                .orElseThrow(() -> RegistryException.notFound("user `" + login + "` does not exist"));
        return new Me(new Me.User(u.id(), u.login(), u.name(), null, false, null, null, u.admin(),
                u.createdAt() == null ? null : u.createdAt().toString()),
                store.ownedCrates(login).entrySet().stream()
                        .map(c -> new Me.OwnedCrate(crateId(c.getKey()), c.getValue(), false))
                        .sorted(Comparator.comparing(Me.OwnedCrate::name))
                        .toList());
    }

    /** A stable numeric id for a crate (crates.io's are numbers), within JavaScript's safe integer range. */
    static long crateId(String canonical) {
        long h = 1125899906842597L;
        for (char ch : canonical.toCharArray()) {
            h = 31 * h + ch;
        }
        return h & ((1L << 53) - 1);
    }
}
