package dev.cargoreg.functions.crates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CratesHandlerIT {
    AwsRegistryFixture fx;
    CratesHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        handler = new CratesHandler(fx.services.crates(), fx.services.owners(), fx.services.audit());
        fx.publish(ALICE, "sample-crate", "0.1.0");
        fx.publish(ALICE, "sample-crate", "0.2.0+build.7");
    }

    JsonNode ok(String sample, Map<String, String> params) {
        var r = handler.handleRequest(fx.event(sample, params, null, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        return AwsRegistryFixture.json(r);
    }

    @Test
    void crate_shows_its_versions_newest_first() {
        JsonNode r = ok("crate.json", Map.of("name", "Sample_Crate"));
        assertEquals("sample-crate", r.get("crate").get("name").asText());
        assertEquals("0.2.0+build.7", r.get("crate").get("max_version").asText());
        assertEquals(2, r.get("crate").get("num_versions").asInt());
        assertEquals("0.2.0+build.7", r.get("versions").get(0).get("num").asText());
        assertEquals("alice", r.get("versions").get(0).get("published_by").get("login").asText());
        assertEquals(64, r.get("versions").get(1).get("checksum").asText().length());
        assertEquals("kw-sample-crate", r.get("keywords").get(0).get("keyword").asText());
    }

    @Test
    void version_and_versions() {
        JsonNode v = ok("version.json", null).get("version");
        assertEquals("0.1.0", v.get("num").asText());
        assertEquals("/api/v1/crates/sample-crate/0.1.0/download", v.get("dl_path").asText());
        assertEquals("MIT", v.get("license").asText());
        assertEquals(2, ok("versions.json", null).get("meta").get("total").asInt());
        assertEquals("0.2.0+build.7", ok("version.json", Map.of("name", "sample-crate", "version", "0.2.0+build.7")).get("version").get("num").asText());
    }

    @Test
    void download_redirects_to_the_cdn_url() {
        var r = handler.handleRequest(fx.event("download.json", Map.of("name", "sample-crate", "version", "0.2.0+build.7"), null, null), null);
        assertEquals(302, r.getStatusCode());
        assertEquals("https://cdn.example.com/crates/sample-crate/sample-crate-0.2.0+build.7.crate", r.getHeaders().get("location"));
        var e = fx.event("download.json", null, null, null);
        e.getHeaders().put("accept", "application/json");
        JsonNode j = AwsRegistryFixture.json(handler.handleRequest(e, null));
        assertEquals("https://cdn.example.com/crates/sample-crate/sample-crate-0.1.0.crate", j.get("url").asText());
    }

    @Test
    void readme_is_rendered_when_first_asked_for_and_kept_in_s3_with_the_tarballs_checksum() {
        String key = "crates/sample-crate/sample-crate-0.1.0.readme.html";
        assertTrue(fx.blobs.get(key).isEmpty(), "publish renders nothing");

        // the fixture sends `# sample-crate` as the readme text: rendered and sanitized
        var r = handler.handleRequest(fx.event("readme.json", null, null, null), null);
        assertEquals(200, r.getStatusCode());
        assertEquals("text/html; charset=utf-8", r.getHeaders().get("content-type"));
        assertEquals("<h1>sample-crate</h1>\n", r.getBody());

        // through the S3 adapter and back: the mark is S3 user metadata (x-amz-meta-sha256)
        BlobStore.Blob kept = fx.blobs.get(key).orElseThrow();
        assertEquals("<h1>sample-crate</h1>\n", new String(kept.body(), StandardCharsets.UTF_8));
        String cksum = ok("version.json", null).get("version").get("checksum").asText();
        assertEquals(Map.of(IndexPaths.SHA256_METADATA, cksum), kept.info().metadata());
        assertEquals("text/html; charset=utf-8", kept.info().contentType());
    }

    @Test
    void a_request_no_route_matches_is_cargos_404_naming_method_and_path() {
        // events/unknown-route.json: what API Gateway's $default route passes
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("unknown-route.json", null, null, null), null), 404,
                "`GET /api/v1/crates/sample-crate/0.1.0/nope` does not exist on this registry's API");
    }

    @Test
    void unknown_crate_or_version_is_a_404_with_cargos_body() {
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("crate.json", Map.of("name", "nope"), null, null), null), 404, "crate `nope` does not exist");
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("version.json", Map.of("name", "sample-crate", "version", "0.2.0"), null, null), null), 404, "does not have a version `0.2.0`");
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("download.json", Map.of("name", "sample-crate", "version", "1.0.0"), null, null), null), 404, "does not have a version");
        AwsRegistryFixture.assertRefused(handler.handleRequest(fx.event("versions.json", Map.of("name", "x".repeat(300)), null, null), null), 404, "does not exist");
    }
}
