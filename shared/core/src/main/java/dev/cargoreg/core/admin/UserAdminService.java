package dev.cargoreg.core.admin;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.tokens.TokenMint;
import dev.cargoreg.core.tokens.TokenView;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * There is no GitHub login here: an administrator creates users, and each user's first token, which is shown once.
 * Administrators also offboard people: list and show users, disable and enable them (every token of a disabled user
 * is refused by the authorizer and, on a private registry, removed from the edge's store), revoke any token, and
 * delete a user who owns no crate. Every such action is logged with the administrator's login.
 */
public final class UserAdminService {
    private static final Logger LOG = Logger.getLogger(UserAdminService.class.getName());
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
                .orElseThrow(() -> RegistryException.conflict("a user with login `" + login + "` already exists, in this"
                        + " or another case (logins that differ only in case are one login)"));
        String secret = mint.mint(login, FIRST_TOKEN, null, null, null, principal).secret();
        return new CreatedUser(new CreatedUser.User(user.id(), user.login(), user.name(), user.admin()),
                new CreatedUser.FirstToken(FIRST_TOKEN, secret));
    }

    /** GET /api/v1/admin/users. */
    public UserList list(Principal principal) {
        principal.requireAdmin();
        return new UserList(store.listUsers().stream().sorted(Comparator.comparing(UserRecord::login)).map(AdminUser::of).toList());
    }

    /** GET /api/v1/admin/users/{login}: the user, their live tokens and the crates they own. */
    public UserDetails show(Principal principal, String login) {
        principal.requireAdmin();
        UserRecord user = user(login);
        Instant now = clock.instant();
        List<TokenView> tokens = store.listTokens(login).stream()
                .filter(t -> !t.revoked() && (t.expiresAt() == null || t.expiresAt().isAfter(now)))
                .sorted(Comparator.comparing(TokenRecord::createdAt).reversed())
                .map(TokenView::of).toList();
        return new UserDetails(AdminUser.of(user), tokens, List.copyOf(store.ownedCrates(login).values()));
    }

    /** PUT /api/v1/admin/users/{login}/disable and …/enable. An administrator cannot disable themselves. */
    public AdminUser setDisabled(Principal principal, String login, boolean disabled) {
        String admin = principal.requireAdmin();
        user(login);
        if (disabled && admin.equals(login)) {
            throw RegistryException.badRequest("an administrator cannot disable themselves; ask another administrator");
        }
        Instant now = clock.instant();
        store.setUserDisabled(login, disabled, now, AuditRecord.of(disabled ? Action.USER_DISABLED : Action.USER_ENABLED,
                principal, null, null, "user " + login, now));
        LOG.info(() -> "admin `" + admin + "` " + (disabled ? "disabled" : "enabled") + " user `" + login + "`");
        return AdminUser.of(user(login));
    }

    /** DELETE /api/v1/admin/users/{login}/tokens: revokes every live token of the user; returns how many. */
    public int revokeTokens(Principal principal, String login) {
        String admin = principal.requireAdmin();
        user(login);
        Instant now = clock.instant();
        int n = 0;
        for (TokenRecord t : store.listTokens(login)) {
            if (!t.revoked() && store.revokeToken(login, t.id(), now, AuditRecord.of(Action.TOKEN_REVOKED, principal, null,
                    null, "token `" + t.name() + "` (id " + t.id() + ") of " + login + " (by an administrator)", now))) {
                n++;
            }
        }
        int revoked = n;
        LOG.info(() -> "admin `" + admin + "` revoked " + revoked + " tokens of user `" + login + "`");
        return revoked;
    }

    /** DELETE /api/v1/admin/users/{login}/tokens/{id}: revokes one token of any user. */
    public void revokeToken(Principal principal, String login, String id) {
        String admin = principal.requireAdmin();
        long tokenId;
        try {
            tokenId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw RegistryException.notFound("user `" + login + "` has no token with id `" + id + "`");
        }
        Instant now = clock.instant();
        if (!store.revokeToken(login, tokenId, now, AuditRecord.of(Action.TOKEN_REVOKED, principal, null, null,
                "token id " + tokenId + " of " + login + " (by an administrator)", now))) {
            throw RegistryException.notFound("user `" + login + "` has no token with id `" + id + "`");
        }
        LOG.info(() -> "admin `" + admin + "` revoked token " + tokenId + " of user `" + login + "`");
    }

    /** DELETE /api/v1/admin/users/{login}: only a user who owns no crate (hand their crates over first). */
    public void delete(Principal principal, String login) {
        String admin = principal.requireAdmin();
        user(login);
        if (admin.equals(login)) {
            throw RegistryException.badRequest("an administrator cannot delete themselves; ask another administrator");
        }
        List<String> owned = List.copyOf(store.ownedCrates(login).values());
        if (!owned.isEmpty()) {
            throw RegistryException.conflict("user `" + login + "` still owns " + owned.size() + " crate(s) (" + String.join(", ",
                    owned.subList(0, Math.min(10, owned.size()))) + "); add another owner and remove them first, or disable the user");
        }
        Instant now = clock.instant();
        if (!store.deleteUser(login, AuditRecord.of(Action.USER_DELETED, principal, null, null, "user " + login, now))) {
            throw RegistryException.notFound("user `" + login + "` does not exist");
        }
        LOG.info(() -> "admin `" + admin + "` deleted user `" + login + "`");
    }

    private UserRecord user(String login) {
        if (login == null || !validLogin(login)) {
            throw RegistryException.notFound("user `" + login + "` does not exist");
        }
        return store.findUser(login).orElseThrow(() -> RegistryException.notFound("user `" + login + "` does not exist"));
    }
}
