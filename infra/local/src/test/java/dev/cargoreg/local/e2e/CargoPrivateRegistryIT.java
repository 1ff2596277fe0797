package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A private registry (--auth-required) with real cargo: with a token everything works, without one nothing is revealed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CargoPrivateRegistryIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ADMIN = "cargoreg_OperatorChosenSecretForScripts000000000";
    static Path work;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed (not on PATH nor in ~/.cargo/bin): skipping the end-to-end tests with real cargo");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-private");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0", "--auth-required", "--admin-token", ADMIN);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    static Path lib(String name, String version) throws Exception {
        return Cargo.project(work.resolve("src"), name + "-" + version, Map.of(
                "Cargo.toml", """
                        [package]
                        name = "%s"
                        version = "%s"
                        edition = "2021"
                        description = "a private crate"
                        license = "MIT"
                        """.formatted(name, version),
                "src/lib.rs", "pub fn secret() -> u32 { 42 }\n"));
    }

    static Path app() throws Exception {
        return Cargo.app(work.resolve("apps"), "private-app", "hidden-lib = { version = \"0.1\", registry = \"local\" }\n",
                "fn main() { println!(\"secret={}\", hidden_lib::secret()); }\n");
    }

    static HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        return RegistryHttp.send(method, runner.api() + path, token, body);
    }

    @Test
    @Order(1)
    void with_a_token_cargo_publishes_builds_and_searches() throws Exception {
        assertEquals(ADMIN, runner.token(), "the operator-chosen admin token is the one in use");
        Cargo admin = new Cargo(work.resolve("home-admin"), runner.index(), ADMIN, true);
        Cargo.Result pub = admin.run(lib("hidden-lib", "0.1.0"), "publish", "--registry", "local", "--allow-dirty");
        assertTrue(pub.ok(), pub.output());
        Cargo.Result run = new Cargo(work.resolve("home-reader"), runner.index(), ADMIN, true).run(app(), "run", "--quiet");
        assertTrue(run.ok() && run.output().contains("secret=42"), run.output());
        Cargo.Result search = admin.run(work, "search", "--registry", "local", "hidden");
        assertTrue(search.ok() && search.output().contains("hidden-lib = \"0.1.0\""), search.output());
    }

    @Test
    @Order(2)
    void without_a_token_cargo_fails_with_the_401_and_nothing_is_revealed() throws Exception {
        Cargo anonymous = new Cargo(work.resolve("home-anonymous"), runner.index(), null, true);
        Path app = app();
        Files.deleteIfExists(app.resolve("Cargo.lock"));
        Cargo.Result r = anonymous.run(app, "generate-lockfile");
        assertFalse(r.ok());
        assertTrue(r.output().contains("no token found for `local`"), "cargo learned from the 401 that a token is needed:\n" + r.output());
        assertFalse(r.output().contains("hidden-lib v0.1.0"), "no version leaks: " + r.output());

        Cargo wrong = new Cargo(work.resolve("home-wrong"), runner.index(), "cargoreg_NotAValidTokenAtAll0000000000000000000", true);
        Cargo.Result w = wrong.run(app, "generate-lockfile");
        assertFalse(w.ok());
        assertTrue(w.output().contains("401") && w.output().contains("token rejected"), w.output());
        assertFalse(w.output().contains("hidden-lib v0.1.0"), "no version leaks: " + w.output());

        HttpResponse<String> config = HTTP.send(HttpRequest.newBuilder(URI.create(runner.index().substring(7) + "config.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, config.statusCode());
        assertTrue(config.headers().firstValue("www-authenticate").orElse("").startsWith("Cargo login_url=\""));
        assertFalse(config.body().contains("dl"), "config.json is not revealed");
        HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(URI.create(runner.index().substring(7) + "hi/dd/hidden-lib"))
                .header("Authorization", "cargoreg_wrong").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, file.statusCode());
        assertFalse(file.body().contains("hidden-lib"));
        assertEquals(401, api("GET", "/api/v1/crates?q=hidden", null, null).statusCode());
    }

    @Test
    @Order(3)
    void a_token_is_created_used_revoked_and_then_refused() throws Exception {
        HttpResponse<String> created = api("PUT", "/api/v1/me/tokens", ADMIN,
                "{\"api_token\":{\"name\":\"ci\",\"endpoint_scopes\":[\"publish-update\"],\"crate_scopes\":[\"hidden-*\"]}}");
        assertEquals(200, created.statusCode(), created.body());
        JsonNode token = JSON.readTree(created.body()).get("api_token");
        String secret = token.get("token").asText();
        assertTrue(secret.startsWith("cargoreg_"));

        Cargo ci = new Cargo(work.resolve("home-ci"), runner.index(), secret, true);
        Cargo.Result used = ci.run(lib("hidden-lib", "0.2.0"), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(used.ok(), used.output());
        Cargo.Result outOfScope = ci.run(lib("visible-lib", "0.1.0"), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(outOfScope.ok());
        assertTrue(outOfScope.output().contains("403") && outOfScope.output().contains("permissions"), outOfScope.output());

        JsonNode listed = JSON.readTree(api("GET", "/api/v1/me/tokens", ADMIN, null).body());
        assertFalse(listed.toString().contains(secret), "listing never shows a secret");
        assertEquals(204, api("DELETE", "/api/v1/tokens/current", secret, null).statusCode(), "a leaked token revokes itself");

        Cargo.Result refused = ci.run(lib("hidden-lib", "0.3.0"), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(refused.ok());
        assertTrue(refused.output().contains("401") || refused.output().contains("403"), refused.output());
        HttpResponse<String> index = HTTP.send(HttpRequest.newBuilder(URI.create(runner.index().substring(7) + "hi/dd/hidden-lib"))
                .header("Authorization", ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(index.body().contains("0.3.0"), "nothing was published with the revoked token");
    }
}
