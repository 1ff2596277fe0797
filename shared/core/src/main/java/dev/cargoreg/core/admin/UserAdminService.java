package dev.cargoreg.core.admin;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.tokens.TokenMint;

import java.time.Clock;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * There is no GitHub login here: an administrator creates users, and each user's first token, which is shown once.
 */
public final class UserAdminService {
    private static final String FIRST_TOKEN = "first token";
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

    /** PUT /api/v1/admin/users: the user and a first token (shown once). */
    public CreatedUser createUser(Principal principal, NewUser request) {
        principal.requireAdmin();
        String login = request.login();
        if (store.findUser(login).isPresent()) {
            throw RegistryException.conflict("a user with login `" + login + "` already exists");
        }
        Instant now = clock.instant();
        UserRecord user = store.createUser(login, request.name(), request.admin(), now, AuditRecord.of(Action.USER_CREATED,
                        principal, null, null, login + (request.admin() ? " (administrator)" : ""), now))
                .orElseThrow(() -> RegistryException.conflict("a user with login `" + login + "` already exists"));
        String secret = mint.mint(login, FIRST_TOKEN, null, null, null, principal).secret();
        return new CreatedUser(new CreatedUser.User(user.id(), user.login(), user.name(), user.admin()),
                new CreatedUser.FirstToken(FIRST_TOKEN, secret));
    }
}
