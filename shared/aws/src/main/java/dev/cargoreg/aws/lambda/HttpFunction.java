package dev.cargoreg.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.core.audit.RequestOrigin;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import org.crac.Core;
import org.crac.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The shell every HTTP function shares: dispatch by API Gateway route key to the function's operations, cargo-shaped
 * errors with the Lambda request id as error id, structured logs, and the SnapStart hooks.
 *
 * <p>A function declares its operations once ({@link #operations()}, keyed by the route keys template.yaml routes to
 * it; a test checks the two agree), has a public constructor taking its services (the local runner and tests use it)
 * and a public no-arg constructor for Lambda that builds its Dagger component and calls {@link #registerForSnapStart()}.
 *
 * <p>Lambda calls it as a stream handler: the event is read and the response written with the function's own Jackson
 * ({@link LambdaJson}), so the runtime never loads its copy. Tests and the local runner call the typed
 * {@link #handleRequest(APIGatewayV2HTTPEvent, Context)}.
 */
public abstract class HttpFunction implements RequestStreamHandler, Resource {
    private volatile Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations;

    static {
        StructuredLogging.installInLambda();
    }

    /** Route key ("PUT /api/v1/crates/new") → what answers it. */
    protected abstract Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations();

    /** The route keys this function answers. */
    public final Set<String> routeKeys() {
        return table().keySet();
    }

    /** API Gateway's catch-all route: every request no other route matches (template.yaml's DefaultRoute). */
    public static final String DEFAULT_ROUTE = "$default";
    private static final int MAX_ECHOED_PATH = 200;

    /**
     * The answer to a request no route matches (an unknown path, or a known path with another method: crates.io answers
     * 404 to both): cargo's body naming the method and path, never the query string (it may carry anything).
     */
    public static APIGatewayV2HTTPResponse unknownRoute(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String path = http != null && http.getPath() != null ? http.getPath() : event.getRawPath() == null ? "/" : event.getRawPath();
        path = path.replaceAll("\\p{Cntrl}", "");
        if (path.length() > MAX_ECHOED_PATH) {
            path = path.substring(0, MAX_ECHOED_PATH) + "…";
        }
        return Api.error(404, "`" + Api.method(event) + " " + path + "` does not exist on this registry's API");
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.write(output, handleRequest(LambdaJson.read(input, APIGatewayV2HTTPEvent.class), context));
    }

    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        // where the request came from, for the audit records of what it changes
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        RequestOrigin.bind(new RequestOrigin(http == null ? null : http.getSourceIp(), http == null ? null : http.getUserAgent()));
        try {
            return Api.handle(requestId, () -> {
                var operation = table().get(DEFAULT_ROUTE.equals(event.getRouteKey()) ? DEFAULT_ROUTE
                        : Api.method(event) + " " + Api.route(event));
                return operation == null ? Api.error(404, "Not Found") : operation.apply(event);
            });
        } finally {
            RequestOrigin.clear();
        }
    }

    private Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> table() {
        var t = operations;
        if (t == null) {
            t = Map.copyOf(operations());
            operations = t;
        }
        return t;
    }

    /** For the Lambda (no-arg) constructor: run {@link #prime()} before a SnapStart snapshot. */
    protected final void registerForSnapStart() {
        Core.getGlobalContext().register(this);
    }

    /**
     * For the Lambda constructor of a function with storage clients: {@link #prime()} also makes the SDK's first calls
     * ({@link StoragePriming}: on keys that never exist, writes that cannot commit), within what {@code scope} says the
     * function's role allows, so the first request after restore does not pay them. {@code store} or {@code blobs} may
     * be null.
     */
    protected final void registerForSnapStart(MetadataStore store, BlobStore blobs, StoragePriming.Scope scope) {
        storagePriming = () -> StoragePriming.prime(store, blobs, scope);
        registerForSnapStart();
    }

    /** The SDK's first calls before the snapshot; only the Lambda constructor has the clients to make them. */
    private volatile Runnable storagePriming = () -> { };

    /**
     * For the Lambda constructor, once the component exists: builds its SDK clients now, each on a thread of its own,
     * and returns when all are built ({@link ClientBuilds}). Lambda runs init with more CPU than a 1,024 MB function
     * gets for its requests, so the clients are built there, side by side, not one after the other on the first
     * request's thread. The component must provide them lazily (Dagger's {@code Lazy}, as the storage modules do).
     */
    protected static void buildClientsAtInit(Collection<ClientBuild> builds) {
        ClientBuilds.start(builds).await();
    }

    /** Warms what the first request would load, without keeping anything unique in the snapshot. */
    protected void prime() {
        table();
        Api.prime();
        LambdaJson.prime();
        storagePriming.run();
    }

    @Override
    public final void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing is captured that needs refreshing: clients reconnect on their own, data is read per request
    }
}
