package dev.cargoreg.functions.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static dev.cargoreg.testing.AwsRegistryFixture.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchHandlerIT {
    AwsRegistryFixture fx;
    SearchHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        // refresh on every request, so the test sees each change at once
        handler = new SearchHandler(fx.services.search());
        fx.publish(ALICE, "serde-lite", "1.0.0");
        fx.publish(ALICE, "serde", "1.2.0");
        fx.publish(ALICE, "serde", "1.3.0-rc.1");
        fx.publish(ALICE, "tokio-lite", "0.1.0");
    }

    JsonNode search(Map<String, String> query) {
        var e = fx.event("search.json", null, null, null);
        e.setQueryStringParameters(query);
        var r = handler.handleRequest(e, null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        return AwsRegistryFixture.json(r);
    }

    List<String> names(JsonNode result) {
        List<String> names = new ArrayList<>();
        result.get("crates").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    @Test
    void exact_name_match_comes_first_with_max_version_and_total() {
        JsonNode r = search(Map.of("q", "serde"));
        assertEquals(List.of("serde", "serde-lite"), names(r));
        assertEquals(2, r.get("meta").get("total").asInt());
        JsonNode serde = r.get("crates").get(0);
        assertEquals("1.3.0-rc.1", serde.get("max_version").asText());
        assertEquals("1.2.0", serde.get("max_stable_version").asText());
        assertEquals("the serde crate", serde.get("description").asText());
        assertTrue(serde.get("exact_match").asBoolean());
    }

    @Test
    void matches_description_and_keywords_and_pages() {
        assertEquals(List.of("tokio-lite"), names(search(Map.of("q", "kw-tokio-lite"))));
        assertEquals(List.of("serde-lite", "tokio-lite"), names(search(Map.of("q", "lite", "sort", "alpha"))));
        JsonNode page1 = search(Map.of("q", "", "per_page", "2", "sort", "alpha"));
        assertEquals(List.of("serde", "serde-lite"), names(page1));
        assertEquals(3, page1.get("meta").get("total").asInt());
        assertTrue(page1.get("meta").get("next_page").asText().contains("page=2"));
        assertEquals(List.of("tokio-lite"), names(search(Map.of("q", "", "per_page", "2", "page", "2", "sort", "alpha"))));
    }

    @Test
    void search_follows_yanks_and_removals() {
        fx.services.yank().setYanked(fx.principal(ALICE), "tokio-lite", "0.1.0", true);
        JsonNode r = search(Map.of("q", "tokio"));
        assertEquals("0.0.0", r.get("crates").get(0).get("max_version").asText(), "all versions yanked");
        fx.services.removal().removeCrate(fx.principal(ROOT), "tokio-lite");
        assertEquals(List.of(), names(search(Map.of("q", "tokio"))), "search forgets a removed crate");
    }

    @Test
    void concurrent_publishes_all_show_up() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            fs.add(pool.submit(() -> fx.publish(ALICE, "many-" + n, "1.0." + n)));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertEquals(16, search(Map.of("q", "many", "per_page", "100")).get("meta").get("total").asInt());
    }

    @Test
    void bad_parameters_are_refused() {
        for (var bad : List.of(Map.of("q", "x", "per_page", "0"), Map.of("q", "x", "per_page", "101"),
                Map.of("q", "x", "per_page", "ten"), Map.of("q", "x", "page", "0"), Map.of("q", "x", "sort", "most-downloads"))) {
            var e = fx.event("search.json", null, null, null);
            e.setQueryStringParameters(bad);
            AwsRegistryFixture.assertRefused(handler.handleRequest(e, null), 400, "");
        }
    }
}
