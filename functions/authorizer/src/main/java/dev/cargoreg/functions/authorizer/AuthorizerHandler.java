package dev.cargoreg.functions.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.ClientBuilds;
import dev.cargoreg.aws.lambda.LambdaJson;
import dev.cargoreg.aws.lambda.StoragePriming;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.tokens.Authenticator;
import org.crac.Core;
import org.crac.Resource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP API's Lambda REQUEST authorizer (payload 2.0, simple responses). It resolves the token to its user and
 * scopes and hands them to the functions in the request context. It always answers "authorized": a missing, unknown,
 * revoked or expired token becomes an anonymous principal carrying the reason, so that the function can refuse with
 * cargo's error body (an authorizer's own refusal is a bare 403 that cargo cannot explain to the user). Only when the
 * token cannot be checked at all does it fail, so that the failure is not cached.
 *
 * <p>A stream handler, as the HTTP functions are ({@link LambdaJson}): the runtime never loads its own Jackson.
 */
public final class AuthorizerHandler implements RequestStreamHandler, Resource {
    private static final Logger LOG = Logger.getLogger(AuthorizerHandler.class.getName());
    private final Authenticator authenticator;
    private final boolean authRequired;
    /** The SDK's first call before the snapshot; only the Lambda constructor has the client to make it. */
    private Runnable storagePriming = () -> { };

    public AuthorizerHandler() {
        this(DaggerAuthorizerComponent.create());
        Core.getGlobalContext().register(this);
    }

    private AuthorizerHandler(AuthorizerComponent c) {
        this(c.authenticator(), c.config());
        // built at init, side by side (see HttpFunction.buildClientsAtInit)
        ClientBuilds.start(c.clientBuilds()).await();
        // its role reads and touches token items only (GetItem allowed on the table, no transactions)
        storagePriming = () -> StoragePriming.prime(c.store(), null, StoragePriming.Scope.reads());
    }

    public AuthorizerHandler(Authenticator authenticator, RegistryConfig config) {
        this.authenticator = authenticator;
        this.authRequired = config.authRequired();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.write(output, handleRequest(LambdaJson.read(input, APIGatewayV2CustomAuthorizerEvent.class), context));
    }

    public Map<String, Object> handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        Principal p;
        try {
            p = authenticator.resolve(Api.header(event.getHeaders(), "authorization"), authRequired);
        } catch (RuntimeException e) {
            // Storage trouble: fail the invocation. API Gateway caches every answer of this authorizer for 60 s per
            // Authorization header, so an answer here ("anonymous") would lock the token out for a minute after a
            // one-second blip; a failed invocation is not cached, and API Gateway answers 500, which cargo and
            // scripts retry. The access log's authorizerError names it. Never log the header.
            LOG.log(Level.SEVERE, "authorizer could not resolve a token", e);
            throw new TokenCheckUnavailable(e);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("isAuthorized", true);
        response.put("context", p.toContext());
        return response;
    }

    /** The token could not be checked (storage unavailable): the invocation fails, so API Gateway caches nothing. */
    public static final class TokenCheckUnavailable extends RuntimeException {
        TokenCheckUnavailable(Throwable cause) {
            // the cause's message may name the table, never the token
            super("the registry could not check the token right now", cause);
        }
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws IOException {
        Principal.anonymous(null, false).toContext();
        Principal.fromContext(Principal.anonymous("priming", true).toContext());
        Api.prime();
        LambdaJson.prime();
        // its own event in and its answer out, through the data binding that reads them
        var event = LambdaJson.read(new ByteArrayInputStream(PRIMING_EVENT), APIGatewayV2CustomAuthorizerEvent.class);
        LambdaJson.write(OutputStream.nullOutputStream(), Map.of("isAuthorized", true, "context",
                Map.of("priming", String.valueOf(event.getHeaders()))));
        storagePriming.run();
    }

    private static final byte[] PRIMING_EVENT = ("{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"arn:priming\","
            + "\"headers\":{\"user-agent\":\"prime\"},\"requestContext\":{\"http\":{\"method\":\"GET\",\"path\":\"/\"}}}")
            .getBytes(StandardCharsets.UTF_8);

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing captured that needs refreshing
    }
}
