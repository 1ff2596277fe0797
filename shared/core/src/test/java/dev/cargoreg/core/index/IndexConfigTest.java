package dev.cargoreg.core.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.RegistryConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RegistryConfig config(String cdn, String api, boolean authRequired) {
        return RegistryConfig.builder("t", "b", cdn, api).authRequired(authRequired).build();
    }

    @Test
    void config_json_names_dl_api_and_auth_required() throws Exception {
        byte[] body = IndexConfig.render(config("https://cdn.example.com", "https://api.example.com", false));
        JsonNode n = JSON.readTree(body);

        assertEquals("https://cdn.example.com/crates/{crate}/{crate}-{version}.crate", n.get("dl").asText());
        assertEquals("https://api.example.com", n.get("api").asText());
        assertTrue(n.get("auth-required").isBoolean());
        assertFalse(n.get("auth-required").asBoolean());
    }

    @Test
    void api_has_no_trailing_slash_even_when_configured_with_one() throws Exception {
        JsonNode n = JSON.readTree(IndexConfig.render(config("https://cdn.example.com/", "https://api.example.com//", false)));

        assertEquals("https://api.example.com", n.get("api").asText());
        assertFalse(n.get("dl").asText().contains("//crates"), n.get("dl").asText());
    }

    @Test
    void api_keeps_a_path_prefix() throws Exception {
        JsonNode n = JSON.readTree(IndexConfig.render(config("https://cdn.example.com", "https://example.com/registry/", false)));

        assertEquals("https://example.com/registry", n.get("api").asText());
    }

    @Test
    void auth_required_registries_say_so() throws Exception {
        JsonNode n = JSON.readTree(IndexConfig.render(config("https://cdn.example.com", "https://api.example.com", true)));

        assertTrue(n.get("auth-required").asBoolean());
    }

    @Test
    void config_json_is_compact_one_line_ending_with_a_newline() throws Exception {
        String s = new String(IndexConfig.render(config("https://cdn.example.com", "https://api.example.com", true)),
                StandardCharsets.UTF_8);

        assertTrue(s.endsWith("}\n"), s);
        assertEquals(s.length() - 1, s.indexOf('\n'), "exactly one line: " + s);
        assertFalse(s.contains(" "), "compact: " + s);
        JsonNode n = JSON.readTree(s);
        assertEquals(Set.of("dl", "api", "auth-required"), Set.copyOf(iterable(n.fieldNames())));
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void index_url_ends_with_a_slash() {
        assertEquals("https://cdn.example.com/index/", config("https://cdn.example.com/", "https://a", false).indexUrl());
    }
}
