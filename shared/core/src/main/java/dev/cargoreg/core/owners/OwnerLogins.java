package dev.cargoreg.core.owners;

import dev.cargoreg.core.error.RegistryException;

import java.util.ArrayList;
import java.util.List;

/** The logins of one owners request, valid by construction: 1 to 10 distinct, non-blank logins of at most 64 characters. */
public record OwnerLogins(List<String> logins) {
    public static final int MAX_LOGINS_PER_REQUEST = 10;
    public static final int MAX_LOGIN_LENGTH = 64;

    public OwnerLogins {
        if (logins == null || logins.isEmpty()) {
            throw RegistryException.badRequest("invalid JSON body: expected {\"users\":[\"login\", …]} with at least one login");
        }
        if (logins.size() > MAX_LOGINS_PER_REQUEST) {
            throw RegistryException.badRequest("too many logins in one request: " + logins.size() + " (max " + MAX_LOGINS_PER_REQUEST + ")");
        }
        List<String> checked = new ArrayList<>(logins.size());
        for (String l : logins) {
            if (l == null || l.isBlank() || l.length() > MAX_LOGIN_LENGTH) {
                throw RegistryException.badRequest("invalid JSON body: every login must be a non-empty string");
            }
            if (checked.contains(l)) {
                throw RegistryException.badRequest("`" + l + "` is listed more than once");
            }
            checked.add(l);
        }
        logins = List.copyOf(checked);
    }

    public static OwnerLogins of(String... logins) {
        return new OwnerLogins(List.of(logins));
    }
}
