package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Authorization header ({@code tokens/Authenticator}): raw as cargo sends it, {@code Bearer …} or
 * {@code Basic base64(user:token)}. Extracting never throws and yields nothing or a token of 1 to 512 characters;
 * resolving never throws and yields the token's user or an anonymous caller with a reason; and the principal survives
 * the authorizer's context ({@code Principal.toContext} / {@code fromContext}), as values and as strings.
 */
class AuthorizationFuzzTest {
    private static final String UNSCOPED = "cio_unscopedSecret0123456789abcdef";
    private static final String SCOPED = "cio_scopedSecret0123456789abcdef";
    private static final String EXPIRED = "cio_expiredSecret0123456789abcdef";
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    static Stream<Arguments> header() {
        return Stream.of(UNSCOPED, "Bearer " + SCOPED, "bearer   " + EXPIRED + "  ",
                        "Basic " + Base64.getEncoder().encodeToString(("alice:" + UNSCOPED).getBytes(StandardCharsets.UTF_8)),
                        "Basic " + Base64.getEncoder().encodeToString(SCOPED.getBytes(StandardCharsets.UTF_8)),
                        "Bearer", "Basic !!", "cio_unknown")
                .map(h -> Arguments.of((Object) h.getBytes(StandardCharsets.UTF_8)));
    }

    @MethodSource
    @FuzzTest
    void header(byte[] data) {
        String header = new String(data, StandardCharsets.UTF_8);
        String token = Authenticator.extractToken(header);
        assertTrue(token == null || (!token.isEmpty() && token.length() <= 512), "token length");

        InMemoryMetadataStore store = new InMemoryMetadataStore();
        store.addUserWithToken("alice", UNSCOPED, true);
        store.addToken("alice", SCOPED, EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK), List.of("foo", "bar-*", "*"), null);
        store.addToken("alice", EXPIRED, null, null, NOW.minusSeconds(1));
        Authenticator auth = new Authenticator(store, Clock.fixed(NOW, ZoneOffset.UTC));
        for (boolean readRequired : new boolean[] {false, true}) {
            Principal p = auth.resolve(header, readRequired);
            assertEquals(readRequired, p.readRequired());
            if (UNSCOPED.equals(token) || SCOPED.equals(token)) {
                assertEquals("alice", p.login());
            } else {
                assertTrue(!p.authenticated() && p.authError() != null, "anyone else is anonymous, with a reason");
            }
            roundTrip(p);
        }
    }

    /** toContext then fromContext gives the principal back, whether the context keeps its types or is all strings. */
    static void roundTrip(Principal p) {
        Map<String, Object> context = p.toContext();
        assertEquals(p, Principal.fromContext(context));
        Map<String, Object> strings = context.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        assertEquals(p, Principal.fromContext(strings));
        assertNotNull(p.toContext().get("login"));
    }
}
