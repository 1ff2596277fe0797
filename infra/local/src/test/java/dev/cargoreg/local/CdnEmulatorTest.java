package dev.cargoreg.local;

import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.core.port.BlobStore;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local CDN answers the way CloudFront in front of S3 does. */
class CdnEmulatorTest {
    @Test
    void a_path_covers_itself_and_a_wildcard_covers_its_prefix() {
        // a reindex sends one /index/*
        assertTrue(CdnEmulator.covers("/index/se/rd/serde", "index/se/rd/serde"));
        assertFalse(CdnEmulator.covers("/index/se/rd/serde", "index/se/rd/serde_json"));
        assertTrue(CdnEmulator.covers("/index/*", "index/se/rd/serde"));
        assertTrue(CdnEmulator.covers("/index/*", "index/config.json"));
        assertFalse(CdnEmulator.covers("/index/*", "crates/serde/serde-1.0.0.crate"));
    }

    @Test
    void an_objects_user_metadata_comes_as_x_amz_meta_headers_as_s3_sends_them_through_cloudfront() throws Exception {
        String key = "crates/foo/foo-1.0.0.readme.html";
        BlobStore.Blob readme = new BlobStore.Blob(new BlobStore.BlobInfo("\"e1\"", Instant.parse("2026-12-04T07:00:00Z"), 9,
                "text/html; charset=utf-8", "public, max-age=31536000, immutable", Map.of("sha256", "ab".repeat(32))),
                "<p>x</p>\n".getBytes(StandardCharsets.UTF_8));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/crates/", new CdnEmulator(new OneObject(key, readme), "http://127.0.0.1/login"));
        server.start();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + key)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, r.statusCode());
            assertEquals("<p>x</p>\n", r.body());
            assertEquals(Optional.of("ab".repeat(32)), r.headers().firstValue("x-amz-meta-sha256"));
            assertEquals(Optional.of("text/html; charset=utf-8"), r.headers().firstValue("content-type"));
        } finally {
            server.stop(0);
        }
    }

    /** A bucket of one object, read only. */
    private record OneObject(String key, BlobStore.Blob blob) implements BlobStore {
        @Override
        public Optional<BlobInfo> head(String k) {
            return get(k).map(Blob::info);
        }

        @Override
        public Optional<Blob> get(String k) {
            return k.equals(key) ? Optional.of(blob) : Optional.empty();
        }

        @Override
        public boolean putIfAbsent(String k, byte[] body, Attributes attributes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean putIfMatch(String k, byte[] body, Attributes attributes, String expectedEtag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void put(String k, byte[] body, Attributes attributes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String k) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> keys(String prefix) {
            return List.of();
        }

        @Override
        public URI presignPut(String k, Duration ttl) {
            throw new UnsupportedOperationException();
        }
    }
}
