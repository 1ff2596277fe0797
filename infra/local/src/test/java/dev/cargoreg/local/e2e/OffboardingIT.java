package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An administrator offboards someone on a private registry with `registry-admin` and real cargo: disable (their
 * cargo is refused at the API and at the index), enable, take their crate over (cargo owner, cargo yank as the
 * administrator), delete them once they own nothing, revoke another user's tokens.
 */
class OffboardingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ADMIN = "cargoreg_OffboardingAdminSecret00000000000000";
    static Path work;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed: skipping the end-to-end tests with real cargo");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-offboarding");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0", "--auth-required", "--admin-token", ADMIN);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    record Run(int exit, String output) {
    }

    /** infra/admin/registry-admin with the administrator's token. */
    static Run admin(String... args) throws Exception {
        Path script = Path.of(System.getProperty("events.dir")).getParent().resolve("infra/admin/registry-admin");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("REGISTRY_API", runner.api());
        pb.environment().put("REGISTRY_TOKEN", ADMIN);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    static String createUser(String login) throws Exception {
        Run r = admin("create-user", login);
        assertEquals(0, r.exit(), r.output());
        return JSON.readTree(r.output()).get("api_token").get("token").asText();
    }

    static Path lib(String version) throws Exception {
        return Cargo.project(work.resolve("src"), "leaver-lib-" + version, Map.of(
                "Cargo.toml", """
                        [package]
                        name = "leaver-lib"
                        version = "%s"
                        edition = "2021"
                        description = "a crate whose author leaves"
                        license = "MIT"
                        """.formatted(version),
                "src/lib.rs", "pub fn v() {}\n"));
    }

    static Cargo.Result publish(Cargo cargo, String version) throws Exception {
        return cargo.run(lib(version), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
    }

    static int indexStatus(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(runner.index().substring(7) + "le/av/leaver-lib"))
                .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void an_administrator_disables_takes_over_and_deletes_a_user() throws Exception {
        String leaverToken = createUser("leaver");
        String heirToken = createUser("heir");
        Cargo leaver = new Cargo(work.resolve("home-leaver"), runner.index(), leaverToken, true);
        Cargo heir = new Cargo(work.resolve("home-heir"), runner.index(), heirToken, true);
        Cargo root = new Cargo(work.resolve("home-admin"), runner.index(), ADMIN, true);
        Cargo.Result first = publish(leaver, "0.1.0");
        assertTrue(first.ok(), first.output());
        assertEquals(200, indexStatus(leaverToken));

        // disabled: refused at the API and at the index (the edge), with a reason
        assertEquals(0, admin("disable", "leaver").exit());
        Cargo.Result refused = publish(leaver, "0.2.0");
        assertFalse(refused.ok(), refused.output());
        assertEquals(401, indexStatus(leaverToken));
        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(URI.create(runner.api() + "/api/v1/me"))
                .header("Authorization", leaverToken).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(me.body().contains("disabled"), me.body());
        JsonNode shown = JSON.readTree(admin("user", "leaver").output());
        assertTrue(shown.get("user").get("disabled").asBoolean());
        assertEquals("leaver-lib", shown.get("crates").get(0).asText());
        assertEquals(0, admin("enable", "leaver").exit());
        assertEquals(200, indexStatus(leaverToken));
        assertEquals(0, admin("disable", "leaver").exit());

        // a user who still owns a crate is not deleted
        Run notYet = admin("delete-user", "leaver");
        assertEquals(1, notYet.exit(), notYet.output());
        assertTrue(notYet.output().contains("still owns"), notYet.output());

        // the administrator takes the crate over with plain cargo, without being an owner
        Cargo.Result add = root.run(work, "owner", "--registry", "local", "--add", "heir", "leaver-lib");
        assertTrue(add.ok(), add.output());
        Cargo.Result remove = root.run(work, "owner", "--registry", "local", "--remove", "leaver", "leaver-lib");
        assertTrue(remove.ok(), remove.output());
        Cargo.Result yank = root.run(work, "yank", "--registry", "local", "--version", "0.1.0", "leaver-lib");
        assertTrue(yank.ok(), yank.output());
        Cargo.Result heirPublishes = publish(heir, "0.2.0");
        assertTrue(heirPublishes.ok(), heirPublishes.output());

        Run deleted = admin("delete-user", "leaver");
        assertEquals(0, deleted.exit(), deleted.output());
        assertFalse(admin("users").output().contains("\"leaver\""));
        assertEquals(401, indexStatus(leaverToken));

        // every token of a user revoked at once
        Run revoked = admin("revoke-tokens", "heir");
        assertEquals(0, revoked.exit(), revoked.output());
        assertEquals(1, JSON.readTree(revoked.output()).get("revoked").asInt());
        Cargo.Result heirRefused = publish(heir, "0.3.0");
        assertFalse(heirRefused.ok(), heirRefused.output());
        assertEquals(401, indexStatus(heirToken));
    }
}
