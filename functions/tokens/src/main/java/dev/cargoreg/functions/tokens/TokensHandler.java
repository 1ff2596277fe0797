package dev.cargoreg.functions.tokens;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.tokens.TokenService;
import org.crac.Core;
import org.crac.Resource;

import java.util.Map;

/** Token management and "who am I", in crates.io's shapes. */
public final class TokensHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final TokenService service;

    public TokensHandler() {
        this(DaggerTokensComponent.create().tokenService());
        Core.getGlobalContext().register(this);
    }

    public TokensHandler(TokenService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            Principal p = Api.principal(event);
            APIGatewayV2HTTPResponse r = switch (Api.method(event) + " " + Api.route(event)) {
                case "PUT /api/v1/me/tokens" -> Api.json(200, service.create(p, Api.body(event)));
                case "GET /api/v1/me/tokens" -> Api.json(200, service.list(p));
                case "DELETE /api/v1/me/tokens/{id}" -> {
                    service.revoke(p, Api.pathParam(event, "id"));
                    yield Api.json(200, Map.of());
                }
                case "DELETE /api/v1/tokens/current" -> {
                    service.revokeCurrent(p);
                    yield APIGatewayV2HTTPResponse.builder().withStatusCode(204).build();
                }
                case "GET /api/v1/me" -> Api.json(200, service.me(p));
                default -> Api.error(404, "Not Found");
            };
            // secrets and token lists must never be cached anywhere
            if (r.getHeaders() != null) {
                r.getHeaders().put("cache-control", "no-store");
            }
            return r;
        });
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
