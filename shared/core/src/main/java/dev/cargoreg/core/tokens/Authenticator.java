package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the authorizer does: the Authorization header (raw as cargo sends it, `Bearer …`, or
 * `Basic base64(user:token)`) to a {@link Principal}. Never throws for a bad token: the principal carries the reason,
 * and the endpoint decides whether it needed one.
 */
public final class Authenticator {
    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
    /** last_used_at is written at most this often per token, not on every request. */
    static final Duration LAST_USED_GRANULARITY = Duration.ofHours(1);
    /** The name every token minted by trusted publishing starts with. */
    public static final String TRUSTED_PUBLISHING_NAME_PREFIX = "trusted publishing: ";

    private final MetadataStore store;
    private final Clock clock;

    public Authenticator(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Authenticator(MetadataStore store) {
        this(store, Clock.systemUTC());
    }

    public Principal resolve(String authorization, boolean readRequired) {
        String token = extractToken(authorization);
        if (token == null) {
            return Principal.anonymous(null, readRequired);
        }
        String hash = Tokens.sha256Hex(token);
        Optional<TokenRecord> found = store.findToken(hash);
        if (found.isEmpty()) {
            return Principal.anonymous("authentication failed: the token is not valid for this registry", readRequired);
        }
        TokenRecord t = found.get();
        Instant now = clock.instant();
        if (t.revoked()) {
            return Principal.anonymous("authentication failed: the token was revoked", readRequired);
        }
        if (t.expiresAt() != null && !t.expiresAt().isAfter(now)) {
            return Principal.anonymous("authentication failed: the token expired at " + t.expiresAt(), readRequired);
        }
        Optional<MetadataStore.UserRecord> user = store.findUser(t.login());
        if (user.isEmpty()) {
            return Principal.anonymous("authentication failed: the token's user no longer exists", readRequired);
        }
        if (user.get().disabled()) {
            return Principal.anonymous("authentication failed: the user `" + t.login() + "` is disabled;"
                    + " ask a registry administrator", readRequired);
        }
        if (t.lastUsedAt() == null || t.lastUsedAt().plus(LAST_USED_GRANULARITY).isBefore(now)) {
            try {
                store.touchToken(hash, now);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "could not record last use of a token", e);
            }
        }
        // the provenance is one more read, only for the tokens trusted publishing mints (named so; the item is the truth)
        Provenance provenance = t.name() != null && t.name().startsWith(TRUSTED_PUBLISHING_NAME_PREFIX)
                ? store.tokenProvenance(t.id()).orElse(null) : null;
        return new Principal(t.login(), t.id(), user.get().admin(), t.endpointScopes(), t.crateScopes(), null, readRequired,
                t.name(), provenance);
    }

    /** The secret from a raw, `Bearer` or `Basic base64(user:token)` header; null when there is none. */
    public static String extractToken(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.isEmpty()) {
            return null;
        }
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.equals("bearer") || lower.equals("basic")) {
            return null;
        }
        if (lower.startsWith("bearer ")) {
            h = h.substring(7).trim();
        } else if (lower.startsWith("basic ")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                h = colon >= 0 ? decoded.substring(colon + 1) : decoded;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return h.isEmpty() || h.length() > 512 ? null : h;
    }
}
