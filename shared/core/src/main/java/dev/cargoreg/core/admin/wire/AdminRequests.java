package dev.cargoreg.core.admin.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.admin.NewUser;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.JsonBodies;

/** The admin API's request bodies, parsed into the services' records. */
public final class AdminRequests {
    private static final String EXPECTED = "invalid JSON body: expected {\"login\":\"…\",\"name\":\"…\"}";

    private AdminRequests() {
    }

    /** PUT /api/v1/admin/users {"login":"…","name":"…","admin":false}; name and admin may be left out. */
    public static NewUser newUser(byte[] body) {
        JsonNode req = JsonBodies.read(body, EXPECTED);
        if (req == null || !req.isObject() || !req.path("login").isTextual()) {
            throw RegistryException.badRequest(EXPECTED);
        }
        return new NewUser(req.get("login").asText(),
                req.path("name").isTextual() ? req.get("name").asText() : null,
                req.path("admin").asBoolean(false));
    }
}
