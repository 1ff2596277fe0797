package dev.cargoreg.functions.crates;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.error.RegistryException;

import java.util.Map;
import java.util.function.Function;

/** The read API: crate, version, versions, download redirect and readme. */
public final class CratesHandler extends HttpFunction {
    private final CrateReadService service;

    public CratesHandler() {
        this(DaggerCratesComponent.create().crates());
        registerForSnapStart();
    }

    public CratesHandler(CrateReadService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of(
                "GET /api/v1/crates/{name}", e -> Api.json(200, service.crate(name(e))),
                "GET /api/v1/crates/{name}/versions", e -> Api.json(200, service.versions(name(e))),
                "GET /api/v1/crates/{name}/{version}", e -> Api.json(200, service.version(name(e), version(e))),
                "GET /api/v1/crates/{name}/{version}/download", e -> download(e, service.downloadUrl(name(e), version(e))),
                "GET /api/v1/crates/{name}/{version}/readme", this::readme);
    }

    /** Every route here is a read: a private registry needs a token for it. */
    private static String name(APIGatewayV2HTTPEvent event) {
        Api.principal(event).requireRead();
        return Api.pathParam(event, "name");
    }

    private static String version(APIGatewayV2HTTPEvent event) {
        return Api.pathParam(event, "version");
    }

    private APIGatewayV2HTTPResponse readme(APIGatewayV2HTTPEvent event) {
        String name = name(event);
        String version = version(event);
        // sanitized HTML, as crates.io answers (docs/web-ui.md); still a defence in depth against a browser opening it
        return service.readmeHtml(name, version)
                .map(text -> APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                        .withHeaders(Map.of("content-type", "text/html; charset=utf-8",
                                "content-security-policy", "default-src 'none'; img-src https: http:; style-src 'unsafe-inline'",
                                "x-content-type-options", "nosniff"))
                        .withBody(text).build())
                .orElseThrow(() -> RegistryException.notFound("`" + name + "@" + version + "` was published without a readme"));
    }

    /** crates.io: 302 to the file, or {"url":…} for clients that ask for JSON. */
    private static APIGatewayV2HTTPResponse download(APIGatewayV2HTTPEvent event, String url) {
        String accept = Api.header(event, "accept");
        if (accept != null && accept.contains("json")) {
            APIGatewayV2HTTPResponse r = Api.json(200, Map.of("url", url));
            r.getHeaders().put("vary", "accept");
            return r;
        }
        return APIGatewayV2HTTPResponse.builder().withStatusCode(302)
                .withHeaders(Map.of("location", url, "vary", "accept", "cache-control", "public, max-age=3600"))
                .build();
    }
}
