package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.MetadataStore;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fresh deployment's first step: writes config.json and creates the first administrator with a token, shown
 * once and stored only as its hash. It runs once per registry: a second run, whatever login it names, only
 * rewrites config.json, so whoever can invoke it later cannot mint another administrator.
 */
public final class BootstrapService {
    private final MetadataStore store;
    private final IndexSync index;
    private final Clock clock;

    public BootstrapService(MetadataStore store, IndexSync index, Clock clock) {
        this.store = store;
        this.index = index;
        this.clock = clock;
    }

    public Map<String, Object> bootstrap(String login, String name) {
        String l = login == null || login.isBlank() ? "admin" : login.trim();
        if (!UserAdminService.validLogin(l)) {
            throw RegistryException.badRequest("invalid login `" + l + "`");
        }
        index.ensureConfig();
        if (store.findUser(l).isPresent() || !store.claimOnce("bootstrap", clock.instant())) {
            throw RegistryException.conflict("bootstrap already ran on this registry (config.json was rewritten);"
                    + " administrators create more users with PUT /api/v1/admin/users");
        }
        MetadataStore.UserRecord user = store.createUser(l, name == null ? "Registry administrator" : name, true, clock.instant())
                .orElseThrow(() -> RegistryException.conflict("user `" + l + "` already exists"));
        String secret = Tokens.generate(new SecureRandom());
        store.createToken(new MetadataStore.TokenRecord(Tokens.sha256Hex(secret), store.nextId("tokens"), l,
                "bootstrap", clock.instant(), null, null, null, null, false));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("login", user.login());
        out.put("token", secret);
        out.put("note", "shown once: only its SHA-256 is stored");
        return out;
    }
}
