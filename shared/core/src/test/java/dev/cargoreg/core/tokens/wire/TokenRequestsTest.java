package dev.cargoreg.core.tokens.wire;

import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.tokens.NewToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PUT /api/v1/me/tokens bodies: crates.io's shape, and every refusal a 400 before the service is called. */
class TokenRequestsTest {
    private static NewToken parse(String body) {
        return TokenRequests.newToken(body.getBytes(StandardCharsets.UTF_8));
    }

    private static RegistryException refused(String body) {
        return assertThrows(RegistryException.class, () -> parse(body));
    }

    @Test
    void scopes_and_expiry_are_read() {
        NewToken t = parse("{\"api_token\":{\"name\":\" release \","
                + "\"endpoint_scopes\":[\"publish-update\",\"yank\"],\"crate_scopes\":[\"foo\",\"bar-*\"],"
                + "\"expired_at\":\"2030-01-01T00:00:00Z\"}}");

        assertEquals("release", t.name(), "trimmed");
        assertEquals(EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK), t.endpointScopes());
        assertEquals(List.of("foo", "bar-*"), t.crateScopes());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), t.expiresAt());
    }

    @Test
    void null_scopes_mean_full_rights() {
        NewToken t = parse("{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":null,"
                + "\"crate_scopes\":null,\"expired_at\":null}}");

        assertNull(t.endpointScopes());
        assertNull(t.crateScopes());
        assertNull(t.expiresAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"publish\"]}}",
            "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"yank\",\"everything\"]}}",
            "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[]}}",
            "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":\"yank\"}}",
            "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[1]}}",
            "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[]}}",
            "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"not a name\"]}}",
            "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"foo**\"]}}",
            "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[\"\"]}}",
            "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":\"foo\"}}",
            "{\"api_token\":{\"name\":\"x\",\"expired_at\":\"next tuesday\"}}",
            "{\"api_token\":{\"name\":\"\"}}",
            "{\"api_token\":{\"name\":\"   \"}}",
            "{\"api_token\":{}}",
            "{\"name\":\"x\"}",
            "{not json",
            ""})
    void invalid_requests_are_400(String body) {
        RegistryException e = refused(body);

        assertEquals(400, e.status(), e.detail());
    }

    @Test
    void a_bad_scope_is_named_in_the_error() {
        RegistryException e = refused("{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"delete\"]}}");

        assertTrue(e.detail().contains("`delete`"), e.detail());
    }

    @Test
    void a_name_longer_than_128_characters_is_400() {
        assertEquals(400, refused("{\"api_token\":{\"name\":\"" + "n".repeat(129) + "\"}}").status());
        assertEquals("n".repeat(128), parse("{\"api_token\":{\"name\":\"" + "n".repeat(128) + "\"}}").name());
    }

    @Test
    void too_many_crate_scopes_are_400() {
        String many = String.join(",", Collections.nCopies(101, "\"foo\""));

        assertEquals(400, refused("{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[" + many + "]}}").status());
    }

    @Test
    void the_messages_are_crates_io_like_and_checked_in_reading_order() {
        assertEquals("invalid JSON body: expected {\"api_token\":{\"name\":\"…\"}}", refused("{not json").detail());
        assertEquals("invalid JSON body: expected {\"api_token\":{\"name\":\"…\"}}", refused("{\"name\":\"x\"}").detail());
        assertEquals("the token needs a name of 1 to 128 characters",
                refused("{\"api_token\":{\"name\":\"\",\"endpoint_scopes\":\"yank\"}}").detail());
        assertEquals("endpoint_scopes must be a list such as [\"publish-update\", \"yank\"]",
                refused("{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":\"yank\",\"crate_scopes\":[]}}").detail());
        assertEquals("endpoint_scopes must not be empty (leave it out, or null, for full rights)",
                refused("{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[]}}").detail());
        assertEquals("crate_scopes must be a list of 1 to 100 crate names or `prefix*` patterns",
                refused("{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[],\"expired_at\":\"soon\"}}").detail());
        assertTrue(refused("{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[7]}}").detail().startsWith("invalid crate scope ``: "));
        assertEquals("expired_at must be an RFC 3339 time such as 2030-01-01T00:00:00Z",
                refused("{\"api_token\":{\"name\":\"x\",\"expired_at\":\"soon\"}}").detail());
    }

    @Test
    void the_record_applies_the_same_rules_when_built_in_code() {
        assertEquals(400, assertThrows(RegistryException.class, () -> new NewToken(" ", null, null, null)).status());
        assertEquals(400, assertThrows(RegistryException.class,
                () -> new NewToken("x", EnumSet.noneOf(Scope.class), null, null)).status());
        assertEquals(400, assertThrows(RegistryException.class,
                () -> new NewToken("x", null, List.of("not a name"), null)).status());
    }
}
