package dev.cargoreg.local;

import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local edge's gate and responder over real HTTP, as CdnEmulator and MirrorEmulator use them: 405 for what is not
 * GET or HEAD, cargo's 401 challenge in a private registry, and what is served (Content-Type, ETag, HEAD, 304).
 */
class EdgeGateTest {
    static final String LOGIN_URL = "http://127.0.0.1:1/me";
    static final String TOKEN = "cargoreg_EdgeGateTestToken000000000000000000000";
    static final byte[] BODY = "{\"dl\":\"x\"}\n".getBytes(StandardCharsets.UTF_8);
    final HttpClient http = HttpClient.newHttpClient();
    HttpServer server;

    /** Serves every admitted request with BODY, or a 304 when asked with If-None-Match. */
    String start(EdgeGate gate) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String method = gate.admit(ex);
                if (method == null) {
                    return;
                }
                ex.getResponseHeaders().set("Cache-Control", "max-age=1");
                if (ObjectResponder.ifNoneMatchHolds(ex, "\"v1\"")) {
                    ObjectResponder.notModified(ex, "\"v1\"");
                    return;
                }
                ObjectResponder.send(ex, method, 200, "application/json", "\"v1\"", BODY);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/index/config.json";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Authenticator authenticatorKnowing(String token) {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        Unaudited.of(store).createUser("alice", "Alice", false, Instant.now());
        Unaudited.of(store).createToken(MetadataStore.TokenRecord.unrestricted(Tokens.sha256Hex(token), "alice", "edge", Instant.now()));
        return new Authenticator(store);
    }

    HttpResponse<String> call(String url, String method, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, method.equals("POST")
                ? HttpRequest.BodyPublishers.ofString("ignored") : HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void only_get_and_head_pass() throws Exception {
        String url = start(new EdgeGate(null, LOGIN_URL, true));
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            HttpResponse<String> r = call(url, method);
            assertEquals(405, r.statusCode(), method);
            assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""), method);
            assertEquals("", r.body(), method);
        }
    }

    @Test
    void a_public_gate_serves_the_object_with_its_type_and_etag_and_a_head_with_its_length() throws Exception {
        String url = start(new EdgeGate(null, LOGIN_URL, true));
        HttpResponse<String> get = call(url, "GET");
        assertEquals(200, get.statusCode());
        assertEquals("application/json", get.headers().firstValue("Content-Type").orElse(""));
        assertEquals("\"v1\"", get.headers().firstValue("ETag").orElse(""));
        assertEquals("max-age=1", get.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(new String(BODY, StandardCharsets.UTF_8), get.body());

        HttpResponse<String> head = call(url, "HEAD");
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(BODY.length), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals("\"v1\"", head.headers().firstValue("ETag").orElse(""));
        assertEquals("", head.body());

        HttpResponse<String> revalidated = call(url, "GET", "If-None-Match", "\"v1\"");
        assertEquals(304, revalidated.statusCode());
        assertEquals("\"v1\"", revalidated.headers().firstValue("ETag").orElse(""));
        assertEquals("max-age=1", revalidated.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("", revalidated.body());
    }

    @Test
    void a_private_gate_challenges_cargo_without_a_valid_token_and_tells_a_rejected_one_apart() throws Exception {
        String url = start(new EdgeGate(authenticatorKnowing(TOKEN), LOGIN_URL, true));
        HttpResponse<String> anonymous = call(url, "GET");
        assertEquals(401, anonymous.statusCode());
        assertEquals("Cargo login_url=\"" + LOGIN_URL + "\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("no-store", anonymous.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("text/plain; charset=utf-8", anonymous.headers().firstValue("Content-Type").orElse(""));
        assertTrue(anonymous.headers().firstValue("ETag").isEmpty(), "nothing of the object is revealed");
        assertEquals("this registry needs a token\n", anonymous.body());

        HttpResponse<String> wrong = call(url, "GET", "Authorization", "cargoreg_NeverIssued000000000000000000000000000");
        assertEquals(401, wrong.statusCode());
        assertEquals("Cargo login_url=\"" + LOGIN_URL + "\"", wrong.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("the token was not accepted\n", wrong.body());

        HttpResponse<String> head = call(url, "HEAD");
        assertEquals(401, head.statusCode());
        assertEquals(String.valueOf("this registry needs a token\n".length()), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals("", head.body());

        HttpResponse<String> allowed = call(url, "GET", "Authorization", TOKEN);
        assertEquals(200, allowed.statusCode());
        assertEquals(new String(BODY, StandardCharsets.UTF_8), allowed.body());
    }

    @Test
    void the_mirrors_gate_says_a_token_is_needed_whatever_was_sent() throws Exception {
        String url = start(new EdgeGate(authenticatorKnowing(TOKEN), LOGIN_URL, false));
        HttpResponse<String> wrong = call(url, "GET", "Authorization", "cargoreg_NeverIssued000000000000000000000000000");
        assertEquals(401, wrong.statusCode());
        assertEquals("this registry needs a token\n", wrong.body());
        assertEquals(200, call(url, "GET", "Authorization", TOKEN).statusCode());
    }

    @Test
    void a_failing_origin_is_answered_502_and_never_cached() throws Exception {
        Logger quiet = Logger.getLogger(EdgeGateTest.class.getName());
        quiet.setLevel(Level.OFF);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                EdgeGate.serveOr502(ex, quiet, e -> {
                    e.getResponseHeaders().set("Cache-Control", "max-age=1");
                    throw new IllegalStateException("the origin's code failed");
                });
            }
        });
        server.start();
        HttpResponse<String> r = call("http://127.0.0.1:" + server.getAddress().getPort() + "/crates/a/a-1.0.0.crate", "GET");
        assertEquals(502, r.statusCode());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("", r.body());
    }

    @Test
    void an_s3_etag_becomes_a_quoted_entity_tag() {
        assertNull(ObjectResponder.entityTag(null));
        assertEquals("\"abc123\"", ObjectResponder.entityTag("abc123"));
        assertEquals("\"abc123\"", ObjectResponder.entityTag("\"abc123\""));
        assertEquals("\"abc123-2\"", ObjectResponder.entityTag("\"abc123-2\""));
    }

    @Test
    void if_none_match_is_a_304_only_for_the_same_tag_or_star_as_cloudfront_compares_them() throws Exception {
        String url = start(new EdgeGate(null, LOGIN_URL, false));
        for (String matching : new String[] {"\"v1\"", "W/\"v1\"", "\"v0\", \"v1\"", "*"}) {
            assertEquals(304, http.send(HttpRequest.newBuilder(URI.create(url)).header("If-None-Match", matching).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), matching);
        }
        // before, the mirror's check was a substring match: "v1" inside "\"v10\"" gave a 304 for another object
        for (String other : new String[] {"\"v10\"", "\"v\"", "v1x"}) {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url)).header("If-None-Match", other).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), other);
        }
    }
}
