package dev.cargoreg.functions.owners;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.owners.OwnerService;
import org.crac.Core;
import org.crac.Resource;

import java.util.Map;

/** /api/v1/crates/{name}/owners: cargo owner --list / --add / --remove. */
public final class OwnersHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final OwnerService service;

    public OwnersHandler() {
        this(DaggerOwnersComponent.create().ownerService());
        Core.getGlobalContext().register(this);
    }

    public OwnersHandler(OwnerService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            String name = Api.pathParam(event, "name");
            Principal auth = Api.principal(event);
            return switch (Api.method(event)) {
                case "GET" -> Api.json(200, Map.of("users", service.list(auth, name)));
                case "PUT" -> Api.json(200, Map.of("ok", true, "msg", service.add(auth, name, Api.body(event))));
                case "DELETE" -> Api.json(200, Map.of("ok", true, "msg", service.remove(auth, name, Api.body(event))));
                default -> Api.error(405, "method not allowed");
            };
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
