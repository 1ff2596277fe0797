package dev.cargoreg.functions.crates;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.crates.CrateReadService;
import org.crac.Core;
import org.crac.Resource;

import java.util.Map;

/** The read API: crate, version, versions, download redirect and readme. */
public final class CratesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final CrateReadService service;

    public CratesHandler() {
        this(DaggerCratesComponent.create().readService());
        Core.getGlobalContext().register(this);
    }

    public CratesHandler(CrateReadService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            Api.principal(event).requireRead();
            String name = Api.pathParam(event, "name");
            return switch (Api.route(event)) {
                case "/api/v1/crates/{name}" -> Api.json(200, service.crate(name));
                case "/api/v1/crates/{name}/versions" -> Api.json(200, service.versions(name));
                case "/api/v1/crates/{name}/{version}" -> Api.json(200, service.version(name, Api.pathParam(event, "version")));
                case "/api/v1/crates/{name}/{version}/download" -> download(event, service.downloadUrl(name, Api.pathParam(event, "version")));
                case "/api/v1/crates/{name}/{version}/readme" -> service.readme(name, Api.pathParam(event, "version"))
                        .map(text -> APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                                .withHeaders(Map.of("content-type", "text/markdown; charset=utf-8"))
                                .withBody(text).build())
                        .orElseThrow(() -> RegistryException.notFound("`" + name + "@" + Api.pathParam(event, "version")
                                + "` was published without a readme"));
                default -> Api.error(404, "Not Found");
            };
        });
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

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Api.prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing captured that needs refreshing
    }
}
