package dev.cargoreg.core.owners.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.JsonBodies;
import dev.cargoreg.core.owners.OwnerLogins;

import java.util.ArrayList;
import java.util.List;

/** The owners API's request bodies, parsed into the service's records. */
public final class OwnerRequests {
    private static final String EXPECTED = "invalid JSON body: expected {\"users\":[\"login\", …]}";

    private OwnerRequests() {
    }

    /** {"users":["login",…]} as cargo sends it ("owners" is accepted too, as on crates.io). */
    public static OwnerLogins logins(byte[] body) {
        JsonNode root = JsonBodies.read(body, EXPECTED);
        JsonNode users = root == null || !root.isObject() ? null : root.has("users") ? root.get("users") : root.get("owners");
        if (users == null || !users.isArray() || users.isEmpty()) {
            throw RegistryException.badRequest(EXPECTED + " with at least one login");
        }
        List<String> logins = new ArrayList<>(users.size());
        for (JsonNode u : users) {
            logins.add(u.isTextual() ? u.asText() : null); // null: not a string, which the record refuses
        }
        return new OwnerLogins(logins);
    }
}
