package dev.cargoreg.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.functions.authorizer.AuthorizerHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns HTTP requests into API Gateway HTTP API payload-2.0 events for the very same handler classes that run in
 * Lambda, and their responses back into HTTP (what `sam local start-api` does), including the 6 MiB payload limit.
 */
final class ApiGatewayEmulator implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ApiGatewayEmulator.class.getName());
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final List<Route> routes;
    private final AuthorizerHandler authorizer;

    ApiGatewayEmulator(List<Route> routes, AuthorizerHandler authorizer) {
        this.routes = List.copyOf(routes);
        this.authorizer = authorizer;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String[] caller = {"-"};
        APIGatewayV2HTTPResponse response = null;
        try (exchange) {
            try {
                response = dispatch(exchange, caller);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "local API gateway failed", e);
                response = Api.error(500, "internal error in the local runner");
            }
            write(exchange, response);
        } finally {
            accessLog(exchange, response, caller[0], start);
        }
    }

    /** One line per request on stderr: time, method, path (never the query or a header), status, duration, login. */
    private static void accessLog(HttpExchange exchange, APIGatewayV2HTTPResponse response, String login, long start) {
        int status = response == null ? 0 : response.getStatusCode() == 0 ? 200 : response.getStatusCode();
        System.err.printf(Locale.ROOT, "%s %s %s %d %.1fms %s%n", Instant.now(), exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), status, (System.nanoTime() - start) / 1e6, login);
    }

    private APIGatewayV2HTTPResponse dispatch(HttpExchange exchange, String[] caller) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        for (Route route : routes) {
            Map<String, String> params = route.match(method, rawPath);
            if (params != null) {
                byte[] body = readBody(exchange.getRequestBody());
                if (body == null) {
                    drain(exchange.getRequestBody());
                    return Api.error(413, tooLarge(route.routeKey()));
                }
                APIGatewayV2HTTPEvent event = toEvent(exchange, route, params, body);
                if (route.authorized()) {
                    APIGatewayV2HTTPResponse refused = authorize(event, route);
                    if (refused != null) {
                        return refused;
                    }
                    Object login = event.getRequestContext().getAuthorizer().getLambda().get("login");
                    caller[0] = login == null || login.toString().isEmpty() ? "anonymous" : login.toString();
                }
                return route.handler().handleRequest(event, new LocalContext(route.routeKey()));
            }
        }
        drain(exchange.getRequestBody());
        return Api.error(404, "Not Found");
    }

    private static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, Route route, Map<String, String> params, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = PathCodec.decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : PathCodec.decode(pair.substring(eq + 1).replace('+', ' '));
                query.merge(k, v, (a, b) -> a + "," + b);
            }
        }
        String contentType = headers.getOrDefault("content-type", "");
        boolean text = isText(contentType);
        Instant now = Instant.now();
        InetSocketAddress remote = exchange.getRemoteAddress();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(exchange.getRequestURI().getRawPath())
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(params.isEmpty() ? null : params)
                .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName(headers.getOrDefault("host", "127.0.0.1"))
                        .withRequestId(UUID.randomUUID().toString())
                        .withRouteKey(route.routeKey())
                        .withStage("$default")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(exchange.getRequestMethod())
                                .withPath(exchange.getRequestURI().getRawPath())
                                .withProtocol(exchange.getProtocol())
                                .withSourceIp(remote == null ? "127.0.0.1" : remote.getAddress().getHostAddress())
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .build())
                .build();
    }

    /**
     * What HTTP API does for a route with a Lambda authorizer whose identity source is the Authorization header:
     * no header, a bare 401 without calling the authorizer; otherwise the authorizer's simple response decides, and
     * its context reaches the function; a failed invocation is a 500. (API Gateway also caches the answer per header;
     * locally nothing is cached.)
     */
    private APIGatewayV2HTTPResponse authorize(APIGatewayV2HTTPEvent event, Route route) {
        String auth = event.getHeaders().get("authorization");
        if (auth == null || auth.isEmpty()) {
            return gatewayMessage(401, "Unauthorized");
        }
        APIGatewayV2CustomAuthorizerEvent request = APIGatewayV2CustomAuthorizerEvent.builder()
                .withVersion("2.0")
                .withType("REQUEST")
                .withRouteArn("arn:aws:execute-api:local:000000000000:local/$default/" + route.method() + route.template())
                .withIdentitySource(List.of(auth))
                .withRouteKey(route.routeKey())
                .withRawPath(event.getRawPath())
                .withRawQueryString(event.getRawQueryString())
                .withHeaders(event.getHeaders())
                .withQueryStringParameters(event.getQueryStringParameters())
                .withPathParameters(event.getPathParameters())
                .build();
        Map<String, Object> answer;
        try {
            answer = authorizer.handleRequest(request, new LocalContext("authorizer"));
        } catch (RuntimeException e) {
            // a failed authorizer invocation: API Gateway answers 500 with its own body (and caches nothing)
            LOG.log(Level.SEVERE, "the authorizer failed", e);
            return gatewayMessage(500, "Internal Server Error");
        }
        if (!Boolean.TRUE.equals(answer.get("isAuthorized"))) {
            return gatewayMessage(403, "Forbidden");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) answer.getOrDefault("context", Map.of());
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withLambda(new LinkedHashMap<>(context)).build());
        return null;
    }

    /** API Gateway's own answers have this body, not cargo's. */
    private static APIGatewayV2HTTPResponse gatewayMessage(int status, String message) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(new LinkedHashMap<>(Map.of("content-type", "application/json")))
                .withBody("{\"message\":\"" + message + "\"}").build();
    }

    /** API Gateway passes text types as text and base64-encodes everything else, including bodies without a type. */
    static boolean isText(String contentType) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("json") || ct.contains("xml") || ct.contains("javascript")
                || ct.contains("x-www-form-urlencoded");
    }

    /**
     * The largest body that fits in a Lambda event: a synchronous invocation carries at most 6 MiB, binary bodies travel
     * base64-encoded (4/3), and 16 KiB are kept for the event's headers and context. The same limit as
     * infra/cloudfront/publish-limit.js, which refuses a larger publish in AWS (ApiGatewayEmulatorTest compares them).
     */
    static final long MAX_BODY_BYTES = (RegistryConfig.Limits.LAMBDA_PAYLOAD_BYTES - 16 * 1024) * 3 / 4;

    /**
     * What the gateway answers for a body no Lambda event can carry. On the publish routes it names the limit and the
     * command that uploads a larger crate instead (docs/limits.md#large-crates says what AWS itself answers).
     */
    static String tooLarge(String routeKey) {
        String base = "the request body is larger than an API Gateway to Lambda request can carry (6 MiB after base64"
                + " encoding, less the event's headers: " + MAX_BODY_BYTES + " bytes of body)";
        if (routeKey.equals("PUT /api/v1/crates/new") || routeKey.equals("PUT /api/v1/crates/push")) {
            return "max upload size through `cargo publish` is " + RegistryConfig.Limits.MAX_DIRECT_UPLOAD_BYTES + " bytes; "
                    + base + ". Push a larger crate as a file: `cargo package`, then `registry-admin push"
                    + " target/package/<name>-<version>.crate` (a presigned upload; docs/api.md#push-and-import)";
        }
        return base;
    }

    /** Null when the body would not fit in a Lambda event after base64 (4/3). */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes((int) MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static void write(HttpExchange exchange, APIGatewayV2HTTPResponse r) throws IOException {
        if (r.getHeaders() != null) {
            r.getHeaders().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        }
        if (r.getMultiValueHeaders() != null) {
            r.getMultiValueHeaders().forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
        }
        byte[] body = r.getBody() == null ? new byte[0]
                : r.getIsBase64Encoded() ? Base64.getDecoder().decode(r.getBody()) : r.getBody().getBytes(StandardCharsets.UTF_8);
        boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        int status = r.getStatusCode() == 0 ? 200 : r.getStatusCode();
        if (status == 204 || status == 304) {
            exchange.sendResponseHeaders(status, -1);
        } else if (head) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }
}
