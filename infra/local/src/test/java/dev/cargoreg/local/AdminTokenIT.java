package dev.cargoreg.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local runner's admin token is an ordinary token: listed, revocable, and rotated by starting with another
 * `--admin-token`, after which exactly one runner admin token is valid. Real runner starts over one data dir.
 */
class AdminTokenIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String FIRST = "cargoreg_FirstOperatorSecret0000000000000000";
    static final String SECOND = "cargoreg_SecondOperatorSecret000000000000000";

    @Test
    void short_admin_tokens_are_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--admin-token", "abc"}));
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
        assertEquals(32, Options.parse(new String[] {"--admin-token", "x".repeat(32)}).adminToken().length());
    }

    @Test
    void a_new_admin_token_leaves_exactly_one_valid_and_a_revoked_one_cannot_come_back() throws Exception {
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "admintoken").resolve("data");
        String generated;
        try (LocalRegistry r = LocalRegistry.start(Options.builder(data).build())) {
            generated = r.token();
            assertEquals(200, send(r, "GET", "/api/v1/me", generated).statusCode());
            assertEquals(List.of("bootstrap"), names(r, generated));
        }
        try (LocalRegistry r = LocalRegistry.start(Options.builder(data).adminToken(FIRST).build())) {
            assertEquals(403, send(r, "GET", "/api/v1/me", generated).statusCode());
            assertEquals(200, send(r, "GET", "/api/v1/me", FIRST).statusCode());
        }
        try (LocalRegistry r = LocalRegistry.start(Options.builder(data).adminToken(SECOND).build())) {
            for (String old : List.of(generated, FIRST)) {
                HttpResponse<String> refused = send(r, "GET", "/api/v1/me", old);
                assertEquals(403, refused.statusCode());
                assertTrue(refused.body().contains("revoked"), refused.body());
            }
            assertEquals(List.of("local admin"), names(r, SECOND));
            // the admin revokes their own token
            assertEquals(204, send(r, "DELETE", "/api/v1/tokens/current", SECOND).statusCode());
            assertEquals(403, send(r, "GET", "/api/v1/me", SECOND).statusCode());
        }
        // a short secret given to the start method is refused too (not only on the command line)
        LocalRegistry.StartupException tooShort = assertThrows(LocalRegistry.StartupException.class,
                () -> LocalRegistry.start(Options.builder(data).adminToken("short").build()));
        assertTrue(tooShort.getMessage().contains("at least 32"), tooShort.getMessage());
        // a revoked secret given again is refused; without one, the runner issues a new token
        LocalRegistry.StartupException e = assertThrows(LocalRegistry.StartupException.class,
                () -> LocalRegistry.start(Options.builder(data).adminToken(SECOND).build()));
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        try (LocalRegistry r = LocalRegistry.start(Options.builder(data).build())) {
            String fresh = r.token();
            assertTrue(!fresh.equals(SECOND) && !fresh.equals(FIRST) && !fresh.equals(generated));
            assertEquals(List.of("local admin"), names(r, fresh));
            assertEquals(fresh, Files.readString(data.resolve("admin-token")).trim());
        }
    }

    /** The names of the admin's live tokens. */
    private static List<String> names(LocalRegistry r, String token) throws Exception {
        HttpResponse<String> list = send(r, "GET", "/api/v1/me/tokens", token);
        assertEquals(200, list.statusCode(), list.body());
        List<String> names = new ArrayList<>();
        for (JsonNode t : JSON.readTree(list.body()).get("api_tokens")) {
            names.add(t.get("name").asText());
        }
        return names;
    }

    private static HttpResponse<String> send(LocalRegistry r, String method, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(r.apiUrl() + path)).header("Authorization", token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
