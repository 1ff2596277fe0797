package dev.cargoreg.functions.yank;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.yank.YankService;
import org.crac.Core;
import org.crac.Resource;

import java.util.Map;

/** DELETE /api/v1/crates/{name}/{version}/yank and PUT …/unyank: cargo yank [--undo]. */
public final class YankHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final YankService service;

    public YankHandler() {
        this(DaggerYankComponent.create().yankService());
        Core.getGlobalContext().register(this);
    }

    public YankHandler(YankService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            boolean yank = "DELETE".equals(Api.method(event));
            service.setYanked(Api.principal(event), Api.pathParam(event, "name"),
                    Api.pathParam(event, "version"), yank);
            // cargo asserts ok == true
            return Api.json(200, Map.of("ok", true));
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
