package dev.cargoreg.functions.publish;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.core.publish.PublishPriming;
import dev.cargoreg.core.publish.PublishService;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** PUT /api/v1/crates/new: cargo publish. */
public final class PublishHandler extends HttpFunction {
    private final PublishService service;

    public PublishHandler() {
        this(DaggerPublishComponent.create().publish());
        registerForSnapStart();
    }

    public PublishHandler(PublishService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of("PUT /api/v1/crates/new", this::publish);
    }

    private APIGatewayV2HTTPResponse publish(APIGatewayV2HTTPEvent event) {
        PublishService.Result result = service.publish(Api.principal(event), Api.body(event));
        return Api.json(200, Map.of("warnings", Map.of(
                "invalid_categories", List.of(),
                "invalid_badges", List.of(),
                "other", result.otherWarnings())));
    }

    /** Runs the pure publish path (envelope, metadata, tarball, index line, JSON) before the snapshot: no I/O, nothing unique kept. */
    @Override
    protected void prime() {
        super.prime();
        PublishPriming.prime();
    }
}
