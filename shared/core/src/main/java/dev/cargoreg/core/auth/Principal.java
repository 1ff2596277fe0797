package dev.cargoreg.core.auth;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.error.RegistryException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is calling, as the authorizer resolved it: a user with a token's scopes, or nobody (with the reason).
 * In AWS, functions build it only from the authorizer's context, never from the Authorization header.
 *
 * @param endpointScopes null: the token has its user's full rights (as crates.io's legacy tokens)
 * @param crateScopes    null: every crate; otherwise exact names or `prefix*` patterns
 * @param readRequired   the registry is private: reads need a token with read access
 * @param tokenName      the token's name, for the audit trail (null: none, or an authorizer from before it was passed)
 * @param provenance     where a trusted-publishing token came from (CI run), for the audit trail; null for other tokens
 */
public record Principal(String login, long tokenId, boolean admin, Set<Scope> endpointScopes, List<String> crateScopes,
                        String authError, boolean readRequired, String tokenName, Provenance provenance) {

    /** A principal without the audit-only token name and provenance (tests, and contexts that lack them). */
    public Principal(String login, long tokenId, boolean admin, Set<Scope> endpointScopes, List<String> crateScopes,
                     String authError, boolean readRequired) {
        this(login, tokenId, admin, endpointScopes, crateScopes, authError, readRequired, null, null);
    }

    public static final String NO_TOKEN = "this action requires authentication: pass a token"
            + " (cargo: `cargo login --registry <name>` or CARGO_REGISTRIES_<NAME>_TOKEN)";

    static final String MALFORMED_CONTEXT = "authentication failed: the authorizer's context is malformed";

    /** Context keys: true only for a token without endpoint scopes, resp. without crate scopes. */
    static final String ALL_SCOPES = "allScopes";
    static final String ALL_CRATES = "allCrates";
    /** Context keys of a trusted-publishing token's provenance: {@code trustpub_provider}, {@code trustpub_run_id}, … */
    static final String TRUSTPUB = "trustpub_";

    public static Principal anonymous(String reason, boolean readRequired) {
        return new Principal(null, 0, false, null, null, reason == null ? NO_TOKEN : reason, readRequired);
    }

    public boolean authenticated() {
        return login != null;
    }

    /** Every valid token may read (publishing needs the index too); `read` alone allows nothing else. */
    public boolean has(Scope scope) {
        return endpointScopes == null || endpointScopes.contains(scope) || scope == Scope.READ;
    }

    /** The caller's login, or the 403 cargo prints when there is no valid token. */
    public String requireLogin() {
        if (!authenticated()) {
            throw RegistryException.forbidden(authError == null ? NO_TOKEN : authError);
        }
        return login;
    }

    /** An authenticated user whose token allows {@code scope} on {@code crateName} (null: an endpoint without a crate). */
    public String require(Scope scope, String crateName) {
        String user = requireLogin();
        if (!has(scope)) {
            throw RegistryException.forbidden("this token does not have the required permissions to perform this action"
                    + " (it needs the `" + scope.wire() + "` scope)");
        }
        if (crateScopes != null) {
            if (crateName == null) {
                throw RegistryException.forbidden("this token is limited to some crates and cannot be used for this action");
            }
            if (!matchesCrate(crateName)) {
                throw RegistryException.forbidden("this token does not have the required permissions to perform this action"
                        + " (its crate scopes do not include `" + crateName + "`)");
            }
        }
        return user;
    }

    /** Whether {@link #requireAdmin} passes: an administrator, with a token that may act as one. */
    public boolean canAdminister() {
        return authenticated() && admin && crateScopes == null
                && (endpointScopes == null || endpointScopes.contains(Scope.ADMIN));
    }

    /** A registry administrator, with a token that may act as one. */
    public String requireAdmin() {
        String user = requireLogin();
        if (!admin) {
            throw RegistryException.forbidden("this action is reserved to registry administrators, and `" + user + "` is not one");
        }
        if (crateScopes != null) {
            throw RegistryException.forbidden("this token is limited to some crates and cannot be used for administration");
        }
        if (endpointScopes != null && !endpointScopes.contains(Scope.ADMIN)) {
            throw RegistryException.forbidden("this token does not have the required permissions to perform this action"
                    + " (it needs the `admin` scope)");
        }
        return user;
    }

    /**
     * An authenticated user whose token has neither endpoint nor crate scopes, for actions a scoped token must not
     * take (creating tokens). Any crate scope counts, {@code *} included: it matches every crate but is still a scope.
     */
    public String requireUnscoped(String action) {
        String user = requireLogin();
        if (endpointScopes != null || crateScopes != null) {
            throw RegistryException.forbidden("a scoped token cannot " + action + "; use a token without scopes");
        }
        return user;
    }

    /** Reads are open on a public registry; on a private one they need a token with read access. */
    public void requireRead() {
        if (!readRequired) {
            return;
        }
        if (!authenticated()) {
            throw new RegistryException(401, authError == null ? NO_TOKEN : authError);
        }
        if (!has(Scope.READ)) {
            throw RegistryException.forbidden("this token does not have the required permissions to perform this action"
                    + " (it needs the `read` scope)");
        }
    }

    /** crates.io's rule: an exact name or `prefix*`, here compared canonically (case, `-` and `_`). */
    public boolean matchesCrate(String crateName) {
        if (crateScopes == null) {
            return true;
        }
        String canonical = CrateName.canonical(crateName);
        for (String pattern : crateScopes) {
            if (pattern.endsWith("*")) {
                if (canonical.startsWith(CrateName.canonical(pattern.substring(0, pattern.length() - 1)))) {
                    return true;
                }
            } else if (canonical.equals(CrateName.canonical(pattern))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The authorizer's context: flat strings, numbers and booleans, as API Gateway requires. Each scope list is its
     * comma-joined values plus a flag that is true only for "no such scopes" (null): {@code *} is a valid crate
     * pattern, so no value of the list itself may stand for "every crate".
     */
    public Map<String, Object> toContext() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("login", login == null ? "" : login);
        c.put("tokenId", tokenId);
        c.put("admin", admin);
        c.put(ALL_SCOPES, endpointScopes == null);
        c.put("scopes", endpointScopes == null ? "" : endpointScopes.stream().map(Scope::wire).collect(Collectors.joining(",")));
        c.put(ALL_CRATES, crateScopes == null);
        c.put("crates", crateScopes == null ? "" : String.join(",", crateScopes));
        c.put("error", authError == null ? "" : authError);
        c.put("readRequired", readRequired);
        // audit only (who did it, with which token, from which CI run): never used to decide anything
        c.put("tokenName", tokenName == null ? "" : tokenName);
        if (provenance != null) {
            provenance.toJson().forEach((k, v) -> c.put(TRUSTPUB + k, v == null ? "" : v));
        }
        return c;
    }

    /**
     * Rebuilds the principal from the authorizer's context (values may arrive as strings). A list is unscoped only
     * when its flag says so and it is empty; anything else reads as the scopes it lists, so a doubtful context only
     * ever narrows a token. The context of an authorizer from before the flags wrote {@code *} for "unscoped" and for
     * a token scoped to the crate pattern {@code *}: read back, such {@code crates} stays the pattern {@code *} (every
     * crate, but still crate-scoped), while {@code scopes = *}, which no endpoint scope can spell, stays unscoped.
     */
    public static Principal fromContext(Map<String, Object> c) {
        String login = str(c.get("login"));
        String error = str(c.get("error"));
        boolean readRequired = bool(c.get("readRequired"));
        if (login.isEmpty()) {
            return anonymous(error.isEmpty() ? null : error, readRequired);
        }
        String scopes = str(c.get("scopes"));
        boolean allScopes = c.containsKey(ALL_SCOPES) ? bool(c.get(ALL_SCOPES)) && scopes.isEmpty() : scopes.equals("*");
        Set<Scope> endpoint = null;
        if (!allScopes) {
            endpoint = EnumSet.noneOf(Scope.class);
            for (String s : scopes.split(",")) {
                Scope.parse(s).ifPresent(endpoint::add);
            }
        }
        String crates = str(c.get("crates"));
        boolean allCrates = bool(c.get(ALL_CRATES)) && crates.isEmpty();
        List<String> crateScopes = allCrates ? null : Arrays.stream(crates.split(",")).filter(s -> !s.isEmpty()).toList();
        long tokenId;
        try {
            tokenId = c.get("tokenId") == null ? 0 : Long.parseLong(str(c.get("tokenId")));
        } catch (NumberFormatException e) {
            // not what the authorizer writes: a doubtful context grants nothing
            return anonymous(MALFORMED_CONTEXT, readRequired);
        }
        String tokenName = str(c.get("tokenName"));
        Provenance provenance = str(c.get(TRUSTPUB + "provider")).isEmpty() ? null
                : new Provenance(str(c.get(TRUSTPUB + "provider")), blankToNull(c.get(TRUSTPUB + "repository")),
                blankToNull(c.get(TRUSTPUB + "workflow")), blankToNull(c.get(TRUSTPUB + "run_id")),
                blankToNull(c.get(TRUSTPUB + "sha")));
        return new Principal(login, tokenId, bool(c.get("admin")), endpoint, crateScopes, null, readRequired,
                tokenName.isEmpty() ? null : tokenName, provenance);
    }

    private static String blankToNull(Object o) {
        String s = str(o);
        return s.isEmpty() ? null : s;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static boolean bool(Object o) {
        return o != null && Boolean.parseBoolean(o.toString());
    }
}
