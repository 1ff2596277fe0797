package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Crates as large as crates.io allows: files of 5 and 10 MiB pushed with `registry-admin push` (a presigned upload,
 * then the same push path), 50 MiB with a raised limit, cargo building against each; `cargo publish` above what a
 * Lambda request carries gets cargo's 413 naming the limit and the push command.
 */
class CargoLargeCrateIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final long MIB = 1024 * 1024;
    static Path work;
    static RunnerProcess runner;
    /** The same runner with the limit raised to 60 MiB. */
    static RunnerProcess raised;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Cargo.find() != null, "cargo is not installed: skipping the large-crate tests with real cargo");
        Path target = Path.of(System.getProperty("registry.jar")).getParent();
        work = Files.createTempDirectory(target, "large");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0");
        raised = RunnerProcess.start(work.resolve("data-raised"), "--port", "0", "--max-crate-bytes", String.valueOf(60 * MIB));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
        if (raised != null) {
            raised.close();
        }
    }

    /** A package whose .crate is about {@code bytes} long: a file of random bytes gzip cannot shrink. */
    static Path bigPackage(String name, long bytes) throws IOException {
        Path dir = Cargo.project(work.resolve("src"), name, Map.of(
                "Cargo.toml", "[package]\nname = \"" + name + "\"\nversion = \"1.0.0\"\nedition = \"2021\"\n"
                        + "description = \"a large crate\"\nlicense = \"MIT\"\n",
                "src/lib.rs", "pub fn size() -> u64 { " + bytes + " }\n"));
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(bytes);
        try (OutputStream out = Files.newOutputStream(dir.resolve("data.bin"))) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return dir;
    }

    static Path pack(Cargo cargo, String name, long bytes) throws Exception {
        Path dir = bigPackage(name, bytes);
        Cargo.Result r = cargo.run(dir, "package", "--no-verify", "--allow-dirty", "--exclude-lockfile");
        assertTrue(r.ok(), r.output());
        return dir.resolve("target/package/" + name + "-1.0.0.crate");
    }

    /** Pushes the file, checks the stored checksum, then builds and runs a consumer of it with real cargo. */
    static void pushAndBuild(RunnerProcess on, String name, Path crate, long size) throws Exception {
        long t0 = System.nanoTime();
        Cargo.Result push = on.registryAdmin("push", crate.toString());
        long t1 = System.nanoTime();
        assertEquals(0, push.exit(), push.output());
        JsonNode answer = JSON.readTree(push.output().substring(push.output().indexOf('{')));
        assertEquals(FakeUpstream.sha256(Files.readAllBytes(crate)), answer.get("cksum").asText());
        System.out.printf("pushed %s: %,d bytes in %.1f s%n", name, Files.size(crate), (t1 - t0) / 1e9);
        buildAgainst(on, name, size);
    }

    /** Builds and runs a consumer of the crate with real cargo. */
    static void buildAgainst(RunnerProcess on, String name, long size) throws Exception {
        Path app = Cargo.app(work.resolve("apps"), "uses-" + name, name + " = { version = \"1\", registry = \"local\" }\n",
                "fn main() { println!(\"size={}\", " + name.replace('-', '_') + "::size()); }\n");
        Cargo.Result run = new Cargo(work.resolve("home-" + name), on.index(), null).run(app, "run", "-q");
        assertTrue(run.ok(), run.output());
        assertTrue(run.output().contains("size=" + size), run.output());
    }

    @Test
    void filesOf5And10MibArePushedAndBuiltAgainstAndCargoPublishAboveTheLambdaLimitIsTold() throws Exception {
        Cargo cargo = new Cargo(work.resolve("home-publisher"), runner.index(), runner.token());
        Path five = pack(cargo, "big-five", 5 * MIB);
        pushAndBuild(runner, "big-five", five, 5 * MIB);
        // the largest file the default limit (10 MiB, as crates.io) takes: 10 MiB minus the tar and gzip framing
        Path ten = pack(cargo, "big-ten", 10 * MIB - 16 * 1024);
        assertTrue(Files.size(ten) <= 10 * MIB && Files.size(ten) > 10 * MIB - 64 * 1024, String.valueOf(Files.size(ten)));
        pushAndBuild(runner, "big-ten", ten, 10 * MIB - 16 * 1024);

        Path over = pack(cargo, "big-over", 10 * MIB + 64 * 1024);
        Cargo.Result refused = runner.registryAdmin("push", over.toString());
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("max upload size is: " + 10 * MIB + " bytes, this crate is " + Files.size(over)),
                refused.output());

        // cargo publish of a 5 MiB crate: the gateway's 413, in cargo's format, names the limit and the push command
        Path dir = bigPackage("big-publish", 5 * MIB);
        Cargo.Result publish = cargo.run(dir, "publish", "--registry", "local", "--no-verify", "--allow-dirty");
        assertTrue(!publish.ok(), publish.output());
        assertTrue(publish.output().contains("413"), publish.output());
        assertTrue(publish.output().contains("max upload size through `cargo publish` is 4653056 bytes"), publish.output());
        assertTrue(publish.output().contains("registry-admin push target/package/<name>-<version>.crate"), publish.output());
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(URI.create(runner.api() + "/api/v1/crates/big-publish"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode());
    }

    @Test
    void aFileOf5MibIsImportedThroughTheUploadAndBuiltAgainst() throws Exception {
        Cargo cargo = new Cargo(work.resolve("home-importer"), runner.index(), runner.token());
        Path crate = pack(cargo, "big-import", 5 * MIB);
        Path dir = Files.createDirectories(work.resolve("import-dir"));
        Files.copy(crate, dir.resolve(crate.getFileName()));

        Cargo.Result first = runner.registryAdmin("import", dir.toString());
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains("imported  big-import 1.0.0"), first.output());
        Cargo.Result again = runner.registryAdmin("import", dir.toString());
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.output().contains("skipped   big-import 1.0.0"), again.output());
        HttpResponse<String> version = HTTP.send(HttpRequest.newBuilder(URI.create(runner.api()
                + "/api/v1/crates/big-import/1.0.0")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(version.body().contains(FakeUpstream.sha256(Files.readAllBytes(crate))), version.body());
        buildAgainst(runner, "big-import", 5 * MIB);
    }

    @Test
    void aFileOf50MibIsPushedWithARaisedLimit() throws Exception {
        Cargo cargo = new Cargo(work.resolve("home-raised"), raised.index(), raised.token());
        Path fifty = pack(cargo, "big-fifty", 50 * MIB);
        pushAndBuild(raised, "big-fifty", fifty, 50 * MIB);
    }
}
