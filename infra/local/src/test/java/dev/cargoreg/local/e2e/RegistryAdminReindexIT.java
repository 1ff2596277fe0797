package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
        assertTrue(!forged.output().contains("go on later"), "a refusal is not resumed: " + forged.output());
        Cargo.Result invalid = runner.registryAdmin("reindex", "a&b");
        assertEquals(2, invalid.exit(), invalid.output());

        Cargo.Result fetched = cargo.run(src, "search", "--registry", "local", "reindexed");
        assertTrue(fetched.ok() && fetched.output().contains("reindexed"), fetched.output());
    }
}
