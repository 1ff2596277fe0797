package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.time.Instant;
import java.util.List;

/**
 * API Gateway keeps the authorizer's answer for up to a minute per Authorization header, so a token revoked (or whose
 * user was disabled or deleted) within that minute still reaches the functions. A request may finish what it came
 * for, but a grant that outlives the token (a new token, a trusted-publishing configuration) would turn that minute
 * into forever: before one, the caller's token and user are read again from the store.
 */
public final class LiveCaller {
    private LiveCaller() {
    }

    /**
     * The caller's login, when its token and user are still what the authorizer found; otherwise 403, as a write with
     * a revoked token is refused.
     */
    public static String require(MetadataStore store, Principal caller, Instant now) {
        return require(store, caller, store.listTokens(caller.requireLogin()), now);
    }

    /** The same, with the caller's tokens already read ({@code tokens}: all of {@code caller}'s). */
    public static String require(MetadataStore store, Principal caller, List<TokenRecord> tokens, Instant now) {
        String login = caller.requireLogin();
        // a token is never deleted but with its user (checked below); one not listed under its user was stored before
        // every token had an id (the local runner's admin token of older versions)
        TokenRecord own = tokens.stream().filter(t -> t.id() == caller.tokenId()).findFirst().orElse(null);
        if (own != null && own.revoked()) {
            throw RegistryException.forbidden("authentication failed: the token was revoked");
        }
        if (own != null && own.expiresAt() != null && !own.expiresAt().isAfter(now)) {
            throw RegistryException.forbidden("authentication failed: the token expired at " + own.expiresAt());
        }
        MetadataStore.UserRecord user = store.findUser(login)
                .orElseThrow(() -> RegistryException.forbidden("authentication failed: the token's user no longer exists"));
        if (user.disabled()) {
            throw RegistryException.forbidden("authentication failed: the user `" + login + "` is disabled;"
                    + " ask a registry administrator");
        }
        return login;
    }
}
