package dev.cargoreg.local.e2e;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real cargo with crates.io replaced by the runner's mirror of a fake upstream made of real crate sources (Debian's
 * serde, serde_json, itoa, ryu): it builds, keeps building with a fresh CARGO_HOME after upstream is gone, sees a
 * version published upstream once the TTL has passed, and is refused both kinds of dependency confusion.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CargoMirrorIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ADMIN = "cargoreg_MirrorAdminToken0000000000000000000000";
    static final int TTL_SECONDS = 2;
    /** The closure of serde, serde_json, regex, tokio (sync) and rayon, as Debian packages it. */
    static final String[] DEBIAN = {"serde", "serde_json", "itoa", "ryu", "regex", "regex-syntax", "aho-corasick", "memchr",
        "tokio", "pin-project-lite", "autocfg", "rayon", "rayon-core", "either", "crossbeam-channel", "crossbeam-deque",
        "crossbeam-epoch", "crossbeam-utils", "cfg-if", "memoffset", "scopeguard", "num_cpus", "libc"};
    static Path work;
    static FakeUpstream upstream;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed: skipping the mirror tests with real cargo");
        assumeTrue(FakeUpstream.hasDebianCrates(DEBIAN), "Debian's librust-{serde-json,regex,tokio,rayon}-dev are not installed"
                + " (.ci/run installs them): skipping the mirror tests with real cargo");
        upstream = FakeUpstream.start();
        for (String d : DEBIAN) {
            upstream.addDebian(d);
        }
        upstream.addSimple("probe-lib", "0.1.0", "pub fn probe() -> u32 { 1 }\n");
        upstream.addSimple("acme-core", "0.1.0", "pub fn evil() {}\n");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-mirror");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0", "--admin-token", ADMIN,
                "--upstream", upstream.indexUrl(), "--mirror-ttl", Integer.toString(TTL_SECONDS), "--mirror-reserved", "acme-*");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** cargo configured as the runner's instructions say: crates.io replaced by the mirror, the private registry beside it. */
    static Cargo cargo(String home) throws IOException {
        Cargo c = new Cargo(work.resolve(home), runner.index(), ADMIN);
        Files.writeString(c.home.resolve("config.toml"), """

                [source.crates-io]
                replace-with = "local-mirror"

                [source.local-mirror]
                registry = "%s"
                """.formatted(runner.info.get("mirror").asText()), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return c;
    }

    static Path app(String name, String deps, String main) throws IOException {
        Path dir = Cargo.app(work.resolve("apps"), name, deps + "\n", main);
        Files.deleteIfExists(dir.resolve("Cargo.lock"));
        return dir;
    }

    static Path jsonApp() throws IOException {
        return app("json-app", """
                serde = "1"
                serde_json = "1"
                regex = "1"
                tokio = { version = "1", features = ["sync"] }
                rayon = "1"
                """, """
                use rayon::prelude::*;

                fn main() {
                    let v: Vec<u32> = serde_json::from_str("[1, 2, 3]").unwrap();
                    let squares: u32 = v.par_iter().map(|x| x * x).sum();
                    let re = regex::Regex::new(r"^[0-9]+$").unwrap();
                    let lock = tokio::sync::Mutex::new(squares);
                    let n = *lock.try_lock().unwrap();
                    println!("json={} squares={} digits={}", serde_json::to_string(&v).unwrap(), n, re.is_match(&n.to_string()));
                }
                """);
    }

    @Test
    @Order(1)
    void the_first_line_names_the_mirror() {
        assertEquals("sparse+http://127.0.0.1:" + runner.port() + "/mirror/index/", runner.info.get("mirror").asText());
    }

    @Test
    @Order(2)
    void cargo_builds_real_crates_through_the_mirror() throws Exception {
        Cargo.Result run = cargo("home-build").run(jsonApp(), "run", "--quiet");
        assertTrue(run.ok() && run.output().contains("json=[1,2,3] squares=14 digits=true"), run.output());
        assertTrue(upstream.hits("index/se/rd/serde_json") >= 1 && upstream.hits("api/v1/crates/serde_json/"
                + FakeUpstream.debianVersion("serde_json") + "/download") == 1,
                "fetched through the mirror from upstream once");
    }

    @Test
    @Order(3)
    void a_version_published_upstream_is_seen_once_the_ttl_has_passed() throws Exception {
        Cargo c = cargo("home-fresh");
        Path app = app("probe-app", "probe-lib = \"0.2\"\n", "fn main() { println!(\"probe={}\", probe_lib::probe()); }\n");
        Path old = app("probe-old", "probe-lib = \"0.1\"\n", "fn main() { println!(\"probe={}\", probe_lib::probe()); }\n");
        assertTrue(c.run(old, "generate-lockfile").ok(), "0.1 resolves: the mirror has probe-lib cached now");
        upstream.addSimple("probe-lib", "0.2.0", "pub fn probe() -> u32 { 2 }\n");
        long published = System.nanoTime();
        String url = runner.info.get("mirror").asText().substring("sparse+".length()) + FakeUpstream.indexPath("probe-lib");
        while (!HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"0.2.0\"")) {
            assertTrue(System.nanoTime() - published < (TTL_SECONDS + 5) * 1_000_000_000L, "0.2.0 not visible within TTL + 5 s");
            Thread.sleep(50);
        }
        long visibleMs = (System.nanoTime() - published) / 1_000_000;
        System.out.println("mirror freshness: a version published upstream was served after " + visibleMs + " ms (TTL "
                + TTL_SECONDS + " s)");
        assertTrue(visibleMs <= TTL_SECONDS * 1000L + 1000, "visible within the TTL (plus a request): " + visibleMs + " ms");
        Cargo.Result run = c.run(app, "run", "--quiet");
        assertTrue(run.ok() && run.output().contains("probe=2"), run.output());
    }

    @Test
    @Order(4)
    void a_private_publish_of_an_upstream_name_is_refused() throws Exception {
        Path lib = Cargo.project(work.resolve("src"), "fake-itoa", Map.of(
                "Cargo.toml", """
                        [package]
                        name = "itoa"
                        version = "99.0.0"
                        edition = "2021"
                        description = "an internal crate that happens to share crates.io's name"
                        license = "MIT"
                        """,
                "src/lib.rs", "pub fn x() {}\n"));
        Cargo.Result pub = cargo("home-publish").run(lib, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(pub.ok(), pub.output());
        assertTrue(pub.output().contains("crate `itoa` exists on the upstream registry") && pub.output().contains("dependency confusion"),
                pub.output());
    }

    @Test
    @Order(5)
    void the_mirror_refuses_upstream_content_for_a_private_name_and_a_reserved_one() throws Exception {
        Cargo c = cargo("home-confusion");
        Path lib = Cargo.project(work.resolve("src"), "inhouse-tool", Map.of(
                "Cargo.toml", """
                        [package]
                        name = "inhouse-tool"
                        version = "0.1.0"
                        edition = "2021"
                        description = "an internal crate"
                        license = "MIT"
                        """,
                "src/lib.rs", "pub fn x() {}\n"));
        Cargo.Result pub = c.run(lib, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(pub.ok(), "a name upstream does not have is published: " + pub.output());
        // then an attacker publishes the same name upstream
        upstream.addSimple("inhouse-tool", "0.1.0", "pub fn x() { /* evil */ }\n");
        int asked = upstream.hits("index/in/ho/inhouse-tool");
        Cargo.Result viaMirror = c.run(app("confused-app", "inhouse-tool = \"0.1\"\n", "fn main() {}\n"), "generate-lockfile");
        assertFalse(viaMirror.ok(), viaMirror.output());
        assertTrue(viaMirror.output().contains("403") && viaMirror.output().contains("is a crate of this private registry"),
                viaMirror.output());
        assertEquals(asked, upstream.hits("index/in/ho/inhouse-tool"), "the mirror did not even ask upstream");

        Cargo.Result reserved = c.run(app("reserved-app", "acme-core = \"0.1\"\n", "fn main() {}\n"), "generate-lockfile");
        assertFalse(reserved.ok(), reserved.output());
        assertTrue(reserved.output().contains("reserved name pattern `acme_*`"), reserved.output());
    }

    @Test
    @Order(6)
    void prefetch_fills_the_mirror_from_a_lockfile_and_reports_what_failed() throws Exception {
        Path lock = work.resolve("prefetch.lock");
        // probe-lib 0.1.0 was only resolved so far (its index file is cached, its .crate is not)
        Files.writeString(lock, """
                version = 4

                [[package]]
                name = "probe-lib"
                version = "0.1.0"
                source = "registry+https://github.com/rust-lang/crates.io-index"
                checksum = "%s"

                [[package]]
                name = "ghost-crate"
                version = "1.0.0"
                source = "registry+https://github.com/rust-lang/crates.io-index"

                [[package]]
                name = "local-only"
                version = "0.1.0"
                """.formatted(FakeUpstream.sha256(upstream.crateBytes("probe-lib", "0.1.0"))), StandardCharsets.UTF_8);
        var outcomes = MirrorPrefetchAccess.run(runner.info.get("mirror").asText(), lock, "itoa@" + FakeUpstream.debianVersion("itoa"));
        assertEquals(3, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.get(0).ok() && outcomes.get(0).detail().contains("(miss)"), outcomes.get(0).toString());
        assertFalse(outcomes.get(1).ok());
        assertTrue(outcomes.get(1).detail().contains("no crate `ghost-crate` upstream"), outcomes.get(1).toString());
        assertTrue(outcomes.get(2).ok() && outcomes.get(2).detail().contains("(cdn-hit)"), "already cached: " + outcomes.get(2));
    }

    static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return RegistryHttp.send(method, runner.api() + path, ADMIN, body);
    }

    @Test
    @Order(7)
    void a_denied_version_fails_the_build_with_the_reason_and_resolution_picks_one_that_is_not_denied() throws Exception {
        upstream.addSimple("policy-lib", "1.0.0", "pub fn v() -> u32 { 100 }\n");
        upstream.addSimple("policy-lib", "1.1.0", "pub fn v() -> u32 { 110 }\n");
        Path app = app("policy-app", "policy-lib = \"1\"\n", "fn main() { println!(\"v={}\", policy_lib::v()); }\n");
        Cargo.Result before = cargo("home-policy-1").run(app, "run", "--quiet");
        assertTrue(before.ok() && before.output().contains("v=110"), "1.1.0 resolved, downloaded and cached: " + before.output());

        String reason = "CVE-TEST-0001: policy-lib 1.1.0 leaks secrets, stay on 1.0";
        HttpResponse<String> put = admin("PUT", "/api/v1/admin/mirror/rules/no-policy-lib-1-1",
                "{\"effect\":\"deny\",\"crate\":\"policy-lib\",\"versions\":\">=1.1.0\",\"reason\":\"" + reason + "\"}");
        assertEquals(200, put.statusCode(), put.body());
        assertTrue(put.body().contains("\"quarantined\":1"), "the cached 1.1.0 left what the CDN serves: " + put.body());

        // the lockfile pins 1.1.0: cargo downloads a yanked version it is pinned to, and the mirror refuses it with the reason
        Cargo.Result pinned = cargo("home-policy-2").run(app, "build");
        assertFalse(pinned.ok(), pinned.output());
        assertTrue(pinned.output().contains("403") && pinned.output().contains(reason), pinned.output());

        // resolution skips the version the mirror shows as yanked
        Cargo c = cargo("home-policy-3");
        Cargo.Result update = c.run(app, "update");
        assertTrue(update.ok(), update.output());
        assertTrue(Files.readString(app.resolve("Cargo.lock")).contains("name = \"policy-lib\"\nversion = \"1.0.0\""),
                Files.readString(app.resolve("Cargo.lock")));
        Cargo.Result after = c.run(app, "run", "--quiet");
        assertTrue(after.ok() && after.output().contains("v=100"), after.output());

        HttpResponse<String> gone = admin("DELETE", "/api/v1/admin/mirror/rules/no-policy-lib-1-1", null);
        assertEquals(200, gone.statusCode(), gone.body());
        assertTrue(gone.body().contains("\"restored\":1"), gone.body());
    }

    @Test
    @Order(8)
    void names_reserved_or_allowed_through_the_admin_api_are_refused_by_the_mirror_and_an_allowed_one_is_published() throws Exception {
        upstream.addSimple("team-util", "0.1.0", "pub fn x() -> u32 { 666 }\n");
        Path app = app("team-app", "team-util = \"0.1\"\n", "fn main() {}\n");
        assertTrue(cargo("home-names-1").run(app, "fetch").ok(), "served and cached before the name becomes private");
        String crateUrl = "http://127.0.0.1:" + runner.port() + "/mirror/crates/team-util/team-util-0.1.0.crate";
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(crateUrl)).build(), HttpResponse.BodyHandlers.discarding()).statusCode());

        HttpResponse<String> allowed = admin("PUT", "/api/v1/admin/mirror/allowed/team-util", "{\"reason\":\"ours since 2019\"}");
        assertEquals(200, allowed.statusCode(), allowed.body());
        Path lib = Cargo.project(work.resolve("src"), "team-util", Map.of(
                "Cargo.toml", """
                        [package]
                        name = "team-util"
                        version = "0.1.0"
                        edition = "2021"
                        description = "the team's own util"
                        license = "MIT"
                        """,
                "src/lib.rs", "pub fn x() -> u32 { 1 }\n"));
        Cargo c = cargo("home-names-2");
        Cargo.Result pub = c.run(lib, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(pub.ok(), "an allowed upstream name is published privately: " + pub.output());
        Cargo.Result viaMirror = c.run(app, "fetch");
        assertFalse(viaMirror.ok(), viaMirror.output());
        assertTrue(viaMirror.output().contains("403") && viaMirror.output().contains("team-util"), viaMirror.output());
        HttpResponse<String> cached = HTTP.send(HttpRequest.newBuilder(URI.create(crateUrl)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, cached.statusCode(), "the crate cached before the name became private is not served: " + cached.body());
        assertTrue(cached.body().contains("dependency-confusion protection"), cached.body());

        // the administrator's command line (infra/admin/registry-admin) over the same API
        Path script = Path.of(System.getProperty("events.dir")).getParent().resolve("infra/admin/registry-admin");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "mirror-reserved", "add", "corp-*", "our prefix")
                .redirectErrorStream(true);
        pb.environment().put("REGISTRY_API", runner.api());
        pb.environment().put("REGISTRY_TOKEN", ADMIN);
        Process cli = pb.start();
        String cliOut = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cli.waitFor(), cliOut);
        upstream.addSimple("corp-secrets", "0.1.0", "pub fn x() {}\n");
        Cargo.Result reserved = c.run(app("corp-app", "corp-secrets = \"0.1\"\n", "fn main() {}\n"), "generate-lockfile");
        assertFalse(reserved.ok(), reserved.output());
        assertTrue(reserved.output().contains("reserved name pattern `corp_*`"), reserved.output());
        HttpResponse<String> list = admin("GET", "/api/v1/admin/mirror/reserved", null);
        assertTrue(list.body().contains("{\"pattern\":\"corp_*\",\"reason\":\"our prefix\",\"source\":\"admin\"}")
                && list.body().contains("{\"pattern\":\"acme_*\",\"reason\":null,\"source\":\"environment\"}"), list.body());
    }

    @Test
    @Order(9)
    void with_upstream_gone_a_fresh_cargo_home_still_resolves_and_downloads_everything_from_the_cache() throws Exception {
        upstream.close();
        Thread.sleep(TTL_SECONDS * 1000L + 200);
        Cargo fresh = cargo("home-offline");
        Path app = jsonApp();
        // resolution (no Cargo.lock) and every download go through the mirror, with upstream gone and every TTL passed
        Cargo.Result fetch = fresh.run(app, "fetch");
        assertTrue(fetch.ok(), fetch.output());
        // (not compiled again: a fresh CARGO_HOME recompiles every crate, a minute of CI that proves nothing more of the mirror)
        Cargo.Result tree = fresh.run(app, "tree", "--offline", "--prefix", "none");
        HttpResponse<byte[]> prefetched = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port()
                + "/mirror/crates/probe-lib/probe-lib-0.1.0.crate")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, prefetched.statusCode(), "what prefetch fetched is there with upstream gone");
        assertTrue(tree.ok(), tree.output());
        for (String name : DEBIAN) {
            assertTrue(tree.output().contains(name + " v" + FakeUpstream.debianVersion(name)), name + " resolved:\n" + tree.output());
        }
        for (String name : DEBIAN) {
            String file = name + "-" + FakeUpstream.debianVersion(name) + ".crate";
            try (var found = Files.find(fresh.home.resolve("registry/cache"), 2, (p, a) -> p.getFileName().toString().equals(file))) {
                assertTrue(found.findAny().isPresent(), file + " downloaded into the fresh CARGO_HOME through the mirror");
            }
        }
    }
}
