package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.error.RegistryException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A token to create, valid by construction. {@code endpointScopes}/{@code crateScopes} null: unrestricted;
 * {@code expiresAt} null: never expires (that it lies in the future is checked against the clock by
 * {@link TokenService#create}). Each rule is also a static method so that a parser can apply them in the order it reads.
 */
public record NewToken(String name, Set<Scope> endpointScopes, List<String> crateScopes, Instant expiresAt) {
    public static final int MAX_NAME_LENGTH = 128;
    public static final int MAX_CRATE_SCOPES = 100;

    public NewToken {
        name = validName(name);
        endpointScopes = validEndpointScopes(endpointScopes);
        crateScopes = validCrateScopes(crateScopes);
    }

    /** The name, trimmed: 1 to 128 characters. */
    public static String validName(String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty() || n.length() > MAX_NAME_LENGTH) {
            throw RegistryException.badRequest("the token needs a name of 1 to 128 characters");
        }
        return n;
    }

    /** Null (full rights) or at least one scope. */
    public static Set<Scope> validEndpointScopes(Set<Scope> scopes) {
        if (scopes == null) {
            return null;
        }
        if (scopes.isEmpty()) {
            throw RegistryException.badRequest("endpoint_scopes must not be empty (leave it out, or null, for full rights)");
        }
        return Collections.unmodifiableSet(EnumSet.copyOf(scopes));
    }

    /** Null (every crate) or 1 to 100 crate names or `prefix*` patterns. */
    public static List<String> validCrateScopes(List<String> patterns) {
        if (patterns == null) {
            return null;
        }
        if (patterns.isEmpty() || patterns.size() > MAX_CRATE_SCOPES) {
            throw RegistryException.badRequest("crate_scopes must be a list of 1 to 100 crate names or `prefix*` patterns");
        }
        List<String> out = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            String p = pattern == null ? "" : pattern;
            String base = p.endsWith("*") ? p.substring(0, p.length() - 1) : p;
            if (!p.equals("*")) {
                try {
                    CrateName.validateDependencyName(base, 64);
                } catch (RegistryException e) {
                    throw RegistryException.badRequest("invalid crate scope `" + p + "`: " + e.detail());
                }
            }
            out.add(p);
        }
        return List.copyOf(out);
    }
}
