package dev.cargoreg.functions.publish;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.publish.PublishPriming;
import dev.cargoreg.core.publish.PublishService;
import org.crac.Core;
import org.crac.Resource;

import java.util.List;
import java.util.Map;

/** PUT /api/v1/crates/new: cargo publish. */
public final class PublishHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final PublishService service;

    /** Lambda's entry: wiring from the environment, and a priming hook for SnapStart. */
    public PublishHandler() {
        this(DaggerPublishComponent.create().publishService());
        Core.getGlobalContext().register(this);
    }

    /** For tests and the local runner: the collaborators are given. */
    public PublishHandler(PublishService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            PublishService.Result result = service.publish(Api.principal(event), Api.body(event));
            return Api.json(200, Map.of("warnings", Map.of(
                    "invalid_categories", List.of(),
                    "invalid_badges", List.of(),
                    "other", result.otherWarnings())));
        });
    }

    /** Runs the pure publish path (envelope, metadata, tarball, index line, JSON) before the snapshot: no I/O, nothing unique kept. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        PublishPriming.prime();
        Api.error(400, "priming");
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing captured that needs refreshing
    }
}
