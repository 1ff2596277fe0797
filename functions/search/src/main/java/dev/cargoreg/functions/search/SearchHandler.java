package dev.cargoreg.functions.search;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.search.SearchService;

import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * GET /api/v1/crates: cargo search. Priming covers the response path only: the crate data is not loaded before the
 * snapshot (it would be stale when restored, and loading it is a network call that must not be captured).
 */
public final class SearchHandler extends HttpFunction {
    private final SearchService service;

    public SearchHandler() {
        this(DaggerSearchComponent.create());
    }

    private SearchHandler(SearchComponent component) {
        this(component.search());
        buildClientsAtInit(component.clientBuilds());
        // the DynamoDB and S3 clients' first calls, not the crate data; its role may only Query the search index (the
        // changes since now: none) and read its snapshot and the priming key beside it
        SearchSource source = component.source();
        BlobStore blobs = component.blobs();
        primeStorage = () -> {
            StoragePriming.run("DynamoDB query", () -> source.changedSince(Instant.now()));
            StoragePriming.prime(null, blobs, new Scope(Scope.SEARCH_KEY));
        };
        registerForSnapStart();
    }

    private Runnable primeStorage = () -> { };

    @Override
    protected void prime() {
        super.prime();
        primeStorage.run();
    }

    public SearchHandler(SearchService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of("GET /api/v1/crates", this::search);
    }

    private APIGatewayV2HTTPResponse search(APIGatewayV2HTTPEvent event) {
        Api.principal(event).requireRead();
        return Api.json(200, service.search(Api.query(event)));
    }
}
