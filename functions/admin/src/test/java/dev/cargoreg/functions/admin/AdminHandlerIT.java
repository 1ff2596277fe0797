package dev.cargoreg.functions.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static dev.cargoreg.testing.AwsRegistryFixture.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminHandlerIT {
    AwsRegistryFixture fx;
    AdminHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        handler = new AdminHandler(fx.services.removal(), fx.services.users(), fx.services.reindex(), fx.services.audit(),
                fx.services.mirrorPolicy());
        fx.publish(ALICE, "sample-crate", "0.1.0");
        fx.publish(ALICE, "sample-crate", "0.2.0");
        fx.publish(ALICE, "other-crate", "1.0.0");
    }

    @Test
    void reindex_rebuilds_a_lost_index_file_and_says_when_the_walk_is_done() {
        String before = fx.indexFile("sa/mp/sample-crate");
        fx.blobs.delete("index/sa/mp/sample-crate");

        var r = handler.handleRequest(fx.event("admin-reindex.json", null, ROOT, null), null);

        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals("{\"cleaned\":0,\"failed\":0,\"next\":null,\"ok\":true,\"rebuilt\":2}", r.getBody());
        assertEquals(before, fx.indexFile("sa/mp/sample-crate"));
    }

    @Test
    void reindex_goes_on_from_a_cursor_and_refuses_one_it_did_not_give() {
        // a cursor of the last shard's start: only what that shard holds is left
        var event = fx.event("admin-reindex.json", null, ROOT, null);
        event.setQueryStringParameters(Map.of("after", "p1.f"));
        var r = handler.handleRequest(event, null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertTrue(r.getBody().contains("\"next\":null"), r.getBody());

        // a damaged file a reindex would repair: a refused request leaves it (and every item and object) as it was
        fx.blobs.delete("index/ot/he/other-crate");
        var forged = fx.event("admin-reindex.json", null, ROOT, null);
        forged.setQueryStringParameters(Map.of("after", "p1.0.not-base64!"));
        fx.assertRefusedAndUnchanged(() -> {
            var refused = handler.handleRequest(forged, null);
            assertEquals("{\"errors\":[{\"detail\":\"`after` is not a cursor a reindex answered: start again without it\"}]}",
                    refused.getBody());
            return refused;
        }, 400, "`after`");
        assertNull(fx.indexFile("ot/he/other-crate"));
    }

    @Test
    void reindex_counts_its_time_from_when_api_gateway_received_the_request_and_resumes_after_any_crate() {
        // 42 crates in 16 shards: some shard holds three or more, so stops fall inside a shard's page too
        for (int i = 0; i < 40; i++) {
            fx.publish(ALICE, "walk-" + i, "1.0.0");
        }
        List<String> names = new ArrayList<>(List.of("sample-crate", "other-crate"));
        for (int i = 0; i < 40; i++) {
            names.add("walk-" + i);
        }
        names.forEach(n -> fx.blobs.delete(IndexPaths.keyOf(n)));

        // every request received 21 s ago (a long cold start): 20 s of work already spent, so each does one crate
        // and answers where to go on
        int rebuilt = 0;
        int requests = 0;
        String next = null;
        do {
            var late = fx.event("admin-reindex.json", null, ROOT, null);
            late.getRequestContext().setTimeEpoch(System.currentTimeMillis() - 21_000);
            if (next != null) {
                late.setQueryStringParameters(Map.of("after", next));
            }
            var r = handler.handleRequest(late, null);
            assertEquals(200, r.getStatusCode(), r.getBody());
            JsonNode body = AwsRegistryFixture.json(r);
            assertTrue(body.get("rebuilt").asInt() <= 1, r.getBody());
            rebuilt += body.get("rebuilt").asInt();
            next = body.get("next").isNull() ? null : body.get("next").asText();
            assertTrue(++requests < 100, "the walk ends");
        } while (next != null);

        assertEquals(42, rebuilt, "each crate once");
        for (String n : names) {
            assertTrue(fx.blobs.get(IndexPaths.keyOf(n)).isPresent(), n + "'s index file rebuilt");
        }
    }

    @Test
    void removing_a_version_drops_its_line_and_tarball_and_nothing_else() {
        String other = fx.indexFile("ot/he/other-crate");
        var r = handler.handleRequest(fx.event("admin-remove-version.json", null, ROOT, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        String index = fx.indexFile("sa/mp/sample-crate");
        assertEquals(1, index.split("\n").length);
        assertTrue(index.contains("\"vers\":\"0.2.0\""));
        assertTrue(fx.blobs.get("crates/sample-crate/sample-crate-0.1.0.crate").isEmpty());
        assertTrue(fx.blobs.get("crates/sample-crate/sample-crate-0.2.0.crate").isPresent());
        assertEquals(List.of("/crates/sample-crate/sample-crate-0.1.0.crate", "/crates/sample-crate/sample-crate-0.1.0.readme.html",
                "/crates/sample-crate/sample-crate-0.1.0.readme"),
                fx.cdn.paths(),
                "the removed tarball only: the index file refreshes at the edge by its max-age");
        assertEquals(other, fx.indexFile("ot/he/other-crate"));
        assertEquals("0.2.0", fx.store.findCrate("sample_crate").orElseThrow().summary().maxVersion());
    }

    @Test
    void removing_a_crate_removes_its_index_file_so_it_404s() {
        var r = handler.handleRequest(fx.event("admin-remove-crate.json", null, ROOT, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertNull(fx.indexFile("sa/mp/sample-crate"));
        assertTrue(fx.store.findCrate("sample_crate").isEmpty());
        assertTrue(fx.store.listVersions("sample_crate").isEmpty());
        assertTrue(fx.blobs.get("crates/sample-crate/sample-crate-0.2.0.crate").isEmpty());
        assertTrue(fx.indexFile("ot/he/other-crate").contains("1.0.0"), "other crates are intact");
        // the name can be published again, from scratch
        fx.publish(ALICE, "sample-crate", "0.3.0");
        assertEquals(1, fx.indexFile("sa/mp/sample-crate").split("\n").length);
    }

    @Test
    void only_admins_may_remove_and_refusals_change_nothing() {
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-remove-crate.json", null, ALICE, null), null), 403, "administrators");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-remove-version.json", null, null, null), null), 403, "requires authentication");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-remove-version.json", Map.of("name", "sample-crate", "version", "9.0.0"), ROOT, null), null), 404, "does not have a version");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-remove-crate.json", Map.of("name", "nope"), ROOT, null), null), 404, "does not exist");
    }

    @Test
    void an_admin_creates_a_user_whose_first_token_works_and_is_stored_hashed() {
        var r = handler.handleRequest(fx.event("admin-create-user.json", null, ROOT, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        JsonNode j = AwsRegistryFixture.json(r);
        String token = j.get("api_token").get("token").asText();
        assertTrue(token.startsWith(Tokens.PREFIX) && token.length() >= Tokens.PREFIX.length() + 43);
        assertEquals("carol", fx.store.findToken(Tokens.sha256Hex(token)).orElseThrow().login());
        assertTrue(fx.snapshot().stream().noneMatch(s -> s.contains(token)), "the secret itself is stored nowhere");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-create-user.json", null, ROOT, null), null), 409, "already exists");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-create-user.json", null, ALICE, "{\"login\":\"eve\"}"), null), 403, "administrators");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-create-user.json", null, ROOT, "{\"login\":\"bad login\"}"), null), 400, "invalid login");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-create-user.json", null, ROOT, "not json"), null), 400, "invalid JSON");
    }

    /** Every body the parser refuses (AdminRequestsTest) is a 400 at the edge that creates nobody. */
    @Test
    void malformed_create_user_bodies_are_400_and_create_nobody() {
        for (String body : new String[] {"{", "[]", "{}", "{\"login\":7}", "{\"name\":\"bob\"}",
                "{\"login\":\"\"}", "{\"login\":\"-bob\"}", "{\"login\":\"_bob\"}", "{\"login\":\"bob/../x\"}",
                "{\"login\":\"bøb\"}", "{\"login\":\"a234567890123456789012345678901234567890\"}",
                "{\"login\":\"bob\",\"name\":\"" + "n".repeat(201) + "\"}"}) {
            fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("admin-create-user.json", null, ROOT, body), null), 400, "");
        }
    }
}
