package dev.cargoreg.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's {@code --webhook}: every change as an event, in order, at least once, also across a failing receiver. */
class WebhookIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    HttpServer receiver;
    LocalRegistry registry;
    final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger refuseNext = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    HttpResponse<String> send(String method, String path, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", token);
        if (body != null && body.length > 0 && body[0] == '{') {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
        return r;
    }

    @Test
    void every_change_is_posted_as_its_event_in_order_and_a_failing_receiver_gets_them_later() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean refuse = refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (refuse) {
                refused.incrementAndGet();
            } else {
                accepted.add(JSON.readTree(body));
            }
            exchange.sendResponseHeaders(refuse ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "webhook");
        // the receiver is down for the first three attempts: the bootstrap's events arrive once it answers
        refuseNext.set(3);
        registry = LocalRegistry.start(Options.builder(dir.resolve("data"))
                .adminToken("cargoreg_WebhookAdminToken00000000000000000000")
                .webhook(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")).build());
        String admin = registry.token();

        send("PUT", "/api/v1/admin/users", admin, "{\"login\":\"bob\"}".getBytes());
        send("PUT", "/api/v1/crates/new", admin, PublishBodyBuilder.bare("hooked", "1.0.0").body());
        send("DELETE", "/api/v1/crates/hooked/1.0.0/yank", admin, null);
        send("PUT", "/api/v1/crates/hooked/1.0.0/unyank", admin, new byte[0]);
        send("PUT", "/api/v1/crates/hooked/owners", admin, "{\"users\":[\"bob\"]}".getBytes());
        send("DELETE", "/api/v1/crates/hooked/owners", admin, "{\"users\":[\"bob\"]}".getBytes());
        send("DELETE", "/api/v1/crates/hooked", admin, null);

        List<String> expected = List.of("user.created", "token.created", "user.created", "token.created",
                "crate.published hooked 1.0.0", "crate.yanked hooked 1.0.0", "crate.unyanked hooked 1.0.0",
                "owners.added hooked", "owners.removed hooked", "crate.removed hooked 1.0.0");
        long deadline = System.currentTimeMillis() + 20_000;
        while (accepted.size() < expected.size() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        List<String> got = accepted.stream().map(e -> {
            JsonNode d = e.get("detail");
            String what = e.get("detail-type").asText();
            return d.get("crate").asText().isEmpty() ? what : what + " " + d.get("crate").asText()
                    + (d.get("version").asText().isEmpty() ? "" : " " + d.get("version").asText());
        }).toList();
        assertEquals(3, refused.get());
        assertEquals(3, registry.webhookFailedAttempts(), "each failed attempt is counted (and printed)");
        assertEquals(expected.size(), accepted.size(), got.toString());
        JsonNode published = accepted.get(4);
        assertEquals("cargo-registry", published.get("source").asText());
        assertEquals("crate.published", published.get("detail-type").asText());
        assertEquals("admin", published.get("detail").get("actor").asText());
        assertTrue(published.get("detail").get("token_id").asLong() > 0, published.toString());
        assertEquals(published.get("id").asText(), published.get("detail").get("id").asText());
        assertTrue(!published.get("detail").has("source_ip"), "events do not carry the caller's address");
        assertEquals(expected, got);
    }
}
