package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** PUT /api/v1/me/tokens {"api_token":{"name","endpoint_scopes","crate_scopes","expired_at"}}. */
    public Map<String, Object> create(Principal caller, byte[] body) {
        String login = caller.requireUnscoped("create tokens");
        JsonNode req;
        try {
            req = body == null || body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw RegistryException.badRequest("invalid JSON body: expected {\"api_token\":{\"name\":\"…\"}}");
        }
        JsonNode t = req == null ? null : req.get("api_token");
        if (t == null || !t.isObject()) {
            throw RegistryException.badRequest("invalid JSON body: expected {\"api_token\":{\"name\":\"…\"}}");
        }
        String name = t.path("name").isTextual() ? t.get("name").asText().trim() : "";
        if (name.isEmpty() || name.length() > 128) {
            throw RegistryException.badRequest("the token needs a name of 1 to 128 characters");
        }
        Set<Scope> endpointScopes = parseEndpointScopes(t.get("endpoint_scopes"));
        List<String> crateScopes = parseCrateScopes(t.get("crate_scopes"));
        Instant now = clock.instant();
        Instant expires = null;
        JsonNode exp = t.get("expired_at");
        if (exp != null && !exp.isNull()) {
            try {
                expires = Instant.parse(exp.asText());
            } catch (DateTimeParseException e) {
                throw RegistryException.badRequest("expired_at must be an RFC 3339 time such as 2030-01-01T00:00:00Z");
            }
            if (!expires.isAfter(now)) {
                throw RegistryException.badRequest("expired_at must be in the future");
            }
        }
        // only live tokens count: expired ones are hidden from the list, so they must not block new ones
        if (store.listTokens(login).stream()
                .filter(x -> !x.revoked() && (x.expiresAt() == null || x.expiresAt().isAfter(now))).count() >= MAX_TOKENS_PER_USER) {
            throw RegistryException.badRequest("maximum tokens per user is: " + MAX_TOKENS_PER_USER);
        }
        TokenMint.Minted minted = mint.mint(login, name, endpointScopes, crateScopes, expires);
        Map<String, Object> json = json(minted.record());
        json.put("token", minted.secret());
        return Map.of("api_token", json);
    }

    /** GET /api/v1/me/tokens: live tokens, newest first, no secrets. */
    public Map<String, Object> list(Principal caller) {
        String login = caller.requireLogin();
        Instant now = clock.instant();
        List<TokenRecord> tokens = new ArrayList<>(store.listTokens(login).stream()
                .filter(t -> !t.revoked() && (t.expiresAt() == null || t.expiresAt().isAfter(now)))
                .toList());
        tokens.sort(Comparator.comparing(TokenRecord::createdAt).reversed());
        return Map.of("api_tokens", tokens.stream().map(TokenService::json).toList());
    }

    /** DELETE /api/v1/me/tokens/{id}. */
    public void revoke(Principal caller, String id) {
        String login = caller.requireLogin();
        long tokenId;
        try {
            tokenId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw RegistryException.notFound("no token with id `" + id + "`");
        }
        if (!store.revokeToken(login, tokenId, clock.instant())) {
            throw RegistryException.notFound("no token with id `" + id + "`");
        }
    }

    /** DELETE /api/v1/tokens/current: a leaked token revokes itself. */
    public void revokeCurrent(Principal caller) {
        String login = caller.requireLogin();
        // id 0: a token stored before every token had an id (the local runner's admin token of older versions)
        if (caller.tokenId() == 0 || !store.revokeToken(login, caller.tokenId(), clock.instant())) {
            throw RegistryException.badRequest("this token has no id, so it cannot be revoked through the API;"
                    + " replace it (the local runner: start it with a new --admin-token)");
        }
    }

    /** GET /api/v1/me. */
    public Map<String, Object> me(Principal caller) {
        String login = caller.requireLogin();
        MetadataStore.UserRecord u = store.findUser(login)
                .orElseThrow(() -> RegistryException.notFound("user `" + login + "` does not exist"));
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", u.id());
        user.put("login", u.login());
        user.put("name", u.name());
        user.put("email", null);
        user.put("email_verified", false);
        user.put("avatar", null);
        user.put("url", null);
        user.put("is_admin", u.admin());
        user.put("created_at", u.createdAt() == null ? null : u.createdAt().toString());
        return Map.of("user", user, "owned_crates", List.of());
    }

    static Map<String, Object> json(TokenRecord t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("created_at", t.createdAt().toString());
        m.put("last_used_at", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        m.put("crate_scopes", t.crateScopes());
        m.put("endpoint_scopes", t.endpointScopes() == null ? null : t.endpointScopes().stream().map(Scope::wire).toList());
        m.put("expired_at", t.expiresAt() == null ? null : t.expiresAt().toString());
        return m;
    }

    private static Set<Scope> parseEndpointScopes(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw RegistryException.badRequest("endpoint_scopes must be a list such as [\"publish-update\", \"yank\"]");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode s : node) {
            scopes.add(Scope.parse(s.isTextual() ? s.asText() : null).orElseThrow(() -> RegistryException.badRequest(
                    "invalid endpoint scope `" + s.asText() + "`; the scopes are publish-new, publish-update, yank,"
                            + " change-owners, read and admin")));
        }
        if (scopes.isEmpty()) {
            throw RegistryException.badRequest("endpoint_scopes must not be empty (leave it out, or null, for full rights)");
        }
        return scopes;
    }

    private static List<String> parseCrateScopes(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > 100) {
            throw RegistryException.badRequest("crate_scopes must be a list of 1 to 100 crate names or `prefix*` patterns");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : node) {
            String p = s.isTextual() ? s.asText() : "";
            String base = p.endsWith("*") ? p.substring(0, p.length() - 1) : p;
            if (!(p.equals("*"))) {
                try {
                    CrateName.validateDependencyName(base, 64);
                } catch (RegistryException e) {
                    throw RegistryException.badRequest("invalid crate scope `" + p + "`: " + e.detail());
                }
            }
            out.add(p);
        }
        return out;
    }
}
