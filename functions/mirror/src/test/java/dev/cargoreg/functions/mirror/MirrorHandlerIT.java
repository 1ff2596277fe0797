package dev.cargoreg.functions.mirror;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.mirror.MirrorConfig;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror function as its URL delivers requests (events/mirror.json, payload 2.0, route key $default) over DynamoDB
 * Local, the embedded S3 and an upstream on loopback.
 */
class MirrorHandlerIT {
    static final byte[] CRATE = TarballBuilder.valid("itoa", "1.0.1");
    static final String LINE = "{\"name\":\"itoa\",\"vers\":\"1.0.1\",\"deps\":[],\"cksum\":\"" + Digests.sha256Hex(CRATE)
            + "\",\"features\":{},\"yanked\":false,\"rust_version\":\"1.36\"}\n";
    AwsRegistryFixture fx;
    HttpServer upstream;

    @BeforeEach
    void setUp() throws IOException {
        fx = new AwsRegistryFixture();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        Map<String, byte[]> files = Map.of("/index/config.json", ("{\"dl\":\"" + base + "/dl\"}").getBytes(StandardCharsets.UTF_8),
                "/index/it/oa/itoa", LINE.getBytes(StandardCharsets.UTF_8), "/dl/itoa/1.0.1/download", CRATE);
        upstream.createContext("/", ex -> {
            byte[] body = files.get(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        upstream.start();
    }

    @AfterEach
    void tearDown() {
        upstream.stop(0);
    }

    MirrorHandler handler(long maxInline) {
        MirrorConfig m = MirrorConfig.of("sparse+http://127.0.0.1:" + upstream.getAddress().getPort() + "/index/")
                .withTtl(Duration.ofSeconds(30)).withMaxInlineBytes(maxInline);
        return new MirrorHandler(fx.services(fx.config.toBuilder().mirror(m).build()).mirror());
    }

    APIGatewayV2HTTPEvent event(String method, String rawPath) throws IOException {
        APIGatewayV2HTTPEvent e = AwsRegistryFixture.rawEvent("mirror.json", null, null, null);
        e.setRawPath(rawPath);
        e.getRequestContext().getHttp().setMethod(method);
        e.getRequestContext().getHttp().setPath(rawPath);
        return e;
    }

    @Test
    void the_sample_event_is_a_function_url_event() throws IOException {
        APIGatewayV2HTTPEvent e = AwsRegistryFixture.rawEvent("mirror.json", null, null, null);
        assertEquals(MirrorHandler.ROUTE, e.getRouteKey());
        APIGatewayV2HTTPResponse r = handler(0).handleRequest(e, null);
        assertEquals(404, r.getStatusCode(), "sample-crate is not upstream: " + r.getBody());
        assertTrue(r.getBody().startsWith("{\"errors\":[{\"detail\":\"no crate `sample-crate` upstream"), r.getBody());
    }

    @Test
    void an_index_miss_is_upstream_bytes_with_the_ttl_for_the_cdn() throws IOException {
        APIGatewayV2HTTPResponse r = handler(0).handleRequest(event("GET", "/mirror/index/it/oa/itoa"), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals(LINE, r.getBody());
        assertEquals("public, max-age=30, stale-if-error=86400", r.getHeaders().get("cache-control"));
        assertEquals("miss", r.getHeaders().get("x-mirror"));
        APIGatewayV2HTTPResponse head = handler(0).handleRequest(event("HEAD", "/mirror/index/it/oa/itoa"), null);
        assertEquals(200, head.getStatusCode());
        assertEquals("", head.getBody());
        assertEquals("hit", head.getHeaders().get("x-mirror"));
    }

    @Test
    void a_crate_miss_is_base64_bytes_and_a_large_one_a_307_to_its_cdn_path() throws IOException {
        APIGatewayV2HTTPResponse r = handler(0).handleRequest(event("GET", "/mirror/crates/itoa/itoa-1.0.1.crate"), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertTrue(r.getIsBase64Encoded());
        assertArrayEquals(CRATE, Base64.getDecoder().decode(r.getBody()));
        assertEquals("application/gzip", r.getHeaders().get("content-type"));

        APIGatewayV2HTTPResponse big = handler(10).handleRequest(event("GET", "/mirror/crates/itoa/itoa-1.0.1.crate"), null);
        assertEquals(307, big.getStatusCode());
        assertEquals("/mirror/crates/itoa/itoa-1.0.1.crate", big.getHeaders().get("location"));
        assertEquals("no-store", big.getHeaders().get("cache-control"));
        assertTrue(fx.blobs.get("mirror/crates/itoa/itoa-1.0.1.crate").isPresent());
    }

    @Test
    void config_json_and_other_paths_are_not_answered_here() throws IOException {
        APIGatewayV2HTTPResponse config = handler(0).handleRequest(event("GET", "/" + MirrorService.CONFIG_KEY), null);
        assertEquals(404, config.getStatusCode());
        assertTrue(config.getBody().contains("served from the bucket"), config.getBody());
        assertEquals(404, handler(0).handleRequest(event("GET", "/index/it/oa/itoa"), null).getStatusCode());
        assertEquals(404, handler(0).handleRequest(event("GET", "/mirror/crates/itoa/../../index/x"), null).getStatusCode());
        assertEquals(404, handler(0).handleRequest(event("POST", "/mirror/index/it/oa/itoa"), null).getStatusCode());
    }

    @Test
    void a_percent_encoded_plus_is_a_plus_in_the_key() {
        APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
        e.setRawPath("/mirror/crates/x/x-1.0.0%2Bbuild.5.crate");
        assertEquals("mirror/crates/x/x-1.0.0+build.5.crate", MirrorHandler.keyOf(e));
        e.setRawPath("/mirror/crates/x/x-1.0.0+build.5.crate");
        assertEquals("mirror/crates/x/x-1.0.0+build.5.crate", MirrorHandler.keyOf(e));
        e.setRawPath("not-a-path");
        assertNull(MirrorHandler.keyOf(e));
    }
}
