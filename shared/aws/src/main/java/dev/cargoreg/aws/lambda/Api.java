package dev.cargoreg.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import software.amazon.awssdk.core.exception.SdkException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** API Gateway HTTP API (payload 2.0) glue shared by every function: request access and cargo-shaped responses. */
public final class Api {
    private static final Logger LOG = Logger.getLogger(Api.class.getName());
    private static final Map<String, String> JSON_HEADERS = Map.of("content-type", "application/json; charset=utf-8");

    private Api() {
    }

    /**
     * Runs a request; every refusal becomes its status with {"errors":[{"detail":…}]}, never a stack trace. A fault of
     * AWS (an SDK exception) is a 503 worth retrying, anything else a 500; either carries an error id to find the log
     * line: the Lambda request id when there is one.
     */
    public static APIGatewayV2HTTPResponse handle(String requestId, Supplier<APIGatewayV2HTTPResponse> work) {
        StructuredLogging.requestId(requestId);
        try {
            return work.get();
        } catch (RegistryException e) {
            return error(e.status(), e.detail());
        } catch (RuntimeException | Error e) {
            String id = requestId != null ? requestId : UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "request failed, error id " + id, e);
            boolean upstream = e instanceof SdkException;
            return error(upstream ? 503 : 500, (upstream
                    ? "the registry's storage did not answer; try again in a moment"
                    : "internal error") + " (error id " + id + ")");
        } finally {
            StructuredLogging.requestId(null);
        }
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(new HashMap<>(JSON_HEADERS))
                .withBody(Json.write(body))
                .withIsBase64Encoded(false)
                .build();
    }

    public static APIGatewayV2HTTPResponse error(int status, String detail) {
        return json(status, Map.of("errors", List.of(Map.of("detail", detail))));
    }

    /** The body as bytes: API Gateway base64-encodes binary bodies (cargo's publish has no Content-Type). */
    public static byte[] body(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw RegistryException.badRequest("the request body is not valid base64");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The caller, as the authorizer resolved it. Functions trust only this context, never the Authorization header:
     * on routes without an authorizer (public reads) the caller is anonymous.
     */
    public static Principal principal(APIGatewayV2HTTPEvent event) {
        var rc = event.getRequestContext();
        if (rc != null && rc.getAuthorizer() != null && rc.getAuthorizer().getLambda() != null) {
            return Principal.fromContext(rc.getAuthorizer().getLambda());
        }
        return Principal.anonymous(null, false);
    }

    /** The HTTP method of the route that matched. */
    public static String method(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                && event.getRequestContext().getHttp().getMethod() != null) {
            return event.getRequestContext().getHttp().getMethod().toUpperCase(Locale.ROOT);
        }
        String rk = event.getRouteKey();
        return rk == null ? "" : rk.substring(0, Math.max(0, rk.indexOf(' ')));
    }

    /** The route template that matched, e.g. {@code /api/v1/crates/{name}/owners}. */
    public static String route(APIGatewayV2HTTPEvent event) {
        String rk = event.getRouteKey();
        return rk == null ? "" : rk.substring(rk.indexOf(' ') + 1);
    }

    /** A path parameter (API Gateway decodes them; `+` stays a plus). */
    public static String pathParam(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> p = event.getPathParameters();
        String v = p == null ? null : p.get(name);
        if (v == null || v.isEmpty()) {
            throw RegistryException.notFound("Not Found");
        }
        return v;
    }

    public static Map<String, String> query(APIGatewayV2HTTPEvent event) {
        Map<String, String> q = event.getQueryStringParameters();
        return q == null ? Map.of() : q;
    }

    /** When API Gateway received the request (its {@code timeEpoch}); null when the event does not say. */
    public static Instant receivedAt(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        return context == null || context.getTimeEpoch() <= 0 ? null : Instant.ofEpochMilli(context.getTimeEpoch());
    }

    /** Warms the response path (Jackson, error bodies) before a SnapStart snapshot. */
    public static void prime() {
        error(404, "priming");
        json(200, Map.of("ok", true, "msg", "priming", "list", List.of(1, 2)));
        // a body that is not a plain tree (a record) goes through the mapper
        json(200, new PrimingBody("priming", 1));
    }

    private record PrimingBody(String msg, int n) {
    }

    /** Header lookup ignoring case (payload 2.0 lowercases names, local tools may not). */
    public static String header(APIGatewayV2HTTPEvent event, String name) {
        return header(event.getHeaders(), name);
    }

    /** The same over a plain header map (the authorizer's event). */
    public static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String v = headers.get(name);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
