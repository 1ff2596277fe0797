package dev.cargoreg.core.admin;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.tokens.TokenMint;

import java.time.Clock;
import java.time.Instant;

/**
 * A fresh deployment's first step: writes config.json and creates the first administrator with a token, shown
 * once and stored only as its hash. It runs once per registry: a second run, whatever login it names, only
 * rewrites config.json, so whoever can invoke it later cannot mint another administrator.
 */
public final class BootstrapService {
    private final MetadataStore store;
    private final IndexSync index;
    private final TokenMint mint;
    private final Clock clock;

    public BootstrapService(MetadataStore store, IndexSync index, TokenMint mint, Clock clock) {
        this.store = store;
        this.index = index;
        this.mint = mint;
        this.clock = clock;
    }

    /** The first administrator and their token (shown once: only its SHA-256 is stored). */
    public record Bootstrapped(String login, String token) {
    }

    public Bootstrapped bootstrap(String login, String name) {
        return bootstrap(login, name, null);
    }

    /** {@code chosenSecret}: an operator-chosen secret (the local runner's `--admin-token`), or null for a new one. */
    public Bootstrapped bootstrap(String login, String name, String chosenSecret) {
        String l = login == null || login.isBlank() ? "admin" : login.trim();
        if (!UserAdminService.validLogin(l)) {
            throw RegistryException.badRequest("invalid login `" + l + "`");
        }
        index.ensureConfig();
        if (store.findUser(l).isPresent() || !store.claimOnce("bootstrap", clock.instant())) {
            throw RegistryException.conflict("bootstrap already ran on this registry (config.json was rewritten);"
                    + " administrators create more users with PUT /api/v1/admin/users");
        }
        Instant now = clock.instant();
        MetadataStore.UserRecord user = store.createUser(l, name == null ? "Registry administrator" : name, true, now,
                        AuditRecord.of(Action.USER_CREATED, l, 0, null, null, l + " (administrator, bootstrap)", now))
                .orElseThrow(() -> RegistryException.conflict("user `" + l + "` already exists"));
        TokenMint.Minted token = chosenSecret == null
                ? mint.mint(user.login(), "bootstrap", null, null, null)
                : mint.adopt(chosenSecret, user.login(), "bootstrap");
        return new Bootstrapped(user.login(), token.secret());
    }
}
