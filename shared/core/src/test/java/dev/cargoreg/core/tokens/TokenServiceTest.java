package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenServiceTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    private MutableClock clock;
    private InMemoryMetadataStore store;
    private TokenService tokens;
    private Principal alice;
    private Principal bob;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        store = new InMemoryMetadataStore();
        tokens = new TokenService(store, new TokenMint(store, clock), clock);
        store.createUser("alice", "Alice", false, START);
        store.createUser("bob", "Bob", false, START);
        alice = new Principal("alice", 0, false, null, null, null, false);
        bob = new Principal("bob", 0, false, null, null, null, false);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> apiToken(Map<String, Object> response) {
        return (Map<String, Object>) response.get("api_token");
    }

    private Map<String, Object> create(Principal who, String body) {
        return apiToken(tokens.create(who, json(body)));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> list(Principal who) {
        return (List<Map<String, Object>>) tokens.list(who).get("api_tokens");
    }

    private RegistryException refusedCreate(Principal who, String body) {
        return assertThrows(RegistryException.class, () -> tokens.create(who, json(body)));
    }

    // ---- create ------------------------------------------------------------------------------------------------------

    @Test
    void create_shows_the_secret_once_and_stores_only_its_hash() {
        Map<String, Object> t = create(alice, "{\"api_token\":{\"name\":\"ci\"}}");

        String secret = (String) t.get("token");
        assertTrue(secret.startsWith(Tokens.PREFIX), secret);
        assertEquals(Tokens.PREFIX.length() + 43, secret.length());
        assertEquals("ci", t.get("name"));
        assertEquals(START.toString(), t.get("created_at"));

        TokenRecord stored = store.findToken(Tokens.sha256Hex(secret)).orElseThrow();
        assertEquals("alice", stored.login());
        assertEquals(((Number) t.get("id")).longValue(), stored.id());
        assertFalse(store.snapshot().toString().contains(secret), "the secret itself is stored nowhere");
        for (Map<String, Object> listed : list(alice)) {
            assertFalse(listed.containsKey("token"), "listing never shows a secret: " + listed);
        }
    }

    @Test
    void a_created_token_authenticates() {
        String secret = (String) create(alice, "{\"api_token\":{\"name\":\"ci\"}}").get("token");

        Principal p = new Authenticator(store, clock).resolve(secret, false);

        assertEquals("alice", p.login());
        assertNull(p.endpointScopes());
    }

    @Test
    void each_token_gets_its_own_id_and_secret() {
        Map<String, Object> a = create(alice, "{\"api_token\":{\"name\":\"a\"}}");
        Map<String, Object> b = create(alice, "{\"api_token\":{\"name\":\"b\"}}");

        assertNotEquals(a.get("id"), b.get("id"));
        assertNotEquals(a.get("token"), b.get("token"));
        assertEquals(2, store.listTokens("alice").size());
    }

    @Test
    void scopes_and_expiry_are_stored_and_shown() {
        Map<String, Object> t = create(alice, "{\"api_token\":{\"name\":\"release\","
                + "\"endpoint_scopes\":[\"publish-update\",\"yank\"],\"crate_scopes\":[\"foo\",\"bar-*\"],"
                + "\"expired_at\":\"2030-01-01T00:00:00Z\"}}");

        assertEquals(Set.of("publish-update", "yank"), Set.copyOf((List<?>) t.get("endpoint_scopes")));
        assertEquals(List.of("foo", "bar-*"), t.get("crate_scopes"));
        assertEquals("2030-01-01T00:00:00Z", t.get("expired_at"));
        TokenRecord stored = store.findToken(Tokens.sha256Hex((String) t.get("token"))).orElseThrow();
        assertEquals(EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK), stored.endpointScopes());
        assertEquals(List.of("foo", "bar-*"), stored.crateScopes());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), stored.expiresAt());

        Principal p = new Authenticator(store, clock).resolve((String) t.get("token"), false);
        assertEquals("alice", p.require(Scope.YANK, "bar_baz"));
        assertEquals(403, assertThrows(RegistryException.class, () -> p.require(Scope.PUBLISH_NEW, "foo")).status());
    }

    @Test
    void null_scopes_mean_full_rights() {
        Map<String, Object> t = create(alice, "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":null,"
                + "\"crate_scopes\":null,\"expired_at\":null}}");

        TokenRecord stored = store.findToken(Tokens.sha256Hex((String) t.get("token"))).orElseThrow();
        assertNull(stored.endpointScopes());
        assertNull(stored.crateScopes());
        assertNull(stored.expiresAt());
        assertNull(t.get("endpoint_scopes"));
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
    void invalid_requests_are_400_and_store_nothing(String body) {
        var before = store.snapshot();

        RegistryException e = refusedCreate(alice, body);

        assertEquals(400, e.status(), e.detail());
        assertEquals(before, store.snapshot());
    }

    @Test
    void a_bad_scope_is_named_in_the_error() {
        RegistryException e = refusedCreate(alice, "{\"api_token\":{\"name\":\"x\",\"endpoint_scopes\":[\"delete\"]}}");

        assertTrue(e.detail().contains("`delete`"), e.detail());
    }

    @Test
    void a_name_longer_than_128_characters_is_400() {
        assertEquals(400, refusedCreate(alice, "{\"api_token\":{\"name\":\"" + "n".repeat(129) + "\"}}").status());
        assertEquals("n".repeat(128), create(alice, "{\"api_token\":{\"name\":\"" + "n".repeat(128) + "\"}}").get("name"));
    }

    @Test
    void too_many_crate_scopes_are_400() {
        String many = String.join(",", java.util.Collections.nCopies(101, "\"foo\""));

        assertEquals(400, refusedCreate(alice, "{\"api_token\":{\"name\":\"x\",\"crate_scopes\":[" + many + "]}}").status());
    }

    @Test
    void an_expiry_in_the_past_or_now_is_400() {
        RegistryException past = refusedCreate(alice,
                "{\"api_token\":{\"name\":\"x\",\"expired_at\":\"2025-06-01T11:59:59Z\"}}");
        RegistryException now = refusedCreate(alice,
                "{\"api_token\":{\"name\":\"x\",\"expired_at\":\"" + START + "\"}}");

        assertEquals(400, past.status());
        assertTrue(past.detail().contains("future"), past.detail());
        assertEquals(400, now.status());
        assertEquals(0, store.listTokens("alice").size());
    }

    @Test
    void a_scoped_caller_cannot_create_tokens() {
        var before = store.snapshot();
        Principal endpointScoped = new Principal("alice", 5, false, EnumSet.allOf(Scope.class), null, null, false);
        Principal crateScoped = new Principal("alice", 5, false, null, List.of("*"), null, false);

        assertEquals(403, refusedCreate(endpointScoped, "{\"api_token\":{\"name\":\"x\"}}").status());
        assertEquals(403, refusedCreate(crateScoped, "{\"api_token\":{\"name\":\"x\"}}").status());
        assertEquals(before, store.snapshot());
    }

    @Test
    void an_anonymous_caller_cannot_create_tokens() {
        assertEquals(403, refusedCreate(Principal.anonymous(null, false), "{\"api_token\":{\"name\":\"x\"}}").status());
    }

    // ---- list ----------------------------------------------------------------------------------------------------------

    @Test
    void list_shows_live_tokens_newest_first_without_secrets() {
        create(alice, "{\"api_token\":{\"name\":\"first\"}}");
        clock.advance(Duration.ofMinutes(1));
        create(alice, "{\"api_token\":{\"name\":\"second\"}}");
        clock.advance(Duration.ofMinutes(1));
        create(alice, "{\"api_token\":{\"name\":\"third\"}}");
        create(bob, "{\"api_token\":{\"name\":\"bobs\"}}");

        List<Map<String, Object>> listed = list(alice);

        assertEquals(List.of("third", "second", "first"), listed.stream().map(t -> t.get("name")).toList());
        for (Map<String, Object> t : listed) {
            assertFalse(t.containsKey("token"), t.toString());
            assertFalse(t.toString().contains(Tokens.PREFIX), t.toString());
        }
    }

    @Test
    void list_hides_revoked_and_expired_tokens() {
        Map<String, Object> revoked = create(alice, "{\"api_token\":{\"name\":\"revoked\"}}");
        create(alice, "{\"api_token\":{\"name\":\"expiring\",\"expired_at\":\"2025-06-01T13:00:00Z\"}}");
        create(alice, "{\"api_token\":{\"name\":\"live\"}}");
        tokens.revoke(alice, revoked.get("id").toString());

        assertEquals(List.of("expiring", "live"), list(alice).stream().map(t -> (String) t.get("name")).sorted().toList());

        clock.advance(Duration.ofHours(1));

        assertEquals(List.of("live"), list(alice).stream().map(t -> t.get("name")).toList());
    }

    @Test
    void list_shows_last_use() {
        String secret = (String) create(alice, "{\"api_token\":{\"name\":\"ci\"}}").get("token");
        assertNull(list(alice).get(0).get("last_used_at"));
        clock.advance(Duration.ofMinutes(5));

        new Authenticator(store, clock).resolve(secret, false);

        assertEquals(START.plus(Duration.ofMinutes(5)).toString(), list(alice).get(0).get("last_used_at"));
    }

    // ---- revoke -------------------------------------------------------------------------------------------------------

    @Test
    void revoke_by_id_makes_the_token_stop_working() {
        Map<String, Object> t = create(alice, "{\"api_token\":{\"name\":\"ci\"}}");
        Authenticator auth = new Authenticator(store, clock);
        assertTrue(auth.resolve((String) t.get("token"), false).authenticated());

        tokens.revoke(alice, t.get("id").toString());

        Principal p = auth.resolve((String) t.get("token"), false);
        assertFalse(p.authenticated());
        assertTrue(p.authError().contains("revoked"), p.authError());
    }

    @Test
    void revoking_another_users_token_is_404_and_leaves_it_working() {
        Map<String, Object> bobs = create(bob, "{\"api_token\":{\"name\":\"bobs\"}}");
        var before = store.snapshot();

        RegistryException e = assertThrows(RegistryException.class, () -> tokens.revoke(alice, bobs.get("id").toString()));

        assertEquals(404, e.status());
        assertEquals(before, store.snapshot());
        assertTrue(new Authenticator(store, clock).resolve((String) bobs.get("token"), false).authenticated());
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "abc", "", "-1", "1.5"})
    void revoking_an_unknown_or_malformed_id_is_404(String id) {
        create(alice, "{\"api_token\":{\"name\":\"ci\"}}");

        assertEquals(404, assertThrows(RegistryException.class, () -> tokens.revoke(alice, id)).status());
    }

    @Test
    void revoke_current_revokes_the_calling_token_only() {
        Map<String, Object> leaked = create(alice, "{\"api_token\":{\"name\":\"leaked\"}}");
        Map<String, Object> other = create(alice, "{\"api_token\":{\"name\":\"other\"}}");
        Authenticator auth = new Authenticator(store, clock);
        Principal caller = auth.resolve((String) leaked.get("token"), false);

        tokens.revokeCurrent(caller);

        assertFalse(auth.resolve((String) leaked.get("token"), false).authenticated());
        assertTrue(auth.resolve((String) other.get("token"), false).authenticated());
    }

    @Test
    void revoke_current_works_for_scoped_tokens_too() {
        String secret = store.addToken("alice", "cargoreg_scoped", EnumSet.of(Scope.YANK), List.of("foo"), null);
        Authenticator auth = new Authenticator(store, clock);

        tokens.revokeCurrent(auth.resolve(secret, false));

        assertFalse(auth.resolve(secret, false).authenticated());
    }

    @Test
    void revoke_current_of_a_bootstrap_token_is_400() {
        store.putToken(TokenRecord.unrestricted(Tokens.sha256Hex("cargoreg_boot"), "alice", "bootstrap", START));
        Principal caller = new Authenticator(store, clock).resolve("cargoreg_boot", false);

        assertEquals(400, assertThrows(RegistryException.class, () -> tokens.revokeCurrent(caller)).status());
    }

    @Test
    void revoke_needs_a_login() {
        assertEquals(403, assertThrows(RegistryException.class,
                () -> tokens.revokeCurrent(Principal.anonymous(null, false))).status());
        assertEquals(403, assertThrows(RegistryException.class,
                () -> tokens.revoke(Principal.anonymous(null, false), "1")).status());
    }

    // ---- me ---------------------------------------------------------------------------------------------------------------

    @Test
    @SuppressWarnings("unchecked")
    void me_describes_the_caller() {
        Map<String, Object> user = (Map<String, Object>) tokens.me(alice).get("user");

        assertEquals("alice", user.get("login"));
        assertEquals("Alice", user.get("name"));
        assertEquals(store.findUser("alice").orElseThrow().id(), user.get("id"));
        assertEquals(false, user.get("is_admin"));
    }

    @Test
    void expired_tokens_do_not_count_against_the_limit() {
        for (int i = 0; i < TokenService.MAX_TOKENS_PER_USER; i++) {
            store.createToken(new dev.cargoreg.core.port.MetadataStore.TokenRecord("h" + i, 1000 + i, "alice", "old" + i,
                    START, null, START.plusSeconds(60), null, null, false));
        }
        clock.advance(java.time.Duration.ofMinutes(5));
        Map<String, Object> created = create(alice, "{\"api_token\":{\"name\":\"fresh\"}}");
        assertTrue(created.get("token").toString().startsWith(Tokens.PREFIX));
    }
}
