package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `registry-admin reindex` against the local runner, after a real cargo publish: it walks the registry a request at a
 * time until an answer has no `next`, resumes from a cursor it printed, and refuses one it did not.
 */
class RegistryAdminReindexIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path work;
    private static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed: skipping the end-to-end tests with real cargo");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-reindex");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    private static List<JsonNode> answers(String output) throws Exception {
        return output.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }

    @Test
    void reindex_walks_the_registry_to_the_end_and_resumes_from_a_cursor() throws Exception {
        Path src = Cargo.project(work.resolve("src"), "reindexed", Map.of(
                "Cargo.toml", """
                        [package]
                        name = "reindexed"
                        version = "0.1.0"
                        edition = "2021"
                        description = "a crate to reindex"
                        license = "MIT"
                        """,
                "src/lib.rs", "pub fn v() {}\n"));
        Cargo cargo = new Cargo(work.resolve("home"), runner.index(), runner.token());
        Cargo.Result published = cargo.run(src, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(published.ok(), published.output());

        Cargo.Result all = runner.registryAdmin("reindex");
        assertEquals(0, all.exit(), all.output());
        List<JsonNode> pages = answers(all.output());
        assertTrue(!pages.isEmpty(), all.output());
        JsonNode last = pages.get(pages.size() - 1);
        assertTrue(last.has("next"), all.output());
        assertTrue(last.get("next").isNull(), all.output());
        assertEquals(1, pages.stream().mapToInt(p -> p.get("rebuilt").asInt()).sum(), all.output());
        assertTrue(pages.stream().allMatch(p -> p.get("ok").asBoolean()), all.output());

        // from the last shard's start (what a printed `next` looks like): goes on to the end
        Cargo.Result resumed = runner.registryAdmin("reindex", "p1.f");
        assertEquals(0, resumed.exit(), resumed.output());
        assertTrue(answers(resumed.output()).get(0).get("next").isNull(), resumed.output());

        Cargo.Result forged = runner.registryAdmin("reindex", "p1.0.x");
        assertEquals(1, forged.exit(), forged.output());
        assertTrue(forged.output().contains("`after` is not a cursor a reindex answered"), forged.output());
        Cargo.Result invalid = runner.registryAdmin("reindex", "a&b");
        assertEquals(2, invalid.exit(), invalid.output());

        Cargo.Result fetched = cargo.run(src, "search", "--registry", "local", "reindexed");
        assertTrue(fetched.ok() && fetched.output().contains("reindexed"), fetched.output());
    }

    /**
     * Between registry-admin and the runner: answers the first {@code failures} reindex requests as API Gateway does when
     * a request takes over 30 s (504), passes the rest on, and records each request's query.
     */
    private static HttpServer flaky(int failures, List<String> queries) throws IOException {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger seen = new AtomicInteger();
        HttpClient client = HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> {
            try (exchange) {
                queries.add(String.valueOf(exchange.getRequestURI().getQuery()));
                byte[] body;
                int status;
                if (seen.getAndIncrement() < failures) {
                    status = 504;
                    body = "{\"message\":\"Endpoint request timed out\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(runner.api().replaceFirst("/$", "")
                                    + exchange.getRequestURI()))
                            .header("Authorization", exchange.getRequestHeaders().getFirst("Authorization"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes())).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    body = r.body();
                }
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
        return proxy;
    }

    @Test
    void a_request_api_gateway_timed_out_is_repeated_from_the_same_place() throws Exception {
        List<String> queries = new CopyOnWriteArrayList<>();
        HttpServer proxy = flaky(2, queries);
        try {
            Map<String, String> env = Map.of("REGISTRY_API", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/",
                    "REINDEX_RETRY_SECONDS", "0");
            Cargo.Result retried = runner.registryAdmin(env, "reindex", "p1.3");
            assertEquals(0, retried.exit(), retried.output());
            assertEquals(List.of("after=p1.3", "after=p1.3", "after=p1.3"), queries, "twice 504, then the answer");
            assertTrue(retried.output().contains("HTTP 504; trying again from the same place"), retried.output());
            assertTrue(answers(retried.output()).get(0).get("next").isNull(), retried.output());

            // a registry that keeps timing out: gives up after the retries and says where to go on from
            queries.clear();
            HttpServer down = flaky(Integer.MAX_VALUE, queries);
            try {
                Cargo.Result failed = runner.registryAdmin(Map.of("REGISTRY_API", "http://127.0.0.1:"
                        + down.getAddress().getPort() + "/", "REINDEX_RETRY_SECONDS", "0", "REINDEX_RETRIES", "2"),
                        "reindex", "p1.3");
                assertEquals(1, failed.exit(), failed.output());
                assertEquals(3, queries.size(), "one request and two retries: " + queries);
                assertTrue(failed.output().contains("go on later with: registry-admin reindex p1.3"), failed.output());
            } finally {
                down.stop(0);
            }
        } finally {
            proxy.stop(0);
        }
    }
}
