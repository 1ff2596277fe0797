package dev.cargoreg.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.error.RegistryException;

import java.io.IOException;

/** The first step of every request-body parser in a capability's {@code wire} package. */
public final class JsonBodies {
    private JsonBodies() {
    }

    /** The body as a JSON tree; null for an empty body; a 400 with {@code invalid} when it is not JSON. */
    public static JsonNode read(byte[] body, String invalid) {
        try {
            return body == null || body.length == 0 ? null : Json.readTree(body);
        } catch (IOException e) {
            throw RegistryException.badRequest(invalid);
        }
    }
}
