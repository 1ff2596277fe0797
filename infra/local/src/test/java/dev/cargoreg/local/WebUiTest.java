package dev.cargoreg.local;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WebUiTest {
    private static final Path WEB = Path.of("../../web").toAbsolutePath().normalize();

    /** The runner and web/upload (sha256sum in a shell) name the assets' folder alike, or the shell would point nowhere. */
    @Test
    void asset_version_is_the_one_web_upload_computes() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sha256sum")), "no sha256sum here");
        Process p = new ProcessBuilder("bash", "-c",
                "cd assets && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12")
                .directory(WEB.toFile()).redirectErrorStream(true).start();
        String shell = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor());
        assertEquals(shell, WebUi.live(WEB).version());
        // and the jar's copy (the classpath) is the same files
        assertEquals(shell, new WebUi().version());
    }

    @Test
    void shell_names_assets_that_exist() throws IOException {
        String index = Files.readString(WEB.resolve("index.html"));
        Matcher m = Pattern.compile("/assets/@ASSETS@/([a-z.]+)").matcher(index);
        int n = 0;
        while (m.find()) {
            assertTrue(Files.isRegularFile(WEB.resolve("assets").resolve(m.group(1))), m.group(1));
            n++;
        }
        assertEquals(4, n, "icon twice, style, app");
    }

    @Test
    void serves_get_and_head_only_with_the_shells_headers() throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", new WebUi());
        server.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI shell = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(shell).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, get.statusCode());
            assertEquals("text/html; charset=utf-8", get.headers().firstValue("content-type").orElse(""));
            assertEquals("nosniff", get.headers().firstValue("x-content-type-options").orElse(""));

            HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(shell).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, head.statusCode());
            assertEquals(0, head.body().length);
            assertEquals(String.valueOf(get.body().length), head.headers().firstValue("content-length").orElse(""));

            HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(shell).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(""));

            HttpResponse<byte[]> missing = http.send(HttpRequest.newBuilder(shell.resolve("/assets/nope/app.js")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(404, missing.statusCode());
            assertEquals("text/plain; charset=utf-8", missing.headers().firstValue("content-type").orElse(""));
        } finally {
            server.stop(0);
        }
    }
}
