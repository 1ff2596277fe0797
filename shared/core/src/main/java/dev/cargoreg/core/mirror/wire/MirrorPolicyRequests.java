package dev.cargoreg.core.mirror.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.JsonBodies;

/** The bodies of the mirror policy's admin API. */
public final class MirrorPolicyRequests {
    private static final String RULE = "invalid JSON body: expected {\"effect\":\"deny\"|\"allow\",\"crate\":\"<name or pattern>\","
            + "\"versions\":\"<cargo version requirement, optional>\",\"reason\":\"…\"}";
    private static final String NAME = "invalid JSON body: expected {\"reason\":\"…\"} (or no body)";

    private MirrorPolicyRequests() {
    }

    /** PUT /api/v1/admin/mirror/rules/{id}. */
    public record RuleRequest(String effect, String crate, String versions, String reason) {
    }

    public static RuleRequest rule(byte[] body) {
        JsonNode req = JsonBodies.read(body, RULE);
        if (req == null || !req.isObject()) {
            throw RegistryException.badRequest(RULE);
        }
        for (String field : new String[] {"effect", "crate", "versions", "reason"}) {
            if (!req.path(field).isMissingNode() && !req.path(field).isNull() && !req.path(field).isTextual()) {
                throw RegistryException.badRequest("`" + field + "` must be a string; " + RULE);
            }
        }
        return new RuleRequest(text(req, "effect"), text(req, "crate"), text(req, "versions"), text(req, "reason"));
    }

    /** PUT /api/v1/admin/mirror/reserved/{pattern} and …/allowed/{name}: an optional reason. */
    public static String reason(byte[] body) {
        JsonNode req = JsonBodies.read(body, NAME);
        if (req == null) {
            return null;
        }
        if (!req.isObject() || (!req.path("reason").isMissingNode() && !req.path("reason").isNull() && !req.path("reason").isTextual())) {
            throw RegistryException.badRequest(NAME);
        }
        return text(req, "reason");
    }

    private static String text(JsonNode req, String field) {
        return req.path(field).isTextual() ? req.get(field).asText() : null;
    }
}
