package dev.cargoreg.core.tokens.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.JsonBodies;
import dev.cargoreg.core.tokens.NewToken;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The token API's request bodies, in crates.io's shape, parsed into the service's records. */
public final class TokenRequests {
    private static final String EXPECTED = "invalid JSON body: expected {\"api_token\":{\"name\":\"…\"}}";

    private TokenRequests() {
    }

    /** PUT /api/v1/me/tokens {"api_token":{"name","endpoint_scopes","crate_scopes","expired_at"}}. */
    public static NewToken newToken(byte[] body) {
        JsonNode req = JsonBodies.read(body, EXPECTED);
        JsonNode t = req == null ? null : req.get("api_token");
        if (t == null || !t.isObject()) {
            throw RegistryException.badRequest(EXPECTED);
        }
        // the fields are checked in the order they are read, each with the record's own rule
        String name = NewToken.validName(t.path("name").isTextual() ? t.get("name").asText() : null);
        Set<Scope> endpointScopes = NewToken.validEndpointScopes(endpointScopes(t.get("endpoint_scopes")));
        List<String> crateScopes = NewToken.validCrateScopes(crateScopes(t.get("crate_scopes")));
        Instant expires = null;
        JsonNode exp = t.get("expired_at");
        if (exp != null && !exp.isNull()) {
            try {
                expires = Instant.parse(exp.asText());
            } catch (DateTimeParseException e) {
                throw RegistryException.badRequest("expired_at must be an RFC 3339 time such as 2030-01-01T00:00:00Z");
            }
        }
        return new NewToken(name, endpointScopes, crateScopes, expires);
    }

    private static Set<Scope> endpointScopes(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw RegistryException.badRequest("endpoint_scopes must be a list such as [\"publish-update\", \"yank\"]");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode s : node) {
            scopes.add(Scope.parse(s.isTextual() ? s.asText() : null).orElseThrow(() -> RegistryException.badRequest(
                    "invalid endpoint scope `" + s.asText() + "`; the scopes are publish-new, publish-update, yank,"
                            + " change-owners, read and admin")));
        }
        return scopes;
    }

    /** The patterns as given (a non-string entry becomes "", which the record refuses by name). */
    private static List<String> crateScopes(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw RegistryException.badRequest("crate_scopes must be a list of 1 to 100 crate names or `prefix*` patterns");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode s : node) {
            out.add(s.isTextual() ? s.asText() : "");
        }
        return out;
    }
}
