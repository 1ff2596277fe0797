package dev.cargoreg.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.tokens.TokenMint;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.UserRecord;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * There is no GitHub login here: an administrator creates users, and each user's first token, which is shown once.
 */
public final class UserAdminService {
    private static final Pattern LOGIN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$");

    /** The one rule for logins (also used by bootstrap). */
    static boolean validLogin(String login) {
        return LOGIN.matcher(login).matches();
    }

    private final MetadataStore store;
    private final Clock clock;
    private final TokenMint mint;

    public UserAdminService(MetadataStore store, TokenMint mint, Clock clock) {
        this.store = store;
        this.mint = mint;
        this.clock = clock;
    }

    /** PUT /api/v1/admin/users {"login":"…","name":"…","admin":false} → the user and a first token (shown once). */
    public Map<String, Object> createUser(Principal principal, byte[] body) {
        principal.requireAdmin();
        JsonNode req;
        try {
            req = body == null || body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw RegistryException.badRequest("invalid JSON body: expected {\"login\":\"…\",\"name\":\"…\"}");
        }
        if (req == null || !req.isObject() || !req.path("login").isTextual()) {
            throw RegistryException.badRequest("invalid JSON body: expected {\"login\":\"…\",\"name\":\"…\"}");
        }
        String login = req.get("login").asText();
        if (!validLogin(login)) {
            throw RegistryException.badRequest("invalid login `" + login
                    + "`: 1 to 39 ASCII letters, digits, `-` or `_`, starting with a letter or digit");
        }
        String name = req.path("name").isTextual() ? req.get("name").asText() : login;
        if (name.length() > 200) {
            throw RegistryException.badRequest("the name is too long (max 200 characters)");
        }
        boolean admin = req.path("admin").asBoolean(false);
        if (store.findUser(login).isPresent()) {
            throw RegistryException.conflict("a user with login `" + login + "` already exists");
        }
        UserRecord user = store.createUser(login, name, admin, clock.instant())
                .orElseThrow(() -> RegistryException.conflict("a user with login `" + login + "` already exists"));
        String secret = mint.mint(login, "first token", null, null, null).secret();
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("id", user.id());
        u.put("login", user.login());
        u.put("name", user.name());
        u.put("admin", user.admin());
        return Map.of("user", u, "api_token", Map.of("name", "first token", "token", secret));
    }
}
