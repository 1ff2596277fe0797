package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cargoreg.core.testing.DebianCrates;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A .crate pushed as it is (`registry-admin push`) indexes exactly what `cargo publish` of the same package would, and
 * cargo builds against it; Debian's crate sources for serde/serde_json/regex/rayon/tokio/futures/sha2/hex/flate2/log/
 * indexmap, packed by real cargo, are imported (`registry-admin import DIR`) and a consumer builds and runs with
 * crates.io replaced by the registry.
 */
class CargoPushImportIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The whole closure's consumer compiles tokio, rayon, regex…: ~100 s on 2 cores, so CI builds a smaller one. */
    static final boolean FULL_CONSUMER = Boolean.getBoolean("registry.fullConsumer");
    static Path work;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Cargo.find() != null, "cargo is not installed: skipping the push and import tests with real cargo");
        Path target = Path.of(System.getProperty("registry.jar")).getParent();
        work = Files.createTempDirectory(target, "push");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0");
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

    static List<JsonNode> index(String name) throws Exception {
        return index(runner, name);
    }

    static List<JsonNode> index(RunnerProcess on, String name) throws Exception {
        String path = FakeUpstream.indexPath(name);
        // what the CDN serves: its copy of a file read within the last second may predate the last change (index files
        // say max-age=1 and nothing invalidates them), so read once that bound has passed
        Thread.sleep(1_100);
        HttpResponse<String> r = RegistryHttp.get(on.indexBase() + path, null);
        assertEquals(200, r.statusCode(), path);
        return RegistryHttp.jsonLines(r.body());
    }

    static String rich(String version) {
        return """
                [package]
                name = "push-rich"
                version = "%s"
                edition = "2021"
                rust-version = "1.70"
                links = "pushrich"
                build = "build.rs"
                description = "Uses every kind of dependency"
                license = "MIT OR Apache-2.0"
                readme = "README.md"
                keywords = ["push", "test"]
                categories = ["development-tools"]
                homepage = "https://example.com/push-rich"
                repository = "https://example.com/push-rich.git"

                [dependencies]
                renamed = { package = "push-leaf", version = "0.1", registry = "local", default-features = false, features = ["x"] }
                opt = { package = "push-opt", version = ">= 0.1, < 0.3", registry = "local", optional = true }

                [target.'cfg(unix)'.dependencies]
                push-unix = { version = "0.1.0", registry = "local" }

                [build-dependencies]
                push-build = { version = "=0.1.0", registry = "local" }

                [dev-dependencies]
                push-dev = { version = "~0.1", registry = "local" }

                [features]
                default = ["fast"]
                fast = []
                extra = ["dep:opt", "renamed/x"]
                """.formatted(version);
    }

    @Test
    void aPushedFileIndexesWhatCargoPublishWouldAndCargoBuildsAgainstIt() throws Exception {
        Cargo admin = admin();
        for (String leaf : new String[] {"push-leaf", "push-opt", "push-unix", "push-build", "push-dev"}) {
            Path dir = Cargo.project(work.resolve("src"), leaf, Map.of(
                    "Cargo.toml", "[package]\nname = \"" + leaf + "\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
                            + "description = \"leaf\"\nlicense = \"MIT\"\n\n[features]\nx = []\n",
                    "src/lib.rs", "pub fn v() -> u32 { 1 }\n"));
            Cargo.Result r = admin.run(dir, "publish", "--registry", "local", "--no-verify");
            assertTrue(r.ok(), r.output());
        }
        Map<String, String> files = Map.of("src/lib.rs", "pub fn total() -> u32 { renamed::v() + 41 }\n",
                "build.rs", "fn main() {}\n", "README.md", "# push-rich\n");
        // cargo publish of 0.1.0 records what cargo sends
        Path published = Cargo.project(work.resolve("src"), "push-rich-0.1.0",
                Map.of("Cargo.toml", rich("0.1.0")));
        files.forEach((k, v) -> write(published.resolve(k), v));
        Cargo.Result pub = admin.run(published, "publish", "--registry", "local", "--no-verify");
        assertTrue(pub.ok(), pub.output());
        // the same package as 0.2.0, packed by cargo and pushed as a bare file
        Path packed = Cargo.project(work.resolve("src"), "push-rich-0.2.0", Map.of("Cargo.toml", rich("0.2.0")));
        files.forEach((k, v) -> write(packed.resolve(k), v));
        Cargo.Result pack = admin.run(packed, "package", "--registry", "local", "--no-verify", "--allow-dirty");
        assertTrue(pack.ok(), pack.output());
        Path crate = packed.resolve("target/package/push-rich-0.2.0.crate");
        Cargo.Result push = runner.registryAdmin("push", crate.toString());
        assertEquals(0, push.exit(), push.output());

        List<JsonNode> lines = index("push-rich");
        assertEquals(2, lines.size());
        assertEquals(FakeUpstream.sha256(Files.readAllBytes(crate)), lines.get(1).get("cksum").asText());
        ObjectNode viaCargo = withoutVersionFields(lines.get(0));
        ObjectNode viaPush = withoutVersionFields(lines.get(1));
        assertEquals(viaCargo, viaPush, "a push indexes what cargo publish sends");
        // the tarball is the file, byte for byte
        String dl = runner.api() + "/crates/push-rich/push-rich-0.2.0.crate";
        HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(dl)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(FakeUpstream.sha256(Files.readAllBytes(crate)), FakeUpstream.sha256(got.body()));

        Path app = Cargo.app(work.resolve("apps"), "uses-pushed",
                "push-rich = { version = \"=0.2.0\", registry = \"local\", features = [\"extra\"] }\n",
                "fn main() { println!(\"total={}\", push_rich::total()); }\n");
        Cargo.Result run = new Cargo(work.resolve("home-app"), runner.index(), null).run(app, "run", "-q");
        assertTrue(run.ok(), run.output());
        assertTrue(run.output().contains("total=42"), run.output());
    }

    private static ObjectNode withoutVersionFields(JsonNode line) {
        ObjectNode o = line.deepCopy();
        o.remove(List.of("vers", "cksum", "pubtime"));
        return o;
    }

    private static void write(Path p, String content) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void debiansCratesAreImportedAndAConsumerBuildsWithCratesIoReplaced() throws Exception {
        String why = DebianCrates.unavailable("serde-1.0.152", "tokio-1.24.2", "winapi-0.3.9", "aho-corasick-0.7.19");
        assumeTrue(why == null, () -> "skipped: " + why);
        long t0 = System.nanoTime();
        Map<String, Path> packed = DebianCrates.pack(Path.of("target", "debian-crates"), DebianCrates.all());
        Path dir = work.resolve("import");
        Files.createDirectories(dir);
        Map<String, String> sums = new TreeMap<>();
        for (Path c : packed.values()) {
            Files.copy(c, dir.resolve(c.getFileName()));
            sums.put(c.getFileName().toString().replaceFirst("\\.crate$", ""), FakeUpstream.sha256(Files.readAllBytes(c)));
        }
        long t1 = System.nanoTime();
        Cargo.Result first = runner.registryAdmin("import", dir.toString());
        long t2 = System.nanoTime();
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains(packed.size() + " imported, 0 skipped, 0 refused"), first.output());
        Cargo.Result again = runner.registryAdmin("import", dir.toString());
        assertTrue(again.output().contains("0 imported, " + packed.size() + " skipped, 0 refused"), again.output());
        for (String crate : List.of("winapi-0.3.9", "compiler_builtins-0.1.70", "serde_json-1.0.87")) {
            String name = crate.replaceFirst("-\\d+\\.\\d+\\.\\d+.*$", "");
            assertEquals(sums.get(crate), index(name).get(0).get("cksum").asText(), crate);
        }

        Path home = work.resolve("home-mirror");
        String index = runner.index();
        Cargo mirror = new Cargo(home, index, null);
        // crates.io replaced by the registry, as docs/api.md#push-and-import shows
        Files.writeString(home.resolve("config.toml"), """
                [source.crates-io]
                replace-with = "mirror"

                [source.mirror]
                registry = "%s"

                [net]
                retry = 0
                """.formatted(index));
        String deps = FULL_CONSUMER ? """
                serde = { version = "1", features = ["derive"] }
                serde_json = "1"
                regex = "1"
                rayon = "1"
                tokio = { version = "1", features = ["rt-multi-thread", "macros", "sync"] }
                futures = "0.3"
                sha2 = "0.10"
                hex = "0.4"
                flate2 = "1"
                log = "0.4"
                indexmap = "1"
                """ : """
                serde_json = "1"
                hex = "0.4"
                log = "0.4"
                """;
        String main = FULL_CONSUMER ? """
                use rayon::prelude::*;
                use sha2::Digest;
                #[tokio::main]
                async fn main() {
                    let sum: u64 = (1..=100u64).into_par_iter().sum();
                    let re = regex::Regex::new(r"^[a-z]+-\\d+$").unwrap().is_match("crate-42");
                    let (tx, rx) = futures::channel::oneshot::channel();
                    tokio::spawn(async move { tx.send(7u32).unwrap(); });
                    let mut m = indexmap::IndexMap::new();
                    m.insert("k", rx.await.unwrap());
                    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                    std::io::Write::write_all(&mut gz, b"abc").unwrap();
                    log::info!("quiet");
                    let v = serde_json::json!({"sum": sum, "re": re, "k": m["k"], "gz": gz.finish().unwrap().len() > 0,
                        "sha": hex::encode(sha2::Sha256::digest(b"x"))});
                    println!("{}", v);
                }
                """ : """
                fn main() {
                    log::info!("quiet");
                    println!("{}", serde_json::json!({"hex": hex::encode([1u8, 2]), "n": 3}));
                }
                """;
        Path app = Cargo.app(work.resolve("apps"), "mirror-consumer", deps, main);
        Cargo.Result run = mirror.run(app, "run", "-q");
        long t3 = System.nanoTime();
        System.out.printf("debian crates: %d packed in %.1f s, imported in %.1f s, consumer (%s) built and ran in %.1f s%n",
                packed.size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, FULL_CONSUMER ? "full closure" : "small", (t3 - t2) / 1e9);
        assertTrue(run.ok(), run.output());
        assertTrue(run.output().contains(FULL_CONSUMER ? "\"sum\":5050" : "\"hex\":\"0102\""), run.output());
        // every locked package came from the mirror with the checksum of the very file imported
        String lock = Files.readString(app.resolve("Cargo.lock"));
        Matcher m = Pattern.compile("name = \"([^\"]+)\"\nversion = \"([^\"]+)\"\nsource = \"[^\"]+\"\nchecksum = \"([0-9a-f]+)\"").matcher(lock);
        int locked = 0;
        while (m.find()) {
            assertEquals(sums.get(m.group(1) + "-" + m.group(2)), m.group(3), m.group(1) + " " + m.group(2));
            locked++;
        }
        assertTrue(locked >= 3, lock);
    }

    @Test
    void anotherRegistrysCratesAreImportedWithTheirPublishTimeAndYankedFlag() throws Exception {
        Path files = work.resolve("mirror-me");
        Files.createDirectories(files);
        for (String v : List.of("0.1.0", "0.2.0")) {
            Path f = files.resolve("mirror-me-" + v + ".crate");
            Files.write(f, TarballBuilder.valid("mirror-me", v));
            Cargo.Result push = runner.registryAdmin("push", f.toString());
            assertEquals(0, push.exit(), push.output());
            Thread.sleep(1100); // distinct publish times, to the second as pubtime has them
        }
        HttpResponse<String> yank = HTTP.send(HttpRequest.newBuilder(URI.create(runner.api() + "/api/v1/crates/mirror-me/0.1.0/yank"))
                .header("Authorization", runner.token()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, yank.statusCode(), yank.body());
        List<JsonNode> source = index("mirror-me");

        RunnerProcess other = RunnerProcess.start(work.resolve("data-other"), "--port", "0");
        try {
            Cargo.Result first = other.registryAdmin("import", runner.index(), "mirror-me");
            assertEquals(0, first.exit(), first.output());
            assertTrue(first.output().contains("imported  mirror-me 0.1.0 yanked"), first.output());
            assertTrue(first.output().contains("2 imported, 0 skipped, 0 refused"), first.output());
            List<JsonNode> copied = index(other, "mirror-me");
            assertEquals(source, copied, "same lines: checksums, publish times and yanked flags");
            Cargo.Result again = other.registryAdmin("import", runner.index(), "mirror-me");
            assertTrue(again.output().contains("0 imported, 2 skipped, 0 refused"), again.output());
            assertEquals(source, index(other, "mirror-me"));
            // a crate the source does not have is reported, and the exit status says so
            Cargo.Result missing = other.registryAdmin("import", runner.index(), "no-such-crate");
            assertEquals(1, missing.exit(), missing.output());
            assertTrue(missing.output().contains("refused   crate `no-such-crate`: its index file answered 404"), missing.output());
        } finally {
            other.close();
        }
    }
}
