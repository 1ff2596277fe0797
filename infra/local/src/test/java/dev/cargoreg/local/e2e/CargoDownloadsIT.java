package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Download counts from the CDN's access log, end to end with real cargo: cargo downloads a tarball through the CDN
 * emulator, which logs it in CloudFront's format to the emulated S3; the runner counts the log file with the
 * DownloadCounter the Lambda function runs, and the crates.io API shows the download. A restart gives every log file
 * to the counter again, which counts none of them twice.
 */
class CargoDownloadsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path work;
    static RunnerProcess runner;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Cargo.find() != null, "cargo is not installed (not on PATH nor in ~/.cargo/bin): skipping the end-to-end tests with real cargo");
        work = Files.createTempDirectory(Path.of(System.getProperty("registry.jar")).getParent(), "e2e-downloads");
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0", "--downloads-interval", "1");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = RegistryHttp.get(runner.api() + path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** GET {@code path} until {@code done} holds, for at most a minute (the runner counts every second). */
    static JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode body = get(path);
        while (!done.test(body) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            body = get(path);
        }
        assertTrue(done.test(body), path + " still answers " + body);
        return body;
    }

    @Test
    void a_download_by_cargo_is_counted_once_from_the_cdn_log() throws Exception {
        Cargo admin = new Cargo(work.resolve("home-admin"), runner.index(), runner.token());
        Path lib = Cargo.project(work.resolve("src"), "dl-counted", Map.of(
                "Cargo.toml", """
                        [package]
                        name = "dl-counted"
                        version = "0.1.0"
                        edition = "2021"
                        description = "a crate whose downloads are counted"
                        license = "MIT"
                        """,
                "src/lib.rs", "pub fn answer() -> u32 { 42 }\n"));
        Cargo.Result published = admin.run(lib, "publish", "--registry", "local", "--allow-dirty", "--no-verify");
        assertTrue(published.ok(), published.output());
        assertEquals(0, get("/api/v1/crates/dl-counted/0.1.0").at("/version/downloads").asLong());

        Path app = Cargo.app(work.resolve("apps"), "dl-app", "dl-counted = { version = \"0.1\", registry = \"local\" }\n",
                "fn main() { println!(\"{}\", dl_counted::answer()); }\n");
        Cargo consumer = new Cargo(work.resolve("home-consumer"), runner.index(), null);
        Cargo.Result fetched = consumer.run(app, "fetch");
        assertTrue(fetched.ok(), fetched.output());

        JsonNode version = await("/api/v1/crates/dl-counted/0.1.0", v -> v.at("/version/downloads").asLong() >= 1);
        assertEquals(1, version.at("/version/downloads").asLong(), version.toString());
        JsonNode crate = get("/api/v1/crates/dl-counted");
        assertEquals(1, crate.at("/crate/downloads").asLong());
        assertEquals(1, crate.at("/crate/recent_downloads").asLong());
        assertEquals(1, crate.at("/versions/0/downloads").asLong());
        // search carries the counts too, from its change feed (never a read per query), sorted by them
        JsonNode found = await("/api/v1/crates?q=dl-counted&sort=downloads", r -> r.at("/crates/0/downloads").asLong() >= 1);
        assertEquals(1, found.at("/crates/0/downloads").asLong(), found.toString());
        assertEquals(1, found.at("/crates/0/recent_downloads").asLong(), found.toString());
        assertEquals(crate.at("/crate/updated_at").asText(), found.at("/crates/0/updated_at").asText(),
                "a download is not an update of the crate");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode perDay = get(crate.at("/crate/links/version_downloads").asText());
        assertEquals(1, perDay.get("version_downloads").size(), perDay.toString());
        assertEquals(version.at("/version/id").asLong(), perDay.at("/version_downloads/0/version").asLong());
        assertEquals(1, perDay.at("/version_downloads/0/downloads").asLong());
        assertTrue(perDay.at("/version_downloads/0/date").asText().equals(today)
                || perDay.at("/version_downloads/0/date").asText().equals(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString()));
        JsonNode versionDays = get(version.at("/version/links/version_downloads").asText());
        assertEquals(1, versionDays.at("/version_downloads/0/downloads").asLong(), versionDays.toString());

        // cargo keeps the tarball: building the app downloads nothing more
        Cargo.Result built = consumer.run(app, "build", "--quiet");
        assertTrue(built.ok(), built.output());

        // a restart counts nothing again: counted files were moved out of the log prefix (a file given twice, as after
        // a kill between counting and moving it, counts once: DownloadCounterTest)
        runner.stop();
        String before = Files.readString(runner.log);
        assertTrue(before.contains("chunksAdded=1"), "the first run counted the download's log file:\n" + before);
        runner = RunnerProcess.start(work.resolve("data"), "--port", "0", "--downloads-interval", "1");
        Thread.sleep(3_000);
        assertFalse(Files.readString(runner.log).contains("chunksAdded=1"),
                "the restarted runner counted the old log file again:\n" + Files.readString(runner.log));
        assertEquals(1, get("/api/v1/crates/dl-counted/0.1.0").at("/version/downloads").asLong());
        assertEquals(1, get("/api/v1/crates/dl-counted").at("/crate/downloads").asLong());
    }
}
