package dev.cargoreg.functions.search;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.search.SearchService;
import org.crac.Core;
import org.crac.Resource;

/** GET /api/v1/crates: cargo search. */
public final class SearchHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final SearchService service;

    public SearchHandler() {
        this(DaggerSearchComponent.create().searchService());
        Core.getGlobalContext().register(this);
    }

    public SearchHandler(SearchService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            Api.principal(event).requireRead();
            return Api.json(200, service.search(Api.query(event)));
        });
    }

    /**
     * Primes the response path only. The crate data is not loaded before the snapshot: it would be stale when the
     * snapshot is restored, and loading it is a network call that must not be captured.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Api.prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // the first request loads the data
    }
}
