package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** cargo yank, cargo owner, cargo search and admin removal, with real cargo against the local runner jar. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CargoWebApiIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path work;
    static RunnerProcess runner;
    static String bobToken;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed (not on PATH nor in ~/.cargo/bin): skipping the end-to-end tests with real cargo");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-api");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0");
        Cargo admin = admin();
        for (String[] c : new String[][] {{"pinned-dep", "1.0.0"}, {"pinned-dep", "1.1.0"}, {"other-dep", "0.3.0"}}) {
            publish(admin, c[0], c[1], "a crate for the web API tests");
        }
        for (int i = 0; i < 12; i++) {
            publish(admin, "finder-" + i, "0.1.0", "searchable crate number " + i);
        }
        // the administrator's command in infra/admin, as the README shows it
        Cargo.Result bob = runner.registryAdmin("create-user", "bob", "Bob");
        assertEquals(0, bob.exit(), bob.output());
        bobToken = RegistryHttp.apiToken(bob.output());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    static Cargo admin() throws IOException {
        return new Cargo(work.resolve("home-admin"), runner.index(), runner.token());
    }

    static void publish(Cargo cargo, String name, String version, String description) throws Exception {
        Path dir = Cargo.project(work.resolve("src"), name + "-" + version, Map.of(
                "Cargo.toml", """
                        [package]
                        name = "%s"
                        version = "%s"
                        edition = "2021"
                        description = "%s"
                        license = "MIT"
                        """.formatted(name, version, description),
                "src/lib.rs", "pub fn version() -> &'static str { \"" + version + "\" }\n"));
        Cargo.Result r = cargo.run(dir, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(r.ok(), r.output());
    }

    static Path app(String name, String req) throws IOException {
        return Cargo.app(work.resolve("apps"), name, """
                pinned-dep = { version = "%s", registry = "local" }
                other-dep = { version = "0.3", registry = "local" }
                """.formatted(req), "fn main() { println!(\"using {}\", pinned_dep::version()); }\n");
    }

    static String index(String path) throws Exception {
        HttpResponse<String> r = RegistryHttp.get(runner.indexBase() + path, null);
        return r.statusCode() == 200 ? r.body() : null;
    }

    /**
     * The index file as the CDN serves it, once it satisfies {@code shows}: edges keep an index file for its max-age
     * (one second) and nothing invalidates it, so a change reaches readers within that bound (5 s allowed for a
     * loaded machine).
     */
    static String awaitIndex(String path, Predicate<String> shows) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String body = index(path);
        while ((body == null || !shows.test(body)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            body = index(path);
        }
        assertTrue(body != null && shows.test(body), "the CDN still serves " + body);
        return body;
    }

    @Test
    @Order(1)
    void a_yanked_version_keeps_building_from_a_lockfile_but_is_not_picked_for_new_resolutions() throws Exception {
        Cargo user = new Cargo(work.resolve("home-user"), runner.index(), null);
        Path locked = app("locked-app", "1");
        Cargo.Result first = user.run(locked, "run", "--quiet");
        assertTrue(first.ok() && first.output().contains("using 1.1.0"), first.output());

        Cargo.Result yank = admin().run(work, "yank", "--registry", "local", "--version", "1.1.0", "pinned-dep");
        assertTrue(yank.ok(), yank.output());
        String yanked = awaitIndex("pi/nn/pinned-dep", b -> b.contains("\"vers\":\"1.1.0\"") && b.lines()
                .filter(l -> l.contains("\"vers\":\"1.1.0\"")).allMatch(l -> l.contains("\"yanked\":true")));
        assertTrue(yanked.contains("\"vers\":\"1.1.0\",\"deps\":[],"), "the line is still there");

        // the lockfile pins 1.1.0: it still builds, with a fresh cargo home that has to download it again
        Cargo fresh = new Cargo(work.resolve("home-fresh-locked"), runner.index(), null);
        Cargo.Result pinned = fresh.run(locked, "run", "--quiet");
        assertTrue(pinned.ok() && pinned.output().contains("using 1.1.0"), pinned.output());

        // a new resolution does not pick the yanked version
        Cargo.Result resolved = new Cargo(work.resolve("home-fresh-new"), runner.index(), null).run(app("new-app", "1"), "run", "--quiet");
        assertTrue(resolved.ok() && resolved.output().contains("using 1.0.0"), resolved.output());
        Cargo.Result exact = new Cargo(work.resolve("home-fresh-exact"), runner.index(), null).run(app("exact-app", "=1.1.0"), "generate-lockfile");
        assertFalse(exact.ok(), "=1.1.0 only matches a yanked version:\n" + exact.output());

        Cargo.Result undo = admin().run(work, "yank", "--registry", "local", "--undo", "--version", "1.1.0", "pinned-dep");
        assertTrue(undo.ok(), undo.output());
        awaitIndex("pi/nn/pinned-dep", b -> b.lines().filter(l -> l.contains("\"vers\":\"1.1.0\""))
                .allMatch(l -> l.contains("\"yanked\":false")));
        Cargo.Result again = new Cargo(work.resolve("home-fresh-undone"), runner.index(), null).run(app("undone-app", "1"), "run", "--quiet");
        assertTrue(again.ok() && again.output().contains("using 1.1.0"), again.output());
    }

    @Test
    @Order(2)
    void cargo_owner_adds_lists_and_removes_owners() throws Exception {
        Cargo.Result add = admin().run(work, "owner", "--registry", "local", "--add", "bob", "pinned-dep");
        assertTrue(add.ok() && add.output().contains("bob"), add.output());
        Cargo.Result list = admin().run(work, "owner", "--registry", "local", "--list", "pinned-dep");
        assertTrue(list.ok() && list.output().contains("admin") && list.output().contains("bob (Bob)"), list.output());

        // bob may now yank, at once
        Cargo bob = new Cargo(work.resolve("home-bob"), runner.index(), bobToken);
        Cargo.Result byBob = bob.run(work, "yank", "--registry", "local", "--version", "1.0.0", "pinned-dep");
        assertTrue(byBob.ok(), byBob.output());
        assertTrue(bob.run(work, "yank", "--registry", "local", "--undo", "--version", "1.0.0", "pinned-dep").ok());

        Cargo.Result remove = admin().run(work, "owner", "--registry", "local", "--remove", "bob", "pinned-dep");
        assertTrue(remove.ok(), remove.output());
        Cargo.Result notOwner = bob.run(work, "yank", "--registry", "local", "--version", "1.0.0", "pinned-dep");
        assertFalse(notOwner.ok());
        assertTrue(notOwner.output().contains("403") && notOwner.output().contains("only owners"), notOwner.output());

        Cargo.Result last = admin().run(work, "owner", "--registry", "local", "--remove", "admin", "pinned-dep");
        assertFalse(last.ok());
        assertTrue(last.output().contains("cannot remove all owners"), last.output());
        Cargo.Result unknown = admin().run(work, "owner", "--registry", "local", "--add", "nobody", "pinned-dep");
        assertFalse(unknown.ok());
        assertTrue(unknown.output().contains("could not find user with login `nobody`"), unknown.output());
    }

    static HttpResponse<String> get(String path, String token) throws Exception {
        return RegistryHttp.get(runner.api() + path, token);
    }

    @Test
    @Order(3)
    void what_cargo_did_is_in_the_audit_trail_with_who_which_token_and_from_where() throws Exception {
        // after tests 1 and 2: admin published 1.0.0 and 1.1.0, yanked and unyanked 1.1.0, added bob; bob yanked and
        // unyanked 1.0.0 (and failed to yank once he was no longer an owner: no record); admin removed bob
        HttpResponse<String> r = get("/api/v1/admin/audit?crate=pinned-dep&per_page=100", runner.token());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode records = JSON.readTree(r.body()).get("records");
        // the names of admin's tokens, from the tokens API: each record must name the token it was made with
        Map<Long, String> adminTokens = new HashMap<>();
        for (JsonNode t : JSON.readTree(get("/api/v1/me/tokens", runner.token()).body()).get("api_tokens")) {
            adminTokens.put(t.get("id").asLong(), t.get("name").asText());
        }
        StringBuilder seen = new StringBuilder();
        for (int i = records.size() - 1; i >= 0; i--) {
            JsonNode rec = records.get(i);
            seen.append(rec.get("action").asText()).append(' ').append(rec.get("actor").asText()).append(' ')
                    .append(rec.get("version").isNull() ? rec.get("detail").asText() : rec.get("version").asText()).append('\n');
            assertTrue(rec.get("user_agent").asText().startsWith("cargo/"), rec.toString());
            assertEquals("127.0.0.1", rec.get("source_ip").asText(), rec.toString());
            assertTrue(rec.get("token_id").asLong() > 0, rec.toString());
            assertEquals("pinned-dep", rec.get("crate").asText());
            String tokenName = rec.get("actor").asText().equals("bob") ? "first token"
                    : adminTokens.get(rec.get("token_id").asLong());
            assertEquals(tokenName, rec.get("token_name").asText(), rec.toString());
            assertTrue(rec.path("trustpub_data").isNull() || rec.path("trustpub_data").isMissingNode(), "no trusted-publishing token was used: " + rec);
        }
        assertEquals("""
                crate.published admin 1.0.0
                crate.published admin 1.1.0
                crate.yanked admin 1.1.0
                crate.unyanked admin 1.1.0
                owners.added admin bob
                crate.yanked bob 1.0.0
                crate.unyanked bob 1.0.0
                owners.removed admin bob
                """, seen.toString());

        // filters and paging
        JsonNode byBob = JSON.readTree(get("/api/v1/admin/audit?user=bob&crate=pinned-dep", runner.token()).body());
        assertEquals(2, byBob.get("records").size(), byBob.toString());
        JsonNode page = JSON.readTree(get("/api/v1/admin/audit?crate=pinned-dep&action=crate.published&per_page=1",
                runner.token()).body());
        assertEquals("1.1.0", page.get("records").get(0).get("version").asText());
        String next = page.get("meta").get("next_page").asText();
        JsonNode second = JSON.readTree(get("/api/v1/admin/audit" + next, runner.token()).body());
        assertEquals("1.0.0", second.get("records").get(0).get("version").asText(), second.toString());
        assertTrue(second.get("meta").get("next_page").isNull(), second.toString());

        // the version API shows who published and who yanked
        JsonNode version = JSON.readTree(get("/api/v1/crates/pinned-dep/1.0.0", null).body()).get("version");
        assertEquals("[publish admin, yank bob, unyank bob]", actions(version));

        // owners read their crate's trail; bob is no longer one
        assertEquals(200, get("/api/v1/crates/pinned-dep/audit", runner.token()).statusCode());
        HttpResponse<String> notOwner = get("/api/v1/crates/pinned-dep/audit", bobToken);
        assertEquals(403, notOwner.statusCode(), notOwner.body());
        assertEquals(403, get("/api/v1/admin/audit", bobToken).statusCode());

        // GET /api/v1/me lists what each user owns: bob was added and removed again
        JsonNode mine = JSON.readTree(get("/api/v1/me", runner.token()).body()).get("owned_crates");
        assertTrue(mine.findValuesAsText("name").containsAll(List.of("pinned-dep", "other-dep", "finder-0")), mine.toString());
        assertEquals(0, JSON.readTree(get("/api/v1/me", bobToken).body()).get("owned_crates").size());
    }

    @Test
    @Order(3)
    void every_link_the_crate_json_advertises_answers_in_crates_io_shapes() throws Exception {
        // a crate that depends on pinned-dep, published by real cargo (the dependency comes from this registry)
        Path dir = Cargo.project(work.resolve("src"), "uses-pinned", Map.of(
                "Cargo.toml", """
                        [package]
                        name = "uses-pinned"
                        version = "0.1.0"
                        edition = "2021"
                        description = "depends on pinned-dep"
                        license = "MIT"
                        authors = ["Alice <alice@example.com>"]

                        [dependencies]
                        pinned-dep = { version = "1", registry = "local" }
                        """,
                "src/lib.rs", "pub use pinned_dep::version;\n"));
        Cargo.Result published = admin().run(dir, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(published.ok(), published.output());

        JsonNode crate = JSON.readTree(get("/api/v1/crates/pinned-dep", null).body());
        List<String> gaps = List.of("version_downloads");  // download counts: not there yet (docs/status.md)
        crate.get("crate").get("links").fields().forEachRemaining(link -> {
            if (!gaps.contains(link.getKey())) {
                try {
                    HttpResponse<String> r = get(link.getValue().asText(), null);
                    assertEquals(200, r.statusCode(), link + ": " + r.body());
                } catch (Exception e) {
                    throw new AssertionError(link.toString(), e);
                }
            }
        });
        for (JsonNode v : crate.get("versions")) {
            for (String link : List.of("dependencies", "authors")) {
                assertEquals(200, get(v.get("links").get(link).asText(), null).statusCode(), v.get("links").toString());
            }
        }
        JsonNode reverse = JSON.readTree(get("/api/v1/crates/pinned-dep/reverse_dependencies", null).body());
        assertEquals(1, reverse.get("meta").get("total").asInt(), reverse.toString());
        assertEquals("uses-pinned", reverse.get("versions").get(0).get("crate").asText());
        assertEquals("^1", reverse.get("dependencies").get(0).get("req").asText());
        JsonNode deps = JSON.readTree(get("/api/v1/crates/uses-pinned/0.1.0/dependencies", null).body()).get("dependencies");
        assertEquals("pinned-dep", deps.get(0).get("crate_id").asText(), deps.toString());
        assertEquals("[\"Alice <alice@example.com>\"]",
                JSON.readTree(get("/api/v1/crates/uses-pinned/0.1.0/authors", null).body()).get("meta").get("names").toString());
        assertEquals("admin", JSON.readTree(get("/api/v1/crates/pinned-dep/owner_user", null).body()).get("users").get(0)
                .get("login").asText());
        // an unknown crate or path: 404 with cargo's error body
        HttpResponse<String> unknown = get("/api/v1/crates/no-such-crate/reverse_dependencies", null);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("\"detail\""), unknown.body());
        HttpResponse<String> noRoute = get("/api/v1/no/such/path", null);
        assertEquals(404, noRoute.statusCode());
        assertTrue(noRoute.body().contains("\"detail\""), noRoute.body());
    }

    @Test
    @Order(3)
    void a_workspace_readme_outside_the_package_is_rendered_on_first_read_and_then_served_by_the_cdn() throws Exception {
        // `readme = "../README.md"`: cargo packs the workspace's README at the package's root
        Path ws = Cargo.project(work.resolve("src"), "readme-ws", Map.of(
                "Cargo.toml", "[workspace]\nmembers = [\"member\"]\nresolver = \"2\"\n",
                "README.md", "# Workspace readme\n\nShared by <b>every</b> member.<script>x()</script>\n",
                "member/Cargo.toml", """
                        [package]
                        name = "ws-member"
                        version = "0.1.0"
                        edition = "2021"
                        description = "a workspace member whose readme is the workspace's"
                        license = "MIT"
                        readme = "../README.md"
                        """,
                "member/src/lib.rs", "pub fn f() {}\n"));
        Cargo.Result published = admin().run(ws.resolve("member"), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(published.ok(), published.output());
        String cdnCopy = "/crates/ws-member/ws-member-0.1.0.readme.html";
        assertEquals(404, get(cdnCopy, null).statusCode(), "publish renders no readme");

        HttpResponse<String> readme = get("/api/v1/crates/ws-member/0.1.0/readme", null);

        assertEquals(200, readme.statusCode(), readme.body());
        assertEquals("<h1>Workspace readme</h1>\n<p>Shared by <b>every</b> member.</p>\n", readme.body());
        HttpResponse<String> kept = get(cdnCopy, null);
        assertEquals(200, kept.statusCode());
        assertEquals(readme.body(), kept.body());
        String checksum = JSON.readTree(get("/api/v1/crates/ws-member/0.1.0", null).body()).get("version").get("checksum").asText();
        assertEquals(checksum, kept.headers().firstValue("x-amz-meta-sha256").orElse(null));
        // the text it was rendered from is not served (the bucket policy denies the distribution `crates/*.readme`)
        assertEquals(403, get("/crates/ws-member/ws-member-0.1.0.readme", null).statusCode());
    }

    private static String actions(JsonNode version) {
        StringBuilder b = new StringBuilder("[");
        for (JsonNode a : version.get("audit_actions")) {
            b.append(b.length() > 1 ? ", " : "").append(a.get("action").asText()).append(' ').append(a.get("user").get("login").asText());
        }
        return b.append(']').toString();
    }

    @Test
    @Order(3)
    void cargo_search_finds_crates_and_honours_the_limit() throws Exception {
        Cargo user = new Cargo(work.resolve("home-search"), runner.index(), null);
        Cargo.Result r = user.run(work, "search", "--registry", "local", "finder", "--limit", "5");
        assertTrue(r.ok(), r.output());
        long shown = r.output().lines().filter(l -> l.startsWith("finder-")).count();
        assertEquals(5, shown, r.output());
        assertTrue(r.output().contains("and 7 crates more"), r.output());
        assertTrue(r.output().contains("# searchable crate number"), r.output());

        Cargo.Result exact = user.run(work, "search", "--registry", "local", "other-dep");
        assertTrue(exact.ok() && exact.output().lines().findFirst().orElse("").startsWith("other-dep = \"0.3.0\""), exact.output());
    }

    @Test
    @Order(4)
    void admin_removal_makes_a_fresh_build_fail_and_leaves_other_crates_intact() throws Exception {
        String other = index("ot/he/other-dep");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runner.api() + "/api/v1/crates/pinned-dep"))
                .header("Authorization", runner.token()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        // gone from the bucket at once; an edge may keep its copy for the index file's max-age (1 s: 5 s allowed here)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (index("pi/nn/pinned-dep") != null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(null, index("pi/nn/pinned-dep"), "the index file is gone, so the crate 404s");
        assertEquals(other, index("ot/he/other-dep"));

        Cargo.Result build = new Cargo(work.resolve("home-after-removal"), runner.index(), null).run(app("after-removal", "1"), "generate-lockfile");
        assertFalse(build.ok());
        assertTrue(build.output().contains("pinned-dep"), build.output());

        // search refreshes from DynamoDB's change index at most every 250 ms locally (1 s in AWS): allow for that
        Cargo.Result search = null;
        for (int i = 0; i < 20; i++) {
            search = new Cargo(work.resolve("home-search-2"), runner.index(), null).run(work, "search", "--registry", "local", "pinned-dep");
            if (search.ok() && !search.output().contains("pinned-dep =")) {
                break;
            }
            Thread.sleep(250);
        }
        assertTrue(search.ok() && !search.output().contains("pinned-dep ="), "search forgot the crate:\n" + search.output());
        JsonNode gone = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runner.api() + "/api/v1/crates/pinned-dep")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(gone.get("errors").get(0).get("detail").asText().contains("does not exist"));
    }
}
