package dev.cargoreg.functions.owners;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static dev.cargoreg.testing.AwsRegistryFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnersHandlerIT {
    AwsRegistryFixture fx;
    OwnersHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        handler = new OwnersHandler(fx.services.owners());
        fx.publish(ALICE, "sample-crate", "0.1.0");
    }

    Set<String> owners() {
        return fx.store.findCrate("sample_crate").orElseThrow().owners();
    }

    @Test
    void list_shows_users_with_u32_ids() {
        var r = handler.handleRequest(fx.event("owners-list.json", null, null, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        JsonNode users = AwsRegistryFixture.json(r).get("users");
        assertEquals(1, users.size());
        assertEquals("alice", users.get(0).get("login").asText());
        assertEquals("Alice", users.get(0).get("name").asText());
        assertEquals("user", users.get(0).get("kind").asText());
        long id = users.get(0).get("id").asLong();
        assertTrue(id > 0 && id <= 0xFFFF_FFFFL);
    }

    @Test
    void an_owner_adds_and_removes_owners_at_once() {
        var add = handler.handleRequest(fx.event("owners-add.json", null, ALICE, null), null);
        assertEquals(200, add.getStatusCode(), add.getBody());
        assertTrue(AwsRegistryFixture.json(add).get("ok").asBoolean());
        assertTrue(AwsRegistryFixture.json(add).get("msg").asText().contains("bob"));
        assertEquals(Set.of("alice", "bob"), owners());

        // the new owner can manage owners right away (no invitation step)
        var remove = handler.handleRequest(fx.event("owners-remove.json", null, BOB, "{\"users\":[\"alice\"]}"), null);
        assertEquals(200, remove.getStatusCode(), remove.getBody());
        assertTrue(AwsRegistryFixture.json(remove).has("msg"), "cargo requires msg on DELETE too");
        assertEquals(Set.of("bob"), owners());
    }

    @Test
    void refusals_change_nothing() {
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, BOB, null), null), 403, "only owners");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, null, null), null), 403, "requires authentication");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-remove.json", null, ALICE, "{\"users\":[\"alice\"]}"), null), 400, "cannot remove all owners");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "{\"users\":[\"nobody\"]}"), null), 400, "could not find user with login `nobody`");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "{\"users\":[\"alice\"]}"), null), 400, "already an owner");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "{\"users\":[\"bob\",\"bob\"]}"), null), 400, "more than once");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-remove.json", null, ALICE, "{\"users\":[\"bob\"]}"), null), 400, "not an owner");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "{\"users\":"), null), 400, "invalid JSON");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "{\"users\":[]}"), null), 400, "at least one login");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "[1,2]"), null), 400, "invalid JSON");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, "{\"users\":[1]}"), null), 400, "non-empty string");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", Map.of("name", "no-such-crate"), ALICE, null), null), 404, "does not exist");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-list.json", Map.of("name", "no-such-crate"), null, null), null), 404, "does not exist");
        assertEquals(Set.of("alice"), owners());
    }

    /** Every body the parser refuses (OwnerRequestsTest) is a 400 at the edge, adding and removing, that changes nothing. */
    @Test
    void malformed_bodies_are_400_both_ways() {
        for (String body : new String[] {"{", "[]", "{}", "{\"users\":[]}", "{\"users\":\"bob\"}", "{\"users\":[1]}",
                "{\"users\":[\"\"]}", "{\"users\":[\"bob\",\"bob\"]}",
                "{\"users\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]}"}) {
            fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-add.json", null, ALICE, body), null), 400, "");
            fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("owners-remove.json", null, ALICE, body), null), 400, "");
        }
        assertEquals(Set.of("alice"), owners());
    }
}
