package dev.cargoreg.functions.owners;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Call;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.owners.OwnerService.Owner;
import dev.cargoreg.core.owners.wire.OwnerRequests;

import java.util.Map;
import java.util.function.Function;

/** /api/v1/crates/{name}/owners: cargo owner --list / --add / --remove. */
public final class OwnersHandler extends HttpFunction {
    private final OwnerService service;

    public OwnersHandler() {
        this(DaggerOwnersComponent.create());
    }

    private OwnersHandler(OwnersComponent component) {
        this(component.owners());
        buildClientsAtInit(component.clientBuilds());
        // its role writes crates (transactions) and batch-reads users; no Query, no S3
        registerForSnapStart(component.store(), null, new Scope(null, Call.BATCH_GET, Call.WRITE));
    }

    public OwnersHandler(OwnerService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of(
                "GET /api/v1/crates/{name}/owners", e -> Api.json(200, Map.of("users",
                        service.list(Api.principal(e), Api.pathParam(e, "name")).stream().map(Owner::toMap).toList())),
                "PUT /api/v1/crates/{name}/owners", e -> Api.json(200, Map.of("ok", true, "msg",
                        service.add(Api.principal(e), Api.pathParam(e, "name"), OwnerRequests.logins(Api.body(e))))),
                "DELETE /api/v1/crates/{name}/owners", e -> Api.json(200, Map.of("ok", true, "msg",
                        service.remove(Api.principal(e), Api.pathParam(e, "name"), OwnerRequests.logins(Api.body(e))))));
    }
}
