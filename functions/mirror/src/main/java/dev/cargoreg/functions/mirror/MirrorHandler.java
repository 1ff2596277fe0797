package dev.cargoreg.functions.mirror;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.mirror.MirrorAnswer;
import dev.cargoreg.core.mirror.MirrorService;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The crates.io mirror's misses: CloudFront sends {@code /mirror/index/*} (the function owns the TTL) and the
 * {@code /mirror/crates/*} requests S3 could not answer to this function's URL (AuthType AWS_IAM, signed by CloudFront's
 * Origin Access Control). A function URL delivers API Gateway's payload 2.0 with the route key {@code $default}, so the
 * one operation is keyed {@code $default} (as {@link HttpFunction} keys that route key), it answers GET and HEAD, and the path
 * is the event's raw path.
 * {@code mirror/index/config.json} is never answered here: the CDN serves it from the bucket (IndexSync writes it with
 * the CDN's name, which this function cannot know without a dependency cycle in the template).
 */
public final class MirrorHandler extends HttpFunction {
    /** A function URL's route key: it has no routes. */
    public static final String ROUTE = DEFAULT_ROUTE;
    private final MirrorService mirror;

    public MirrorHandler() {
        this(DaggerMirrorComponent.create());
    }

    private MirrorHandler(MirrorComponent component) {
        this(component.mirror());
        buildClientsAtInit(component.clientBuilds());
        // the DynamoDB and S3 clients' first calls (keys that cannot exist); upstream is not called before the snapshot
        // reads only: GetItem (private names), GetObject under mirror/; its Query is for the policy partition only
        registerForSnapStart(component.store(), component.blobs(), new Scope(Scope.MIRROR_KEY));
    }

    public MirrorHandler(MirrorService mirror) {
        this.mirror = mirror;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of(DEFAULT_ROUTE, e -> switch (Api.method(e)) {
            case "GET" -> serve(e, true);
            case "HEAD" -> serve(e, false);
            default -> unknownRoute(e);
        });
    }

    private APIGatewayV2HTTPResponse serve(APIGatewayV2HTTPEvent event, boolean withBody) {
        MirrorAnswer answer = answer(keyOf(event));
        Map<String, String> headers = new HashMap<>();
        headers.put("x-mirror", answer.outcome());
        if (answer.contentType() != null) {
            headers.put("content-type", answer.contentType());
        }
        if (answer.cacheControl() != null) {
            // index files: max-age=TTL, stale-if-error=86400, which the CDN's mirror cache policy honours
            headers.put("cache-control", answer.cacheControl());
        }
        if (answer.etag() != null) {
            headers.put("etag", answer.etag());
        }
        if (answer.location() != null) {
            headers.put("location", answer.location());
        }
        boolean binary = "application/gzip".equals(answer.contentType());
        String body = !withBody || answer.body().length == 0 ? ""
                : binary ? Base64.getEncoder().encodeToString(answer.body()) : new String(answer.body(), StandardCharsets.UTF_8);
        return APIGatewayV2HTTPResponse.builder().withStatusCode(answer.status()).withHeaders(headers).withBody(body)
                .withIsBase64Encoded(binary && withBody && answer.body().length > 0).build();
    }

    private MirrorAnswer answer(String key) {
        if (key == null) {
            return MirrorAnswer.error(404, "not a path of the mirror", "bad-path");
        }
        if (key.equals(MirrorService.CONFIG_KEY)) {
            return MirrorAnswer.error(404, "the mirror's config.json is served from the bucket (run the admin reindex once"
                    + " after turning the mirror on)", "bad-path");
        }
        if (key.startsWith(MirrorService.INDEX_PREFIX)) {
            return mirror.index(key.substring(MirrorService.INDEX_PREFIX.length()));
        }
        if (key.startsWith(MirrorService.CRATES_PREFIX)) {
            return mirror.crate(key.substring(MirrorService.CRATES_PREFIX.length()));
        }
        return MirrorAnswer.error(404, "not a path of the mirror", "bad-path");
    }

    /** The bucket key of the request: the raw path percent-decoded ({@code %2B} is a '+', a literal '+' stays one). */
    static String keyOf(APIGatewayV2HTTPEvent event) {
        String raw = event.getRawPath();
        if (raw == null || !raw.startsWith("/")) {
            return null;
        }
        try {
            String key = new URI("https://h" + raw).getPath().substring(1);
            return key.contains("..") ? null : key;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @Override
    protected void prime() {
        super.prime();
        // the answer path without I/O: an error body and a path parse
        MirrorAnswer.error(404, "priming", "bad-path");
        APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
        e.setRawPath("/mirror/index/se/rd/serde");
        keyOf(e);
    }
}
