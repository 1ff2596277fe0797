package dev.cargoreg.functions.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static dev.cargoreg.testing.AwsRegistryFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensHandlerIT {
    AwsRegistryFixture fx;
    TokensHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        handler = new TokensHandler(fx.services.tokens(), fx.services.trustedPublishing());
    }

    JsonNode ok(String sample, Map<String, String> params, String token, String body) {
        var r = handler.handleRequest(fx.event(sample, params, token, body), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals("no-store", r.getHeaders().get("cache-control"));
        return AwsRegistryFixture.json(r);
    }

    @Test
    void create_use_list_revoke() {
        JsonNode created = ok("tokens-create.json", null, ALICE, null).get("api_token");
        String secret = created.get("token").asText();
        assertTrue(secret.startsWith(Tokens.PREFIX));
        assertEquals("[\"publish-update\",\"yank\"]", created.get("endpoint_scopes").toString());
        assertEquals("[\"sample-*\"]", created.get("crate_scopes").toString());
        assertEquals("2030-01-01T00:00:00Z", created.get("expired_at").asText());
        assertTrue(fx.snapshot().stream().noneMatch(s -> s.contains(secret)), "only the hash is stored");

        var me = ok("me.json", null, secret, null);
        assertEquals("alice", me.get("user").get("login").asText());
        String id = created.get("id").asText();
        // alice's list: the fixture's own token and this one
        JsonNode list = ok("tokens-list.json", null, ALICE, null).get("api_tokens");
        assertEquals(2, list.size());
        JsonNode listed = listed(list, id);
        assertFalse(listed.has("token"), "no secret in lists");
        assertTrue(listed.get("last_used_at").isTextual(), "used once by /me");

        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("tokens-revoke.json", Map.of("id", id), BOB, null), null), 404, "no token");
        ok("tokens-revoke.json", Map.of("id", id), ALICE, null);
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("me.json", null, secret, null), null), 403, "revoked");
        JsonNode after = ok("tokens-list.json", null, ALICE, null).get("api_tokens");
        assertEquals(1, after.size());
        assertFalse(after.get(0).get("id").asText().equals(id), "the revoked token is no longer listed");
    }

    private static JsonNode listed(JsonNode list, String id) {
        for (JsonNode t : list) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("token " + id + " is not listed: " + list);
    }

    @Test
    void a_token_revokes_itself() {
        String secret = ok("tokens-create.json", null, ALICE, "{\"api_token\":{\"name\":\"leaky\"}}").get("api_token").get("token").asText();
        var r = handler.handleRequest(fx.event("tokens-revoke-current.json", null, secret, null), null);
        assertEquals(204, r.getStatusCode());
        assertNull(r.getBody());
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("me.json", null, secret, null), null), 403, "revoked");
    }

    @Test
    void invalid_requests_are_refused_and_change_nothing() {
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, "{\"api_token\":{\"name\":\"\"}}"), null), 400, "name");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"root\"]}}"), null), 400, "invalid endpoint scope");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"bad name*\"]}}"), null), 400, "invalid crate scope");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, "{\"api_token\":{\"name\":\"x\",\"expired_at\":\"2001-01-01T00:00:00Z\"}}"), null), 400, "future");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, "{\"api_token\":{\"name\":\"x\",\"expired_at\":\"tomorrow\"}}"), null), 400, "RFC 3339");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, "{not json"), null), 400, "invalid JSON");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, null, null), null), 403, "requires authentication");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-revoke.json", Map.of("id", "abc"), ALICE, null), null), 404, "no token");
    }

    /** Every body the parser refuses (TokenRequestsTest) is a 400 at the edge that stores nothing. */
    @Test
    void malformed_bodies_are_400_and_store_nothing() {
        for (String body : new String[] {
                "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"publish\"]}}",
                "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"yank\",\"everything\"]}}",
                "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[]}}",
                "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":\"yank\"}}",
                "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[1]}}",
                "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[]}}",
                "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"not a name\"]}}",
                "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"foo**\"]}}",
                "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"\"]}}",
                "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":\"foo\"}}",
                "{\"api_token\":{\"name\":\"x\",\"expired_at\":\"next tuesday\"}}",
                "{\"api_token\":{\"name\":\"\"}}",
                "{\"api_token\":{\"name\":\"   \"}}",
                "{\"api_token\":{}}",
                "{\"name\":\"x\"}",
                "{not json",
                ""}) {
            fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("tokens-create.json", null, ALICE, body), null), 400, "");
        }
    }
}
