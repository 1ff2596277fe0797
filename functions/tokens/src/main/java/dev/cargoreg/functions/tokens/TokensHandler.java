package dev.cargoreg.functions.tokens;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Call;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.tokens.wire.TokenRequests;
import dev.cargoreg.core.trustpub.TrustedPublishingService;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Token management, "who am I" and trusted publishing, in crates.io's shapes. Nothing here may be cached anywhere. */
public final class TokensHandler extends HttpFunction {
    private final TokenService service;
    private final TrustedPublishingService trust;

    public TokensHandler() {
        this(DaggerTokensComponent.create());
    }

    private TokensHandler(TokensComponent component) {
        this(component.tokens(), component.trustedPublishing());
        buildClientsAtInit(component.clientBuilds());
        // its role writes table items (token transactions), no S3
        registerForSnapStart(component.store(), null, new Scope(null, Call.QUERY, Call.BATCH_GET, Call.WRITE));
    }

    public TokensHandler(TokenService service, TrustedPublishingService trust) {
        this.service = service;
        this.trust = trust;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> ops = new HashMap<>(Map.of(
                "PUT /api/v1/me/tokens", e -> noStore(Api.json(200, service.create(Api.principal(e), TokenRequests.newToken(Api.body(e))))),
                "GET /api/v1/me/tokens", e -> noStore(Api.json(200, service.list(Api.principal(e)).toMap())),
                "DELETE /api/v1/me/tokens/{id}", e -> {
                    service.revoke(Api.principal(e), Api.pathParam(e, "id"));
                    return noStore(Api.json(200, Map.of()));
                },
                "DELETE /api/v1/tokens/current", e -> {
                    service.revokeCurrent(Api.principal(e));
                    return APIGatewayV2HTTPResponse.builder().withStatusCode(204)
                            .withHeaders(new HashMap<>(Map.of("cache-control", "no-store"))).build();
                },
                "GET /api/v1/me", e -> noStore(Api.json(200, service.me(Api.principal(e))))));
        // trusted publishing, crates.io's endpoints: the exchange needs no token (the JWT is the credential)
        ops.put("POST /api/v1/trusted_publishing/tokens", e -> noStore(Api.json(200, trust.exchange(Api.body(e)))));
        ops.put("DELETE /api/v1/trusted_publishing/tokens", e -> {
            trust.revoke(Api.principal(e));
            return APIGatewayV2HTTPResponse.builder().withStatusCode(204)
                    .withHeaders(new HashMap<>(Map.of("cache-control", "no-store"))).build();
        });
        for (String provider : new String[] {TrustedPublishingService.GITHUB, TrustedPublishingService.GITLAB}) {
            String path = "/api/v1/trusted_publishing/" + provider + "_configs";
            ops.put("GET " + path, e -> noStore(Api.json(200, trust.list(Api.principal(e), provider, Api.query(e).get("crate")))));
            ops.put("POST " + path, e -> noStore(Api.json(200, trust.create(Api.principal(e), provider, Api.body(e)))));
            ops.put("DELETE " + path + "/{id}", e -> {
                trust.delete(Api.principal(e), provider, Api.pathParam(e, "id"));
                return APIGatewayV2HTTPResponse.builder().withStatusCode(204)
                        .withHeaders(new HashMap<>(Map.of("cache-control", "no-store"))).build();
            });
        }
        return ops;
    }

    /** Secrets and token lists must never be cached anywhere. */
    private static APIGatewayV2HTTPResponse noStore(APIGatewayV2HTTPResponse r) {
        r.getHeaders().put("cache-control", "no-store");
        return r;
    }
}
