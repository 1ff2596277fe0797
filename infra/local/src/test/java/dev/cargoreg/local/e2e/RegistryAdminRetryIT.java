package dev.cargoreg.local.e2e;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `registry-admin reindex` when requests fail on the way: a proxy between it and the local runner answers as API
 * Gateway or a network does (a 504 after 30 s, a 429, a 502, a dropped connection), by a script, one step a request.
 */
class RegistryAdminRetryIT {
    private static Path work;
    private static RunnerProcess runner;
    private HttpServer proxy;
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-retry");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    /**
     * Steps, one a request, the last repeated: {@code pass} (the runner's answer), {@code next=C} (the runner's answer
     * with `next` C instead of null), {@code drop} (the connection closed, no answer), or a status (its body API
     * Gateway's).
     */
    private Map<String, String> proxy(String... steps) throws IOException {
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger seen = new AtomicInteger();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        proxy.createContext("/", exchange -> {
            try (exchange) {
                queries.add(String.valueOf(exchange.getRequestURI().getQuery()));
                String step = steps[Math.min(seen.getAndIncrement(), steps.length - 1)];
                if (step.equals("drop")) {
                    return;
                }
                int status;
                byte[] body;
                if (step.equals("pass") || step.startsWith("next=")) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
                                    runner.api().replaceFirst("/$", "") + exchange.getRequestURI()))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", exchange.getRequestHeaders().getFirst("Authorization"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    status = r.statusCode();
                    String answer = step.startsWith("next=")
                            ? r.body().replace("\"next\":null", "\"next\":\"" + step.substring(5) + "\"") : r.body();
                    body = answer.getBytes(StandardCharsets.UTF_8);
                } else {
                    status = Integer.parseInt(step);
                    body = (status == 504 ? "{\"message\":\"Endpoint request timed out\"}" : "{\"message\":\"" + status + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                }
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
        return Map.of("REGISTRY_API", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/", "REINDEX_RETRY_SECONDS", "0");
    }

    @Test
    void a_request_that_fails_on_the_way_is_repeated_from_where_the_walk_is_now() throws Exception {
        Cargo.Result r = runner.registryAdmin(proxy("next=p1.8", "504", "429", "drop", "pass"), "reindex", "p1.3");

        assertEquals(0, r.exit(), r.output());
        assertEquals(List.of("after=p1.3", "after=p1.8", "after=p1.8", "after=p1.8", "after=p1.8"), queries,
                "the first answer's `next`, three failures (504, 429, no answer), then the answer");
        assertTrue(r.output().contains("HTTP 504; trying again from the same place in 0 s (1 of 3)"), r.output());
        assertTrue(r.output().contains("no answer; trying again"), r.output());
    }

    @Test
    void a_registry_that_keeps_failing_is_given_up_on_with_where_to_go_on_from() throws Exception {
        Map<String, String> env = new HashMap<>(proxy("next=p1.8", "502"));
        env.put("REINDEX_RETRIES", "2");

        Cargo.Result r = runner.registryAdmin(env, "reindex", "p1.3");

        assertEquals(1, r.exit(), r.output());
        assertEquals(List.of("after=p1.3", "after=p1.8", "after=p1.8", "after=p1.8"), queries, "one request, two retries");
        assertTrue(r.output().contains("registry-admin: HTTP 502"), r.output());
        assertTrue(r.output().contains("go on later with: registry-admin reindex p1.8"), r.output());
    }

    @Test
    void settings_that_are_not_whole_numbers_are_refused_before_any_request() throws Exception {
        Map<String, String> env = new HashMap<>(proxy("pass"));
        env.put("REINDEX_RETRY_SECONDS", "1.5");

        Cargo.Result r = runner.registryAdmin(env, "reindex");

        assertEquals(2, r.exit(), r.output());
        assertEquals(List.of(), queries);
    }
}
