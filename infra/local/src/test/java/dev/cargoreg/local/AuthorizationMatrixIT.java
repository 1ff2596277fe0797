package dev.cargoreg.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.core.testing.LocalOidcIssuer;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.local.e2e.RegistryHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint × every kind of caller, over HTTP against a private local registry (the API Gateway authorizer
 * emulation, the authorizer and the functions in one process): exactly the expected status, and no refused request
 * ever changes DynamoDB or S3.
 */
class AuthorizationMatrixIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CRATE = "matrix-crate";
    /** The crate the administrator removes whole. */
    static final String WHOLE = "matrix-whole";
    static LocalRegistry registry;
    static LocalOidcIssuer issuer;
    /** Trust configurations the owner, resp. the administrator, deletes (one each). */
    static final Map<String, String> configToDelete = new LinkedHashMap<>();
    static S3Client s3;
    static final Map<String, String> callers = new LinkedHashMap<>();
    static String adminToken;
    /** The id of frank's first token, which an administrator revokes. */
    static String frankTokenId;
    /** A token of the owner's that the "token revoke by id" row revokes. */
    static String aliceSpareTokenId;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "matrix");
        issuer = new LocalOidcIssuer();
        registry = LocalRegistry.start(Options.builder(dir.resolve("data"))
                .adminToken("cargoreg_MatrixAdminToken000000000000000000000").authRequired(true)
                .trustedIssuers("github=" + issuer.url()).build());
        s3 = AwsClients.s3(AwsClients.Settings.emulated(null, registry.backends().s3Endpoint()));
        String admin = registry.token();
        String alice = createUser(admin, "alice");
        String bob = createUser(admin, "bob");
        createUser(admin, "carol");
        createUser(admin, "erin");
        createUser(admin, "frank");
        createUser(admin, "gone");
        adminToken = admin;
        String dave = createUser(admin, "dave");
        assertEquals(200, send("PUT", "/api/v1/admin/users/dave/disable", admin, "").statusCode());
        frankTokenId = JSON.readTree(send("GET", "/api/v1/admin/users/frank", admin, null).body()).get("api_tokens").get(0).get("id").asText();
        assertEquals(200, publish(alice, "0.1.0").statusCode());
        callers.put("no token", null);
        callers.put("malformed", "Basic %%%not-base64%%%");
        callers.put("unknown", "cargoreg_ThisTokenWasNeverIssued00000000000000000");
        String revoked = createToken(alice, "{\"api_token\":{\"name\":\"revoked\"}}");
        JsonNode list = JSON.readTree(send("GET", "/api/v1/me/tokens", alice, null).body());
        for (JsonNode t : list.get("api_tokens")) {
            if (t.get("name").asText().equals("revoked")) {
                assertEquals(200, send("DELETE", "/api/v1/me/tokens/" + t.get("id").asText(), alice, null).statusCode());
            }
        }
        callers.put("revoked", revoked);
        callers.put("disabled user", dave);
        // a trusted-publishing token for the crate, exchanged from the local issuer's OIDC token
        assertEquals(200, send("POST", "/api/v1/trusted_publishing/github_configs", alice, githubConfig("release.yml")).statusCode());
        for (String p : new String[] {"github", "gitlab"}) {
            for (String who : new String[] {"owner", "admin"}) {
                HttpResponse<String> c = send("POST", "/api/v1/trusted_publishing/" + p + "_configs", alice,
                        p.equals("github") ? githubConfig(who + ".yml") : gitlabConfig(who));
                assertEquals(200, c.statusCode(), c.body());
                configToDelete.put(p + " " + who, JSON.readTree(c.body()).get(p + "_config").get("id").asText());
            }
        }
        HttpResponse<String> exchanged = send("POST", "/api/v1/trusted_publishing/tokens", null, LocalOidcIssuer.exchangeBody(
                issuer.sign(issuer.github(audience(), "acme/matrix", "7001", "release.yml", Instant.now()).build())));
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        callers.put("trusted publishing token", JSON.readTree(exchanged.body()).get("token").asText());
        // its push, whose audit record the authorizer's context must have named (a_trusted_publishing_push_…)
        HttpResponse<String> trustedPush = sendCrate("/api/v1/crates/push", callers.get("trusted publishing token"),
                TarballBuilder.valid(CRATE, "0.2.0"));
        assertEquals(200, trustedPush.statusCode(), trustedPush.body());
        String expired = createToken(alice, "{\"api_token\":{\"name\":\"short\",\"expired_at\":\"" + Instant.now().plusSeconds(2) + "\"}}");
        callers.put("wrong endpoint scope", createToken(alice, "{\"api_token\":{\"name\":\"ro\",\"endpoint_scopes\":[\"read\"]}}"));
        callers.put("wrong crate scope", createToken(alice, "{\"api_token\":{\"name\":\"other\",\"crate_scopes\":[\"other-*\"]}}"));
        callers.put("non-owner", bob);
        callers.put("owner", alice);
        callers.put("admin", admin);
        HttpResponse<String> spare = send("PUT", "/api/v1/me/tokens", alice, "{\"api_token\":{\"name\":\"spare\"}}");
        assertEquals(200, spare.statusCode(), spare.body());
        aliceSpareTokenId = JSON.readTree(spare.body()).get("api_token").get("id").asText();
        HttpResponse<String> whole = RegistryHttp.put(registry.apiUrl() + "/api/v1/crates/new", alice, null,
                PublishBodyBuilder.bare(WHOLE, "1.0.0").body());
        assertEquals(200, whole.statusCode(), whole.body());
        // an administrator's token limited to the crate: it may not act as an administrator, not even on that crate
        callers.put("admin, crate-scoped token", createToken(admin, "{\"api_token\":{\"name\":\"scoped\",\"crate_scopes\":[\"" + CRATE + "\"]}}"));
        Thread.sleep(2500);
        callers.put("expired", expired);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    static String createUser(String admin, String login) throws Exception {
        HttpResponse<String> r = send("PUT", "/api/v1/admin/users", admin, "{\"login\":\"" + login + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return RegistryHttp.apiToken(r.body());
    }

    static String createToken(String owner, String body) throws Exception {
        HttpResponse<String> r = send("PUT", "/api/v1/me/tokens", owner, body);
        assertEquals(200, r.statusCode(), r.body());
        return RegistryHttp.apiToken(r.body());
    }

    static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return RegistryHttp.send(method, registry.apiUrl() + path, token, body);
    }

    static HttpResponse<String> publish(String token, String version) throws Exception {
        return RegistryHttp.put(registry.apiUrl() + "/api/v1/crates/new", token, null, PublishBodyBuilder.bare(CRATE, version).body());
    }

    /** A bare .crate as `registry-admin push` and `import` send it. */
    static HttpResponse<String> sendCrate(String path, String token, byte[] crate) throws Exception {
        return RegistryHttp.put(registry.apiUrl() + path, token, "application/octet-stream", crate);
    }

    /** A large push as `registry-admin push` makes it: an upload URL, the file PUT there, then the push of it. */
    static HttpResponse<String> stagedPush(String token, byte[] crate) throws Exception {
        return staged(token, crate, "/api/v1/crates/push/uploads/");
    }

    /** A large import as `registry-admin import` makes it: the same upload, then the import of it. */
    static HttpResponse<String> stagedImport(String token, byte[] crate) throws Exception {
        return staged(token, crate, "/api/v1/admin/import/uploads/");
    }

    private static HttpResponse<String> staged(String token, byte[] crate, String complete) throws Exception {
        HttpResponse<String> begin = send("POST", "/api/v1/crates/push/uploads", token, "{}");
        if (begin.statusCode() != 200) {
            return begin;
        }
        JsonNode upload = JSON.readTree(begin.body());
        HttpResponse<String> put = RegistryHttp.put(upload.get("url").asText(), null, null, crate);
        assertEquals(200, put.statusCode(), put.body());
        return send("PUT", complete + upload.get("upload_id").asText(), token, null);
    }

    static HttpResponse<String> index(String token, String path) throws Exception {
        return RegistryHttp.get(RegistryHttp.indexBase(registry.indexUrl()) + path, token);
    }

    /** Every item in the table (minus the authorizer's last-use bookkeeping) and every object in the bucket. */
    static TreeSet<String> storage() {
        TreeSet<String> all = new TreeSet<>();
        registry.backends().dynamo().scanPaginator(r -> r.tableName(LocalRegistry.TABLE)).items().forEach(i -> {
            TreeMap<String, AttributeValue> item = new TreeMap<>(i);
            item.remove("lastUsed");
            all.add(item.toString());
        });
        s3.listObjectsV2Paginator(r -> r.bucket(LocalRegistry.BUCKET)).contents().forEach(o -> all.add(o.key() + " " + o.eTag()));
        return all;
    }

    /** What crates-io-auth-action asks for: the API URL without its scheme. */
    static String audience() {
        return registry.apiUrl().replaceFirst("^https?://", "");
    }

    static String githubConfig(String workflow) {
        return "{\"github_config\":{\"crate\":\"" + CRATE + "\",\"repository_owner\":\"acme\",\"repository_name\":\"matrix\","
                + "\"workflow_filename\":\"" + workflow + "\",\"environment\":null}}";
    }

    static String gitlabConfig(String project) {
        return "{\"gitlab_config\":{\"crate\":\"" + CRATE + "\",\"namespace\":\"acme\",\"project\":\"" + project + "\","
                + "\"workflow_filepath\":\".gitlab-ci.yml\",\"environment\":null}}";
    }

    /** The configuration the owner, resp. the administrator, deletes. */
    static String configId(String provider, String token) {
        return configToDelete.get(provider + (adminToken.equals(token) ? " admin" : " owner"));
    }

    /** The statuses with one caller's changed. */
    static Map<String, Integer> with(Map<String, Integer> m, String caller, int status) {
        m.put(caller, status);
        return m;
    }

    /** The owner adds or removes carol, the administrator erin: both succeed, one after the other. */
    static String ownerBody(String token) {
        return "{\"users\":[\"" + (adminToken.equals(token) ? "erin" : "carol") + "\"]}";
    }

    static Map<String, Integer> allStatuses(int status) {
        Map<String, Integer> m = statuses(status, status, status, status, status, status, status);
        m.replaceAll((k, v) -> status);
        return m;
    }

    /** One endpoint: how to call it, and the status each caller must get. */
    record Endpoint(String name, Call call, Map<String, Integer> expected) {
    }

    interface Call {
        HttpResponse<String> run(String token) throws Exception;
    }

    static Map<String, Integer> statuses(int noToken, int badToken, int wrongEndpoint, int wrongCrate, int nonOwner, int owner, int admin) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("no token", noToken);
        m.put("malformed", badToken);
        m.put("unknown", badToken);
        m.put("revoked", badToken);
        m.put("disabled user", badToken);
        m.put("expired", badToken);
        m.put("wrong endpoint scope", wrongEndpoint);
        m.put("wrong crate scope", wrongCrate);
        m.put("admin, crate-scoped token", wrongCrate);
        // publish-only and crate-scoped: like a token scoped to other crates, except that it publishes (below)
        m.put("trusted publishing token", wrongCrate);
        m.put("non-owner", nonOwner);
        m.put("owner", owner);
        m.put("admin", admin);
        return m;
    }

    @Test
    void every_endpoint_answers_every_caller_exactly_and_refusals_write_nothing() throws Exception {
        // the mirror policy entries the delete rows remove (the admin's delete succeeds once, after every refusal)
        for (String path : List.of("rules/matrix-gone", "reserved/matrix-gone-*", "allowed/matrix-gone")) {
            assertEquals(200, send("PUT", "/api/v1/admin/mirror/" + path, callers.get("admin"),
                    "{\"effect\":\"deny\",\"crate\":\"matrix-gone\",\"reason\":\"matrix\"}").statusCode(), path);
        }
        // 401 from the gateway without a header; 403 from the function for a bad token on a write, 401 on a read
        List<Endpoint> endpoints = List.of(
                new Endpoint("publish", t -> publish(t, "1.0." + System.nanoTime() % 100000),
                        with(statuses(401, 403, 403, 403, 403, 200, 403), "trusted publishing token", 200)),
                new Endpoint("push", t -> sendCrate("/api/v1/crates/push", t, TarballBuilder.valid(CRATE, "2.0." + System.nanoTime() % 100000)), with(statuses(401, 403, 403, 403, 403, 200, 403), "trusted publishing token", 200)),
                new Endpoint("push upload", t -> send("POST", "/api/v1/crates/push/uploads", t, "{}"), statuses(401, 403, 403, 200, 200, 200, 200)),
                new Endpoint("staged push", t -> stagedPush(t, TarballBuilder.valid(CRATE, "3.0." + System.nanoTime() % 100000)), with(statuses(401, 403, 403, 403, 403, 200, 403), "trusted publishing token", 200)),
                new Endpoint("admin import", t -> sendCrate("/api/v1/admin/import", t, TarballBuilder.valid("matrix-import", "1.0." + System.nanoTime() % 100000)), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("staged admin import", t -> stagedImport(t, TarballBuilder.valid("matrix-import", "2.0." + System.nanoTime() % 100000)), statuses(401, 403, 403, 403, 403, 403, 200)),
                // an administrator acts on crates they do not own (offboarding: take over a crate whose owners left)
                new Endpoint("yank", t -> send("DELETE", "/api/v1/crates/" + CRATE + "/0.1.0/yank", t, null), statuses(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("unyank", t -> send("PUT", "/api/v1/crates/" + CRATE + "/0.1.0/unyank", t, ""), statuses(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("owners add", t -> send("PUT", "/api/v1/crates/" + CRATE + "/owners", t, ownerBody(t)), statuses(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("owners remove", t -> send("DELETE", "/api/v1/crates/" + CRATE + "/owners", t, ownerBody(t)), statuses(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("admin create user", t -> send("PUT", "/api/v1/admin/users", t, "{\"login\":\"u" + System.nanoTime() % 1000000 + "\"}"), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin reindex", t -> send("POST", "/api/v1/admin/reindex", t, ""), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin list users", t -> send("GET", "/api/v1/admin/users", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin show user", t -> send("GET", "/api/v1/admin/users/frank", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin disable user", t -> send("PUT", "/api/v1/admin/users/frank/disable", t, ""), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin enable user", t -> send("PUT", "/api/v1/admin/users/frank/enable", t, ""), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin revoke a token", t -> send("DELETE", "/api/v1/admin/users/frank/tokens/" + frankTokenId, t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin revoke all tokens", t -> send("DELETE", "/api/v1/admin/users/frank/tokens", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin delete user", t -> send("DELETE", "/api/v1/admin/users/gone", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("token create", t -> send("PUT", "/api/v1/me/tokens", t, "{\"api_token\":{\"name\":\"x\"}}"), statuses(401, 403, 403, 403, 200, 200, 200)),
                // listing and revoking tokens: a token without scopes only (crates.io: a signed-in user only); a
                // scoped token may revoke itself (tokens/current), not its user's other tokens
                new Endpoint("token list", t -> send("GET", "/api/v1/me/tokens", t, null), statuses(401, 403, 403, 403, 200, 200, 200)),
                new Endpoint("token revoke by id", t -> send("DELETE", "/api/v1/me/tokens/" + aliceSpareTokenId, t, null),
                        statuses(401, 403, 403, 403, 404, 200, 404)),
                new Endpoint("me", t -> send("GET", "/api/v1/me", t, null), statuses(401, 403, 200, 200, 200, 200, 200)),
                new Endpoint("search", t -> send("GET", "/api/v1/crates?q=matrix", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("crate", t -> send("GET", "/api/v1/crates/" + CRATE, t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("versions", t -> send("GET", "/api/v1/crates/" + CRATE + "/versions", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("version", t -> send("GET", "/api/v1/crates/" + CRATE + "/0.1.0", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("download redirect", t -> send("GET", "/api/v1/crates/" + CRATE + "/0.1.0/download", t, null), statuses(401, 401, 302, 302, 302, 302, 302)),
                // published without a readme: a reader learns that, an outsider nothing
                new Endpoint("readme", t -> send("GET", "/api/v1/crates/" + CRATE + "/0.1.0/readme", t, null), statuses(401, 401, 404, 404, 404, 404, 404)),
                new Endpoint("owners list", t -> send("GET", "/api/v1/crates/" + CRATE + "/owners", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("owner_user", t -> send("GET", "/api/v1/crates/" + CRATE + "/owner_user", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("owner_team", t -> send("GET", "/api/v1/crates/" + CRATE + "/owner_team", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("reverse dependencies", t -> send("GET", "/api/v1/crates/" + CRATE + "/reverse_dependencies", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("dependencies", t -> send("GET", "/api/v1/crates/" + CRATE + "/0.1.0/dependencies", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("authors", t -> send("GET", "/api/v1/crates/" + CRATE + "/0.1.0/authors", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("crate downloads", t -> send("GET", "/api/v1/crates/" + CRATE + "/downloads", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("version downloads", t -> send("GET", "/api/v1/crates/" + CRATE + "/0.1.0/downloads", t, null), statuses(401, 401, 200, 200, 200, 200, 200)),
                // any token of an owner reads its crate's trail (read is implied), a trusted-publishing token included
                new Endpoint("crate audit", t -> send("GET", "/api/v1/crates/" + CRATE + "/audit", t, null),
                        with(statuses(401, 401, 200, 403, 403, 200, 200), "trusted publishing token", 200)),
                new Endpoint("admin audit", t -> send("GET", "/api/v1/admin/audit?crate=" + CRATE, t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                // the crates.io mirror's policy: administrators only, with a token that may act as one
                new Endpoint("admin mirror rules", t -> send("GET", "/api/v1/admin/mirror/rules", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror put rule", t -> send("PUT", "/api/v1/admin/mirror/rules/matrix", t,
                        "{\"effect\":\"deny\",\"crate\":\"matrix-denied\",\"versions\":\"<1\",\"reason\":\"matrix\"}"), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror delete rule", t -> send("DELETE", "/api/v1/admin/mirror/rules/matrix-gone", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror reserved", t -> send("GET", "/api/v1/admin/mirror/reserved", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror put reserved", t -> send("PUT", "/api/v1/admin/mirror/reserved/matrix-r-*", t, "{\"reason\":\"m\"}"), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror delete reserved", t -> send("DELETE", "/api/v1/admin/mirror/reserved/matrix-gone-*", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror allowed", t -> send("GET", "/api/v1/admin/mirror/allowed", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror put allowed", t -> send("PUT", "/api/v1/admin/mirror/allowed/matrix-a", t, ""), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("admin mirror delete allowed", t -> send("DELETE", "/api/v1/admin/mirror/allowed/matrix-gone", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                new Endpoint("index file", t -> index(t, "ma/tr/" + CRATE), statuses(401, 401, 200, 200, 200, 200, 200)),
                new Endpoint("config.json", t -> index(t, "config.json"), statuses(401, 401, 200, 200, 200, 200, 200)),
                // trusted publishing: the exchange takes no token (a bad JWT is 400 whoever sends it); configurations are
                // the owners' (and administrators'), with tokens without scopes
                new Endpoint("trustpub exchange", t -> send("POST", "/api/v1/trusted_publishing/tokens", t, "{\"jwt\":\"x.y.z\"}"),
                        allStatuses(400)),
                new Endpoint("trustpub github configs list", t -> send("GET", "/api/v1/trusted_publishing/github_configs?crate=" + CRATE, t, null),
                        statuses(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("trustpub github configs create", t -> send("POST", "/api/v1/trusted_publishing/github_configs", t,
                        githubConfig("w" + System.nanoTime() % 100000 + ".yml")), statuses(401, 403, 403, 403, 403, 200, 403)),
                new Endpoint("trustpub github configs delete", t -> send("DELETE", "/api/v1/trusted_publishing/github_configs/"
                        + configId("github", t), t, null), statuses(401, 403, 403, 403, 403, 204, 204)),
                new Endpoint("trustpub gitlab configs list", t -> send("GET", "/api/v1/trusted_publishing/gitlab_configs?crate=" + CRATE, t, null),
                        statuses(401, 403, 403, 403, 403, 200, 200)),
                new Endpoint("trustpub gitlab configs create", t -> send("POST", "/api/v1/trusted_publishing/gitlab_configs", t,
                        gitlabConfig("p" + System.nanoTime() % 100000)), statuses(401, 403, 403, 403, 403, 200, 403)),
                new Endpoint("trustpub gitlab configs delete", t -> send("DELETE", "/api/v1/trusted_publishing/gitlab_configs/"
                        + configId("gitlab", t), t, null), statuses(401, 403, 403, 403, 403, 204, 204)),
                // only a trusted-publishing token revokes itself here (it is refused from here on: revoked)
                new Endpoint("trustpub revoke", t -> send("DELETE", "/api/v1/trusted_publishing/tokens", t, null),
                        with(statuses(401, 403, 400, 400, 400, 400, 400), "trusted publishing token", 204)),
                new Endpoint("admin remove crate", t -> send("DELETE", "/api/v1/crates/" + WHOLE, t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                // last: it removes what the others use
                new Endpoint("admin remove version", t -> send("DELETE", "/api/v1/crates/" + CRATE + "/0.1.0", t, null), statuses(401, 403, 403, 403, 403, 403, 200)),
                // the $default route: no authorizer, the same 404 for everyone (a path no route has, a known path with
                // another method)
                new Endpoint("unknown path", t -> send("GET", "/api/v1/no/such/route", t, null), statuses(404, 404, 404, 404, 404, 404, 404)),
                new Endpoint("known path, other method", t -> send("POST", "/api/v1/crates/" + CRATE, t, "{}"),
                        statuses(404, 404, 404, 404, 404, 404, 404)));

        List<String> failures = new ArrayList<>();
        for (Endpoint e : endpoints) {
            // refusals first, each checked against storage; then the callers that may do it
            List<Map.Entry<String, Integer>> order = new ArrayList<>(e.expected().entrySet());
            order.sort((a, b) -> Boolean.compare(a.getValue() < 300, b.getValue() < 300));
            for (Map.Entry<String, Integer> c : order) {
                TreeSet<String> before = storage();
                HttpResponse<String> r = e.call().run(callers.get(c.getKey()));
                if (r.statusCode() != c.getValue()) {
                    failures.add(e.name() + " as " + c.getKey() + ": expected " + c.getValue() + ", got " + r.statusCode() + " " + r.body());
                }
                if (r.statusCode() >= 400) {
                    if (!before.equals(storage())) {
                        failures.add(e.name() + " as " + c.getKey() + ": refused with " + r.statusCode() + " but storage changed");
                    }
                    if (r.statusCode() == 401 && e.name().equals("config.json")) {
                        String challenge = r.headers().firstValue("www-authenticate").orElse("");
                        if (!challenge.startsWith("Cargo login_url=")) {
                            failures.add("config.json 401 without the Cargo challenge: " + challenge);
                        }
                    }
                    if (r.statusCode() == 403 && !r.body().contains("\"detail\"")) {
                        failures.add(e.name() + " as " + c.getKey() + ": 403 without cargo's error body: " + r.body());
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void a_trusted_publishing_push_is_recorded_with_the_token_name_and_the_ci_run_through_the_authorizers_context()
            throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/admin/audit?crate=" + CRATE + "&action=crate.published&per_page=100",
                adminToken, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode found = null;
        for (JsonNode rec : JSON.readTree(r.body()).get("records")) {
            if (rec.get("version").asText().equals("0.2.0")) {
                found = rec;
            }
        }
        assertTrue(found != null, r.body());
        assertEquals("alice", found.get("actor").asText(), found.toString());
        assertEquals("push", found.get("detail").asText());
        assertEquals("trusted publishing: github acme/matrix run 4242", found.get("token_name").asText());
        JsonNode run = found.get("trustpub_data");
        assertEquals("github", run.get("provider").asText(), found.toString());
        assertEquals("acme/matrix", run.get("repository").asText());
        assertEquals("release.yml", run.get("workflow").asText());
        assertEquals("4242", run.get("run_id").asText());
        assertEquals("0123456789abcdef0123456789abcdef01234567", run.get("sha").asText());
        assertEquals("127.0.0.1", found.get("source_ip").asText());
        assertTrue(found.get("user_agent").asText().startsWith("Java-http-client/"), found.toString());
    }

    @Test
    void a_request_no_route_matches_answers_cargos_404_naming_method_and_path_but_not_the_query() throws Exception {
        HttpResponse<String> unknown = send("GET", "/api/v1/no/such/route?token=secret-value", adminToken, null);
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"errors\":[{\"detail\":\"`GET /api/v1/no/such/route` does not exist on this registry's API\"}]}",
                unknown.body());
        HttpResponse<String> wrongMethod = send("PATCH", "/api/v1/crates/" + CRATE + "/owners", null, "{}");
        assertEquals(404, wrongMethod.statusCode());
        assertEquals("{\"errors\":[{\"detail\":\"`PATCH /api/v1/crates/" + CRATE + "/owners` does not exist on this registry's API\"}]}",
                wrongMethod.body());
    }
}
