package dev.cargoreg.core.auth;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Resolves the Authorization header (raw token as cargo sends it, or `Bearer …`) to a user login. */
public final class Authenticator {
    private final MetadataStore store;

    public Authenticator(MetadataStore store) {
        this.store = store;
    }

    public String authenticate(String authorization) {
        String token = extractToken(authorization);
        if (token == null) {
            throw RegistryException.forbidden("this action requires authentication: pass a token"
                    + " (cargo: `cargo login --registry <name>` or CARGO_REGISTRIES_<NAME>_TOKEN)");
        }
        return store.findToken(Tokens.sha256Hex(token))
                .map(MetadataStore.TokenRecord::login)
                .orElseThrow(() -> RegistryException.forbidden("authentication failed: the token is not valid for this registry"));
    }

    /** Like {@link #authenticate}, and the user must be a registry administrator. */
    public String authenticateAdmin(String authorization) {
        String login = authenticate(authorization);
        boolean admin = store.findUser(login).map(MetadataStore.UserRecord::admin).orElse(false);
        if (!admin) {
            throw RegistryException.forbidden("this action is reserved to registry administrators, and `" + login + "` is not one");
        }
        return login;
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
