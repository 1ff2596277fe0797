package dev.cargoreg.functions.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizerHandlerIT {
    static final String SAMPLE = "cargoreg_SampleEventTokenDoNotUseAnywhere0000000000";
    AwsRegistryFixture fx;
    AuthorizerHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        handler = new AuthorizerHandler(fx.services.authenticator(), fx.config.toBuilder().authRequired(true).build());
    }

    APIGatewayV2CustomAuthorizerEvent sample(String authorization) throws Exception {
        Path events = Path.of(System.getProperty("events.dir", "../../events"));
        APIGatewayV2CustomAuthorizerEvent e = AwsRegistryFixture.JSON.readValue(Files.readString(events.resolve("authorizer.json")),
                APIGatewayV2CustomAuthorizerEvent.class);
        Map<String, String> headers = new HashMap<>(e.getHeaders());
        if (authorization == null) {
            headers.remove("authorization");
        } else {
            headers.put("authorization", authorization);
        }
        e.setHeaders(headers);
        return e;
    }

    @SuppressWarnings("unchecked")
    Principal principal(Map<String, Object> answer) {
        assertEquals(true, answer.get("isAuthorized"), "always authorized: the function refuses with cargo's body");
        Map<String, Object> context = (Map<String, Object>) answer.get("context");
        context.values().forEach(v -> assertTrue(v instanceof String || v instanceof Number || v instanceof Boolean,
                "API Gateway accepts only flat context values: " + v));
        return Principal.fromContext(context);
    }

    @Test
    void a_valid_token_becomes_its_user_with_scopes() throws Exception {
        Unaudited.of(fx.store).createToken(MetadataStore.TokenRecord.unrestricted(Tokens.sha256Hex(SAMPLE), "alice", "sample", Instant.now()));
        Principal p = principal(handler.handleRequest(sample(SAMPLE), null));
        assertEquals("alice", p.login());
        assertTrue(p.readRequired());
        Principal bearer = principal(handler.handleRequest(sample("Bearer " + AwsRegistryFixture.ROOT), null));
        assertEquals("root", bearer.login());
        assertTrue(bearer.admin());
    }

    @Test
    void missing_unknown_revoked_and_expired_tokens_become_anonymous_with_the_reason() throws Exception {
        assertFalse(principal(handler.handleRequest(sample(null), null)).authenticated());
        Principal unknown = principal(handler.handleRequest(sample("cargoreg_nope"), null));
        assertFalse(unknown.authenticated());
        assertTrue(unknown.authError().contains("not valid"));
        Instant now = Instant.now();
        Unaudited.of(fx.store).createToken(new MetadataStore.TokenRecord(Tokens.sha256Hex("cargoreg_revoked"), 9, "alice", "r", now, null, null, null, null, true));
        Unaudited.of(fx.store).createToken(new MetadataStore.TokenRecord(Tokens.sha256Hex("cargoreg_expired"), 10, "alice", "e", now, null, now.minusSeconds(1), null, null, false));
        assertTrue(principal(handler.handleRequest(sample("cargoreg_revoked"), null)).authError().contains("revoked"));
        assertTrue(principal(handler.handleRequest(sample("cargoreg_expired"), null)).authError().contains("expired"));
    }

    @Test
    void storage_trouble_fails_the_invocation_so_that_api_gateway_caches_no_answer() throws Exception {
        MetadataStore down = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("simulated DynamoDB outage");
                });
        AuthorizerHandler failing = new AuthorizerHandler(new Authenticator(down), fx.config.toBuilder().authRequired(true).build());
        AuthorizerHandler.TokenCheckUnavailable e = assertThrows(AuthorizerHandler.TokenCheckUnavailable.class,
                () -> failing.handleRequest(sample(SAMPLE), null));
        assertFalse(e.getMessage().contains(SAMPLE), "the token is in no message");
        assertEquals("simulated DynamoDB outage", e.getCause().getMessage());
    }
}
