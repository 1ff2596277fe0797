package dev.cargoreg.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /** Data binding, as Lambda's serializer and this class read events before the streaming reader. */
    final ObjectMapper binding = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    @Test
    void every_sample_http_event_reads_as_data_binding_reads_it() throws IOException {
        int compared = 0;
        try (Stream<Path> files = Files.list(EVENTS)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                JsonNode sample = plain.readTree(f.toFile());
                if (!sample.path("requestContext").has("http")) {
                    continue;
                }
                byte[] json = Files.readAllBytes(f);
                assertEquals(binding.readValue(json, APIGatewayV2HTTPEvent.class),
                        LambdaJson.read(new ByteArrayInputStream(json), APIGatewayV2HTTPEvent.class), f.toString());
                compared++;
            }
        }
        assertTrue(compared >= 60, "sample HTTP events compared: " + compared);
    }

    @Test
    void an_event_with_every_field_null_values_and_unknown_ones_reads_as_data_binding_reads_it() throws IOException {
        String json = """
                {"version":"2.0","routeKey":"GET /x/{id}","rawPath":"/x/1","rawQueryString":"a=1&b=","cookies":["c=1",null,"d=2"],
                 "headers":{"h":"v","empty":"","nul":null},"queryStringParameters":{"a":"1","b":""},
                 "pathParameters":{"id":"1"},"stageVariables":{"s":"t"},"body":null,"isBase64Encoded":false,
                 "unknownTop":{"deep":[1,{"x":[true,null]}]},"unknownArray":[["a"],{}],"unknownNumber":1.5e3,
                 "requestContext":{"routeKey":"GET /x/{id}","accountId":"123","stage":"$default","apiId":"api",
                   "domainName":"d.example","domainPrefix":"d","time":"03/Dec/2026:07:00:00 +0000","timeEpoch":1796281200000,
                   "requestId":"rid","unknownCtx":{"a":[1,2]},
                   "http":{"method":"GET","path":"/x/1","protocol":"HTTP/1.1","sourceIp":"203.0.113.9","userAgent":"cargo/1.95",
                           "unknownHttp":[{"k":"v"}]},
                   "authorizer":{"lambda":{"login":"alice","tokenId":42,"admin":false,"ratio":0.5,"scopes":["publish-new",null],
                                           "nested":{"a":{"b":[1,{"c":null}]}},"none":null},
                                 "jwt":{"claims":{"sub":"x","iss":"y"},"scopes":["read","write"]},
                                 "iam":{"accessKey":"AK","accountId":"123","callerId":"c","principalOrgId":"o",
                                        "userArn":"arn:aws:iam::123:user/u","userId":"u",
                                        "cognitoIdentity":{"amr":["a"],"identityId":"i","identityPoolId":"p"}},
                                 "unknownAuth":7}}}
                """;
        APIGatewayV2HTTPEvent streamed = LambdaJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                APIGatewayV2HTTPEvent.class);

        assertEquals(binding.readValue(json, APIGatewayV2HTTPEvent.class), streamed);
        assertEquals(1796281200000L, streamed.getRequestContext().getTimeEpoch());
        assertEquals(Arrays.asList("publish-new", null), streamed.getRequestContext().getAuthorizer().getLambda().get("scopes"));
        assertEquals(42, streamed.getRequestContext().getAuthorizer().getLambda().get("tokenId"));
    }

    @Test
    void an_event_that_is_not_an_object_or_has_a_header_that_is_not_a_string_is_refused() {
        for (String bad : List.of("[]", "\"x\"", "{\"headers\":{\"h\":{\"x\":1}}}", "{\"headers\":[]}",
                "{\"cookies\":[{}]}", "{\"requestContext\":[1]}")) {
            assertThrows(IOException.class, () -> LambdaJson.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)),
                    APIGatewayV2HTTPEvent.class), bad);
        }
    }

    @Test
    void responses_are_written_as_data_binding_writes_them() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-null", null);
        Map<String, List<String>> multi = new LinkedHashMap<>();
        multi.put("set-cookie", Arrays.asList("a=1", null));
        multi.put("none", null);
        List<APIGatewayV2HTTPResponse> responses = List.of(
                APIGatewayV2HTTPResponse.builder().withStatusCode(200).build(),
                APIGatewayV2HTTPResponse.builder().withStatusCode(404).withHeaders(headers).withBody("{\"errors\":[]}").build(),
                APIGatewayV2HTTPResponse.builder().withStatusCode(200).withMultiValueHeaders(multi).withCookies(Arrays.asList("c", null))
                        .withBody("AAEC\u00e9\"\n").withIsBase64Encoded(true).build(),
                Api.json(201, Map.of("ok", true)),
                Api.error(403, "no, \"quoted\" and ünïcode"));
        for (APIGatewayV2HTTPResponse r : responses) {
            assertEquals(plain.readTree(binding.writeValueAsBytes(r)), plain.readTree(write(r)), r.toString());
        }
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
