package dev.cargoreg.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The functions read their events and write their responses themselves (stream handlers): the shapes API Gateway
 * sends and expects, read from the repository's sample events.
 */
class LambdaJsonTest {
    static final Path EVENTS = Path.of("../../events");
    final ObjectMapper plain = new ObjectMapper();

    @Test
    void an_http_api_event_reads_with_its_base64_body_route_and_authorizer_context() throws IOException {
        JsonNode sample = plain.readTree(EVENTS.resolve("publish.json").toFile());
        // what API Gateway adds on an authorized route: the authorizer's context
        ((ObjectNode) sample.get("requestContext")).set("authorizer",
                plain.readTree("{\"lambda\":{\"login\":\"alice\",\"scopes\":\"publish-new\"}}"));

        APIGatewayV2HTTPEvent e = LambdaJson.read(new ByteArrayInputStream(plain.writeValueAsBytes(sample)), APIGatewayV2HTTPEvent.class);

        assertEquals("PUT /api/v1/crates/new", e.getRouteKey());
        assertTrue(e.getIsBase64Encoded());
        assertArrayEquals(Base64.getDecoder().decode(sample.get("body").asText()), Base64.getDecoder().decode(e.getBody()));
        assertEquals("PUT", e.getRequestContext().getHttp().getMethod());
        assertEquals(Map.of("login", "alice", "scopes", "publish-new"), e.getRequestContext().getAuthorizer().getLambda());
    }

    @Test
    void the_authorizer_event_reads_with_its_headers() throws IOException {
        APIGatewayV2CustomAuthorizerEvent e = read("authorizer.json", APIGatewayV2CustomAuthorizerEvent.class);

        assertEquals("PUT /api/v1/crates/new", e.getRouteKey());
        assertEquals("cargoreg_SampleEventTokenDoNotUseAnywhere0000000000", e.getHeaders().get("authorization"));
    }

    @Test
    void a_body_as_large_as_an_api_gateway_payload_reads() throws IOException {
        String body = "A".repeat(10 * 1024 * 1024);
        byte[] json = ("{\"routeKey\":\"PUT /api/v1/crates/new\",\"isBase64Encoded\":true,\"body\":\"" + body + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        assertEquals(body.length(), LambdaJson.read(new ByteArrayInputStream(json), APIGatewayV2HTTPEvent.class).getBody().length());
    }

    @Test
    void a_response_is_written_as_api_gateway_reads_it_without_null_fields() throws IOException {
        APIGatewayV2HTTPResponse r = APIGatewayV2HTTPResponse.builder().withStatusCode(404)
                .withHeaders(Map.of("content-type", "application/json")).withBody("{\"errors\":[]}").build();

        JsonNode out = plain.readTree(write(r));

        assertEquals(404, out.get("statusCode").asInt());
        assertEquals("application/json", out.at("/headers/content-type").asText());
        assertEquals("{\"errors\":[]}", out.get("body").asText());
        assertFalse(out.get("isBase64Encoded").asBoolean());
        assertFalse(out.has("multiValueHeaders"), out.toString());
        assertFalse(out.has("cookies"), out.toString());
    }

    @Test
    void an_http_function_answers_through_the_stream_interface_lambda_calls() throws IOException {
        HttpFunction f = new HttpFunction() {
            @Override
            protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
                return Map.of("PUT /api/v1/crates/new", e -> Api.json(200, Map.of("bytes", Base64.getDecoder().decode(e.getBody()).length)));
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        try (InputStream in = Files.newInputStream(EVENTS.resolve("publish.json"))) {
            f.handleRequest(in, out, null);
        }

        JsonNode response = plain.readTree(out.toByteArray());
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        int bytes = Base64.getDecoder().decode(plain.readTree(EVENTS.resolve("publish.json").toFile()).get("body").asText()).length;
        assertEquals(bytes, plain.readTree(response.get("body").asText()).get("bytes").asInt());
    }

    @Test
    void an_object_payload_reads_and_no_payload_is_null() throws IOException {
        assertEquals("admin", LambdaJson.readObject(new ByteArrayInputStream("{\"login\":\"admin\"}".getBytes(StandardCharsets.UTF_8))).get("login"));
        assertNull(LambdaJson.readObject(new ByteArrayInputStream(new byte[0])));
        assertNull(LambdaJson.readObject(new ByteArrayInputStream("null".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void priming_reads_and_writes_without_failing() {
        LambdaJson.prime();
    }

    private static <T> T read(String file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(EVENTS.resolve(file))) {
            return LambdaJson.read(in, type);
        }
    }

    private static byte[] write(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaJson.write(out, value);
        return out.toByteArray();
    }
}
