package dev.cargoreg.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Lambda's event and response JSON, read and written by the functions themselves ({@code RequestStreamHandler}) with
 * the Jackson they already load. A {@code RequestHandler<I, O>} makes the Java runtime serialize with its own copy of
 * Jackson (shaded inside the runtime's serialization library): about 700 more classes loaded on every cold start.
 *
 * <p>Events are API Gateway's and the runtime's, not a user's: unknown fields are ignored (AWS adds fields), and a
 * string may be as long as an API Gateway payload (10 MB, base64 of a published .crate).
 */
public final class LambdaJson {
    private static final int MAX_EVENT_STRING = 16 * 1024 * 1024;
    /** HTTP API events are read and responses written with this alone (streaming, {@link HttpEventJson}). */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_EVENT_STRING).build())
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private LambdaJson() {
    }

    /**
     * Data binding, for the other events (the authorizer's, S3 notifications, scheduled ones): built on first use, so an
     * HTTP function's cold start does not build a mapper it never calls.
     */
    static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    private static final class Mapper {
        static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // API Gateway reads an absent field as unset; a null could be read as a value
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        if (type == APIGatewayV2HTTPEvent.class) {
            try (JsonParser p = FACTORY.createParser(in)) {
                p.nextToken();
                return type.cast(HttpEventJson.read(p));
            }
        }
        return mapper().readValue(in, type);
    }

    /**
     * A JSON object event (an S3 notification through EventBridge, a direct invocation's payload); null for {@code null}
     * or no payload at all.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readObject(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        return new String(bytes, StandardCharsets.UTF_8).isBlank() ? null : mapper().readValue(bytes, Map.class);
    }

    /** For a SnapStart hook: one event in and one response out, so the first request after restore finds them loaded. */
    public static void prime() {
        try {
            var event = read(new ByteArrayInputStream(PRIMING_EVENT), APIGatewayV2HTTPEvent.class);
            write(OutputStream.nullOutputStream(), Api.error(404, "priming " + event.getRouteKey()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] PRIMING_EVENT = ("{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/\","
            + "\"headers\":{\"user-agent\":\"prime\"},\"queryStringParameters\":{\"q\":\"x\"},"
            + "\"requestContext\":{\"http\":{\"method\":\"GET\",\"path\":\"/\",\"sourceIp\":\"127.0.0.1\"},"
            + "\"authorizer\":{\"lambda\":{\"login\":\"prime\"}},\"requestId\":\"prime\",\"timeEpoch\":0},"
            + "\"body\":\"e30=\",\"isBase64Encoded\":true}").getBytes(StandardCharsets.UTF_8);

    public static void write(OutputStream out, Object value) throws IOException {
        if (value instanceof APIGatewayV2HTTPResponse r) {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                HttpEventJson.write(g, r);
            }
        } else {
            mapper().writeValue(out, value);
        }
        out.flush();
    }
}
