package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.testing.LocalOidcIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Trusted publishing end to end on a private registry: a local OIDC issuer (its own keys, discovery and JWKS over
 * HTTP) stands in for GitHub Actions; its token is exchanged at crates.io's endpoint, and real `cargo publish` uses the
 * short-lived token (reading the private index with it too). The version records where it came from.
 */
class TrustedPublishingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "cargoreg_TrustedPublishingAdmin000000000000000";
    static Path work;
    static LocalOidcIssuer issuer;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed: skipping the end-to-end tests with real cargo");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-trustpub");
        issuer = new LocalOidcIssuer();
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0", "--auth-required", "--admin-token", ADMIN,
                "--trusted-issuer", "github=" + issuer.url());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    /** What crates-io-auth-action asks for: the registry URL given as `url:` (the API URL) without its scheme. */
    static String audience() {
        return runner.api().replaceFirst("^https?://", "");
    }

    static HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        return RegistryHttp.send(method, runner.api() + path, token, body);
    }

    static Path lib(String name, String version) throws Exception {
        return Cargo.project(work.resolve("src"), name + "-" + version, Map.of(
                "Cargo.toml", """
                        [package]
                        name = "%s"
                        version = "%s"
                        edition = "2021"
                        description = "published from CI"
                        license = "MIT"
                        """.formatted(name, version),
                "src/lib.rs", "pub fn ci() {}\n"));
    }

    static Cargo.Result publish(String token, String name, String version) throws Exception {
        return new Cargo(work.resolve("home-" + Math.abs(token.hashCode())), runner.index(), token, true)
                .run(lib(name, version), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
    }

    @Test
    void ci_exchanges_its_oidc_token_and_cargo_publishes_with_it() throws Exception {
        HttpResponse<String> created = api("PUT", "/api/v1/admin/users", ADMIN, "{\"login\":\"alice\"}");
        assertEquals(200, created.statusCode(), created.body());
        String alice = RegistryHttp.apiToken(created.body());
        assertTrue(publish(alice, "ci-widget", "0.1.0").ok());
        assertTrue(publish(alice, "ci-other", "0.1.0").ok());

        HttpResponse<String> config = api("POST", "/api/v1/trusted_publishing/github_configs", alice,
                "{\"github_config\":{\"crate\":\"ci-widget\",\"repository_owner\":\"acme\",\"repository_name\":\"widget\","
                        + "\"workflow_filename\":\"release.yml\",\"environment\":null}}");
        assertEquals(200, config.statusCode(), config.body());
        assertEquals("release.yml", JSON.readTree(config.body()).get("github_config").get("workflow_filename").asText());
        JsonNode list = JSON.readTree(api("GET", "/api/v1/trusted_publishing/github_configs?crate=ci-widget", alice, null).body());
        assertEquals(1, list.get("meta").get("total").asInt());

        // what crates-io-auth-action does: POST the job's OIDC token (audience: the API URL without scheme), get a token
        String jwt = issuer.sign(issuer.github(audience(), "acme/widget", "7001", "release.yml", Instant.now()).build());
        HttpResponse<String> exchanged = api("POST", "/api/v1/trusted_publishing/tokens", null, LocalOidcIssuer.exchangeBody(jwt));
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        String token = JSON.readTree(exchanged.body()).get("token").asText();

        Cargo.Result pub = publish(token, "ci-widget", "0.2.0");
        assertTrue(pub.ok(), pub.output());
        JsonNode version = JSON.readTree(api("GET", "/api/v1/crates/ci-widget/0.2.0", alice, null).body()).get("version");
        assertEquals("acme/widget", version.get("trustpub_data").get("repository").asText());
        assertEquals("4242", version.get("trustpub_data").get("run_id").asText());
        assertEquals("release.yml", version.get("trustpub_data").get("workflow").asText());

        // publish-only, for the configured crate only
        Cargo.Result other = publish(token, "ci-other", "0.2.0");
        assertFalse(other.ok(), other.output());
        assertTrue(other.output().contains("crate scopes"), other.output());
        assertEquals(403, api("DELETE", "/api/v1/crates/ci-widget/0.1.0/yank", token, null).statusCode());

        // the JWT is single-use
        HttpResponse<String> replay = api("POST", "/api/v1/trusted_publishing/tokens", null, LocalOidcIssuer.exchangeBody(jwt));
        assertEquals(400, replay.statusCode());
        assertTrue(replay.body().contains("already been used"), replay.body());

        // the token revokes itself at the end of the job
        assertEquals(204, api("DELETE", "/api/v1/trusted_publishing/tokens", token, null).statusCode());
        Cargo.Result after = publish(token, "ci-widget", "0.3.0");
        assertFalse(after.ok(), after.output());
    }
}
