package dev.cargoreg.functions.yank;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Call;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.yank.YankService;

import java.util.Map;
import java.util.function.Function;

/** cargo yank [--undo]: DELETE …/yank and PUT …/unyank. */
public final class YankHandler extends HttpFunction {
    private final YankService service;
    public YankHandler() {
        this(DaggerYankComponent.create());
    }

    private YankHandler(YankComponent component) {
        this(component.yank());
        buildClientsAtInit(component.clientBuilds());
        // its role writes crates (transactions) and index files
        registerForSnapStart(component.store(), component.blobs(), new Scope(Scope.INDEX_KEY, Call.QUERY, Call.BATCH_GET, Call.WRITE));
    }

    public YankHandler(YankService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of(
                "DELETE /api/v1/crates/{name}/{version}/yank", e -> setYanked(e, true),
                "PUT /api/v1/crates/{name}/{version}/unyank", e -> setYanked(e, false));
    }

    private APIGatewayV2HTTPResponse setYanked(APIGatewayV2HTTPEvent event, boolean yanked) {
        service.setYanked(Api.principal(event), Api.pathParam(event, "name"), Api.pathParam(event, "version"), yanked);
        // cargo asserts ok == true
        return Api.json(200, Map.of("ok", true));
    }

}
