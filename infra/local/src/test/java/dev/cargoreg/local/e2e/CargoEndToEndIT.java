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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real cargo against the real local runner jar: publish crates that use every index feature, build and run a binary
 * that depends on them through the sparse index with a fresh CARGO_HOME, refusals shown by cargo, and a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CargoEndToEndIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path work;
    static Path dataDir;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Cargo.find() != null, "cargo is not installed (not on PATH nor in ~/.cargo/bin): skipping the end-to-end tests with real cargo");
        Path target = Path.of(System.getProperty("registry.jar")).getParent();
        work = Files.createTempDirectory(target, "e2e");
        dataDir = work.resolve("data");
        runner = RunnerProcess.start(dataDir, "--port", "0");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    static Cargo publisher() throws IOException {
        return new Cargo(work.resolve("home-publisher"), runner.index(), runner.token());
    }

    static String lib(String name, String version, String body) {
        return """
                [package]
                name = "%s"
                version = "%s"
                edition = "2021"
                description = "test crate %s"
                license = "MIT"
                """.formatted(name, version, name);
    }

    static Path leaf(String name, String version, String fn, int value) throws IOException {
        return Cargo.project(work.resolve("src"), name + "-" + version, Map.of(
                "Cargo.toml", lib(name, version, ""),
                "src/lib.rs", "pub fn " + fn + "() -> u32 { " + value + " }\n"));
    }

    static Path fancy(String version, int bonus) throws IOException {
        String toml = """
                [package]
                name = "fancy-lib"
                version = "%s"
                edition = "2021"
                rust-version = "1.70"
                links = "fancy"
                build = "build.rs"
                description = "Uses every kind of dependency"
                license = "MIT OR Apache-2.0"

                [dependencies]
                renamed = { package = "leaf-a", version = "0.1", registry = "local" }
                leaf_b = { version = "0.1", registry = "local", optional = true }

                [target.'cfg(unix)'.dependencies]
                unix-only = { version = "0.1", registry = "local" }

                [build-dependencies]
                build-helper = { version = "0.1", registry = "local" }

                [features]
                default = []
                extra = ["dep:leaf_b"]
                """.formatted(version);
        String lib = """
                pub fn total() -> u32 {
                    let mut t = renamed::a() + %d;
                    #[cfg(unix)]
                    { t += unix_only::u(); }
                    #[cfg(feature = "extra")]
                    { t += leaf_b::b(); }
                    t
                }
                pub fn note() -> &'static str { env!("FANCY_NOTE") }
                """.formatted(bonus);
        String build = """
                fn main() {
                    println!("cargo:rustc-env=FANCY_NOTE={}", build_helper::note());
                }
                """;
        return Cargo.project(work.resolve("src"), "fancy-lib-" + version, Map.of(
                "Cargo.toml", toml, "src/lib.rs", lib, "build.rs", build));
    }

    static Path consumer(String name) throws IOException {
        return Cargo.app(work.resolve("apps"), name, """
                fancy-lib = { version = "1", registry = "local", features = ["extra"] }
                leaf-a = { version = "0.2", registry = "local" }
                """, """
                fn main() {
                    println!("total={} note={} a2={}", fancy_lib::total(), fancy_lib::note(), leaf_a::a());
                }
                """);
    }

    static void publishOk(Cargo cargo, Path dir) throws Exception {
        Cargo.Result r = cargo.run(dir, "publish", "--registry", "local", "--allow-dirty");
        assertTrue(r.ok(), "cargo publish failed in " + dir + ":\n" + r.output());
    }

    static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        return RegistryHttp.getBytes(url, headers);
    }

    static String indexBase() {
        return runner.index().substring("sparse+".length());
    }

    static List<JsonNode> indexLines(String path) throws Exception {
        HttpResponse<byte[]> r = get(indexBase() + path);
        assertEquals(200, r.statusCode(), "index file " + path);
        String body = new String(r.body());
        assertTrue(body.endsWith("\n"), "every index line ends with a newline");
        List<JsonNode> lines = new ArrayList<>();
        for (String l : body.split("\n")) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    @Test
    @Order(1)
    void cargo_publishes_crates_with_every_kind_of_dependency() throws Exception {
        Cargo cargo = publisher();
        publishOk(cargo, leaf("leaf-a", "0.1.0", "a", 1));
        publishOk(cargo, leaf("leaf_b", "0.1.0", "b", 2));
        publishOk(cargo, leaf("unix-only", "0.1.0", "u", 4));
        publishOk(cargo, Cargo.project(work.resolve("src"), "build-helper", Map.of(
                "Cargo.toml", lib("build-helper", "0.1.0", ""),
                "src/lib.rs", "pub fn note() -> &'static str { \"built\" }\n")));
        publishOk(cargo, leaf("leaf-a", "0.2.0+build.5", "a", 20));
        publishOk(cargo, fancy("1.0.0", 0));
        publishOk(cargo, fancy("1.1.0", 10));

        List<JsonNode> lines = indexLines("fa/nc/fancy-lib");
        assertEquals(2, lines.size());
        assertEquals("1.0.0", lines.get(0).get("vers").asText(), "lines are in publish order");
        JsonNode v = lines.get(1);
        assertEquals("fancy-lib", v.get("name").asText());
        assertEquals("1.1.0", v.get("vers").asText());
        assertEquals("fancy", v.get("links").asText());
        assertEquals("1.70", v.get("rust_version").asText());
        assertEquals(2, v.get("v").asInt(), "dep: syntax needs schema v2");
        assertEquals("dep:leaf_b", v.get("features2").get("extra").get(0).asText());
        assertFalse(v.get("yanked").asBoolean());
        assertTrue(v.get("cksum").asText().matches("[0-9a-f]{64}"));
        JsonNode renamed = dep(v, "renamed");
        assertEquals("leaf-a", renamed.get("package").asText());
        assertEquals("^0.1", renamed.get("req").asText());
        assertFalse(renamed.has("registry"), "a dependency on this registry carries no registry field");
        assertTrue(dep(v, "leaf_b").get("optional").asBoolean());
        assertEquals("cfg(unix)", dep(v, "unix-only").get("target").asText());
        assertEquals("build", dep(v, "build-helper").get("kind").asText());
        assertEquals("normal", renamed.get("kind").asText());

        // the tarball cargo downloads is exactly what the checksum describes
        HttpResponse<byte[]> crate = get(runner.api() + "/crates/fancy-lib/fancy-lib-1.1.0.crate");
        assertEquals(200, crate.statusCode());
        assertEquals(v.get("cksum").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(crate.body())));
        assertTrue(crate.headers().firstValue("content-encoding").isEmpty(), "tarballs are never content-encoded");
        assertTrue(crate.headers().firstValue("cache-control").orElse("").contains("immutable"));
    }

    static JsonNode dep(JsonNode line, String name) {
        for (JsonNode d : line.get("deps")) {
            if (d.get("name").asText().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no dependency " + name + " in " + line);
    }

    @Test
    @Order(2)
    void a_fresh_cargo_home_builds_and_runs_a_binary_from_the_sparse_index() throws Exception {
        Path app = consumer("app");
        Cargo fresh = new Cargo(work.resolve("home-fresh"), runner.index(), null);
        Cargo.Result r = fresh.run(app, "run", "--quiet");
        assertTrue(r.ok(), "cargo run failed:\n" + r.output());
        assertTrue(r.output().contains("total=17 note=built a2=20"), "picked fancy-lib 1.1.0 with the unix dep, the optional dep and the build dep, and leaf-a 0.2.0+build.5:\n" + r.output());
        String lock = Files.readString(app.resolve("Cargo.lock"));
        assertTrue(lock.contains("version = \"0.2.0+build.5\""), lock);
        assertTrue(lock.contains("source = \"" + runner.index() + "\"") || lock.contains("source = \"registry+"), lock);
    }

    @Test
    @Order(3)
    void republishing_an_existing_version_is_refused_and_cargo_shows_why() throws Exception {
        Cargo cargo = publisher();
        Cargo.Result same = cargo.run(fancy("1.1.0", 10), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(same.ok());
        assertTrue(same.output().contains("already exists") || same.output().contains("already uploaded"), same.output());

        // Another spelling of the same crate gets past cargo's own check, so the server's refusal is what cargo prints.
        Path renamed = Cargo.project(work.resolve("src"), "Fancy_Lib", Map.of(
                "Cargo.toml", lib("Fancy_Lib", "1.1.0", ""), "src/lib.rs", "pub fn x() {}\n"));
        Cargo.Result other = cargo.run(renamed, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(other.ok());
        assertTrue(other.output().contains("400") && other.output().contains("previously named `fancy-lib`"), other.output());

        // Build metadata does not make a new version.
        Cargo.Result build = cargo.run(leaf("leaf-a", "0.2.0+other", "a", 99), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(build.ok());
        assertTrue(build.output().contains("already"), build.output());
        assertEquals(2, indexLines("le/af/leaf-a").size(), "nothing was added");
    }

    @Test
    @Order(4)
    void publishing_without_a_token_is_refused_with_cargos_error() throws Exception {
        Cargo anonymous = new Cargo(work.resolve("home-anon"), runner.index(), null);
        Cargo.Result r = anonymous.run(leaf("leaf-c", "0.1.0", "c", 3), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(r.ok());
        assertTrue(r.output().contains("no token found") || r.output().contains("403"), r.output());

        Cargo wrong = new Cargo(work.resolve("home-wrong"), runner.index(), "cargoreg_not_a_real_token");
        Cargo.Result w = wrong.run(leaf("leaf-c", "0.1.0", "c", 3), "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertFalse(w.ok());
        assertTrue(w.output().contains("403") && w.output().contains("authentication failed"), w.output());
        assertEquals(404, get(indexBase() + "le/af/leaf-c").statusCode(), "nothing was published");
    }

    @Test
    @Order(5)
    void index_is_served_like_a_cdn_with_etags_and_304() throws Exception {
        HttpResponse<byte[]> first = get(indexBase() + "fa/nc/fancy-lib");
        String etag = first.headers().firstValue("etag").orElseThrow();
        String modified = first.headers().firstValue("last-modified").orElseThrow();
        assertTrue(first.headers().firstValue("cache-control").orElse("").contains("max-age"));
        assertEquals(304, get(indexBase() + "fa/nc/fancy-lib", "If-None-Match", etag).statusCode());
        assertEquals(304, get(indexBase() + "fa/nc/fancy-lib", "If-Modified-Since", modified).statusCode());
        assertEquals(200, get(indexBase() + "fa/nc/fancy-lib", "If-None-Match", "\"other\"").statusCode());
        assertEquals(404, get(indexBase() + "no/ne/none-such").statusCode());
        assertEquals(404, get(runner.api() + "/crates/none/none-1.0.0.crate").statusCode());
        JsonNode config = JSON.readTree(get(indexBase() + "config.json").body());
        assertEquals(runner.api(), config.get("api").asText());
        assertFalse(config.get("api").asText().endsWith("/"));
        assertFalse(config.get("auth-required").asBoolean());
        assertNotNull(config.get("dl"));
    }

    @Test
    @Order(6)
    void after_a_restart_everything_is_still_there() throws Exception {
        int port = runner.port();
        String before = new String(get(indexBase() + "fa/nc/fancy-lib").body());
        assertEquals(143, runner.stop() & 0xff | 0, "SIGTERM ends the runner") ;
        runner = RunnerProcess.start(dataDir, "--port", Integer.toString(port));
        assertEquals(before, new String(get(indexBase() + "fa/nc/fancy-lib").body()));

        Path app = consumer("app-after-restart");
        Cargo fresh = new Cargo(work.resolve("home-after-restart"), runner.index(), null);
        Cargo.Result r = fresh.run(app, "run", "--quiet");
        assertTrue(r.ok(), "cargo run after restart failed:\n" + r.output());
        assertTrue(r.output().contains("total=17 note=built a2=20"), r.output());

        // the kept admin token still publishes
        publishOk(publisher(), fancy("1.2.0", 100));
        assertEquals(3, indexLines("fa/nc/fancy-lib").size());
    }
}
