package dev.cargoreg.core.auth;

import dev.cargoreg.core.crate.CrateName;
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
 */
public record Principal(String login, long tokenId, boolean admin, Set<Scope> endpointScopes, List<String> crateScopes,
                        String authError, boolean readRequired) {

    public static final String NO_TOKEN = "this action requires authentication: pass a token"
            + " (cargo: `cargo login --registry <name>` or CARGO_REGISTRIES_<NAME>_TOKEN)";

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

    /** The authorizer's context: flat strings, numbers and booleans, as API Gateway requires. */
    public Map<String, Object> toContext() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("login", login == null ? "" : login);
        c.put("tokenId", tokenId);
        c.put("admin", admin);
        c.put("scopes", endpointScopes == null ? "*" : endpointScopes.stream().map(Scope::wire).collect(Collectors.joining(",")));
        c.put("crates", crateScopes == null ? "*" : String.join(",", crateScopes));
        c.put("error", authError == null ? "" : authError);
        c.put("readRequired", readRequired);
        return c;
    }

    /** Rebuilds the principal from the authorizer's context (values may arrive as strings). */
    public static Principal fromContext(Map<String, Object> c) {
        String login = str(c.get("login"));
        String error = str(c.get("error"));
        boolean readRequired = bool(c.get("readRequired"));
        if (login.isEmpty()) {
            return anonymous(error.isEmpty() ? null : error, readRequired);
        }
        String scopes = str(c.get("scopes"));
        Set<Scope> endpoint = null;
        if (!scopes.equals("*")) {
            endpoint = EnumSet.noneOf(Scope.class);
            for (String s : scopes.split(",")) {
                Scope.parse(s).ifPresent(endpoint::add);
            }
        }
        String crates = str(c.get("crates"));
        List<String> crateScopes = crates.equals("*") ? null
                : Arrays.stream(crates.split(",")).filter(s -> !s.isEmpty()).toList();
        long tokenId = c.get("tokenId") == null ? 0 : Long.parseLong(str(c.get("tokenId")));
        return new Principal(login, tokenId, bool(c.get("admin")), endpoint, crateScopes, null, readRequired);
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static boolean bool(Object o) {
        return o != null && Boolean.parseBoolean(o.toString());
    }
}
