package dev.cargoreg.aws.internal;

import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.aws.AwsClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudFrontInvalidatorTest {
    private static final StaticCredentialsProvider KEYS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    private static final String CREATED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<Invalidation xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>I1</Id><Status>InProgress</Status>"
            + "<CreateTime>2026-12-02T12:00:00Z</CreateTime><InvalidationBatch><Paths><Quantity>1</Quantity><Items>"
            + "<Path>/x</Path></Items></Paths><CallerReference>r</CallerReference></InvalidationBatch></Invalidation>";

    private record Seen(String method, String path, String contentType, String authorization, String body) {
    }

    private HttpServer server;
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    /** status and body of the next answers; 201 and an invalidation once they run out */
    private final LinkedList<Map.Entry<Integer, String>> answers = new LinkedList<>();

    @BeforeEach
    void stub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Authorization"), body));
            Map.Entry<Integer, String> a = answers.isEmpty() ? Map.entry(201, CREATED) : answers.removeFirst();
            byte[] out = a.getValue().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            ex.sendResponseHeaders(a.getKey(), out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private CloudFrontInvalidator invalidator() {
        return new CloudFrontInvalidator(AwsClients.httpClient(), KEYS, endpoint(), "EDFDVBD6EXAMPLE");
    }

    @Test
    void sends_the_request_the_sdks_cloudfront_client_sends() {
        List<String> items = List.of("/crates/foo/foo-1.0.0.crate", "/crates/foo/foo-1.0.0%2Bb&<x>.crate", "/index/*");
        try (CloudFrontClient sdk = CloudFrontClient.builder().httpClient(AwsClients.httpClient()).region(Region.AWS_GLOBAL)
                .credentialsProvider(KEYS).endpointOverride(endpoint()).build()) {
            sdk.createInvalidation(r -> r.distributionId("EDFDVBD6EXAMPLE")
                    .invalidationBatch(b -> b.callerReference("ref-1").paths(p -> p.quantity(items.size()).items(items))));
        }
        invalidator().createInvalidation(items, "ref-1");

        assertEquals(2, seen.size());
        Seen theirs = seen.get(0);
        Seen ours = seen.get(1);
        assertEquals(theirs.body(), ours.body(), "the same XML, byte for byte");
        assertEquals("POST", ours.method());
        assertEquals(theirs.path(), ours.path());
        assertEquals("/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation", ours.path());
        assertEquals(theirs.contentType(), ours.contentType());
        // Signed for the same key, day and service over the same headers, less the SDK's own bookkeeping headers
        // (amz-sdk-invocation-id, amz-sdk-request). The region: with an endpoint override the SDK signs for
        // "aws-global"; against CloudFront itself its endpoint rules sign for us-east-1, as this does.
        assertEquals(scope(theirs.authorization()).replace("/aws-global/", "/us-east-1/"), scope(ours.authorization()));
        assertTrue(ours.authorization().contains("/us-east-1/cloudfront/aws4_request"), ours.authorization());
    }

    private static String scope(String authorization) {
        return authorization.replaceAll("Signature=[0-9a-f]+", "Signature=…").replaceAll("amz-sdk-[a-z-]+;", "");
    }

    @Test
    void a_refusal_is_reported_with_cloudfronts_code_and_message_and_not_retried() {
        answers.add(Map.entry(400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidArgument</Code>"
                + "<Message>Your request contains one or more invalid invalidation paths.</Message></Error></ErrorResponse>"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> invalidator().invalidate(List.of("/x")));
        assertTrue(e.getMessage().contains("HTTP 400 InvalidArgument: Your request contains one or more invalid"), e.getMessage());
        assertEquals(1, seen.size());
    }

    @Test
    void throttling_and_server_errors_are_retried_with_the_same_caller_reference() {
        answers.add(Map.entry(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                + "</ErrorResponse>"));
        answers.add(Map.entry(503, "<ErrorResponse><Error><Code>ServiceUnavailable</Code></Error></ErrorResponse>"));
        invalidator().invalidate(List.of("/crates/foo/foo-1.0.0+b.crate"));
        assertEquals(3, seen.size());
        assertEquals(1, seen.stream().map(Seen::body).distinct().count(), "the same batch, so CloudFront makes one invalidation");
        assertTrue(seen.get(2).body().contains("<Quantity>2</Quantity><Items><Path>/crates/foo/foo-1.0.0+b.crate</Path>"
                + "<Path>/crates/foo/foo-1.0.0%2Bb.crate</Path></Items>"), seen.get(2).body());
    }

    @Test
    void three_server_errors_give_up() {
        for (int i = 0; i < 3; i++) {
            answers.add(Map.entry(500, "<ErrorResponse><Error><Code>InternalError</Code></Error></ErrorResponse>"));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> invalidator().invalidate(List.of("/x")));
        assertTrue(e.getMessage().contains("HTTP 500 InternalError"), e.getMessage());
        assertEquals(3, seen.size());
    }

    @Test
    void the_endpoint_is_the_one_the_sdk_would_take() {
        assertEquals(CloudFrontInvalidator.GLOBAL_ENDPOINT, CloudFrontInvalidator.endpoint(Map.of()));
        assertEquals(URI.create("http://127.0.0.1:9"), CloudFrontInvalidator.endpoint(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9")));
        assertEquals(URI.create("http://127.0.0.1:7"), CloudFrontInvalidator.endpoint(
                Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9", "AWS_ENDPOINT_URL_CLOUDFRONT", "http://127.0.0.1:7")));
    }

    @Test
    void a_build_metadata_tarball_is_invalidated_under_both_spellings_of_its_plus() {
        assertEquals(List.of("/crates/foo/foo-1.0.0+build.5.crate", "/crates/foo/foo-1.0.0%2Bbuild.5.crate"),
                CloudFrontInvalidator.cachedPaths(List.of("/crates/foo/foo-1.0.0+build.5.crate")));
    }

    @Test
    void other_paths_are_asked_for_once() {
        assertEquals(List.of("/index/3/f/foo", "/crates/foo/foo-1.0.0.crate"),
                CloudFrontInvalidator.cachedPaths(List.of("/index/3/f/foo", "/crates/foo/foo-1.0.0.crate", "/index/3/f/foo")));
    }
}
