package dev.cargoreg.functions.tokens;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.tokens.wire.TokenRequests;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Token management and "who am I", in crates.io's shapes. Nothing here may be cached anywhere. */
public final class TokensHandler extends HttpFunction {
    private final TokenService service;

    public TokensHandler() {
        this(DaggerTokensComponent.create().tokens());
        registerForSnapStart();
    }

    public TokensHandler(TokenService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of(
                "PUT /api/v1/me/tokens", e -> noStore(Api.json(200, service.create(Api.principal(e), TokenRequests.newToken(Api.body(e))))),
                "GET /api/v1/me/tokens", e -> noStore(Api.json(200, service.list(Api.principal(e)))),
                "DELETE /api/v1/me/tokens/{id}", e -> {
                    service.revoke(Api.principal(e), Api.pathParam(e, "id"));
                    return noStore(Api.json(200, Map.of()));
                },
                "DELETE /api/v1/tokens/current", e -> {
                    service.revokeCurrent(Api.principal(e));
                    return APIGatewayV2HTTPResponse.builder().withStatusCode(204)
                            .withHeaders(new HashMap<>(Map.of("cache-control", "no-store"))).build();
                },
                "GET /api/v1/me", e -> noStore(Api.json(200, service.me(Api.principal(e)))));
    }

    /** Secrets and token lists must never be cached anywhere. */
    private static APIGatewayV2HTTPResponse noStore(APIGatewayV2HTTPResponse r) {
        r.getHeaders().put("cache-control", "no-store");
        return r;
    }
}
