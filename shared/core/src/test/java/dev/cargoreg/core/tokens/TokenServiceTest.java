package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
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
        Unaudited.of(store).createUser("alice", "Alice", false, START);
        Unaudited.of(store).createUser("bob", "Bob", false, START);
        alice = new Principal("alice", 0, false, null, null, null, false);
        bob = new Principal("bob", 0, false, null, null, null, false);
    }

    private static NewToken named(String name) {
        return new NewToken(name, null, null, null);
    }

    private CreatedToken create(Principal who, NewToken request) {
        return tokens.create(who, request);
    }

    private CreatedToken create(Principal who, String name) {
        return create(who, named(name));
    }

    private List<TokenView> list(Principal who) {
        return tokens.list(who).apiTokens();
    }

    private RegistryException refusedCreate(Principal who, NewToken request) {
        return assertThrows(RegistryException.class, () -> tokens.create(who, request));
    }

    // ---- create ------------------------------------------------------------------------------------------------------

    @Test
    void create_shows_the_secret_once_and_stores_only_its_hash() {
        CreatedToken t = create(alice, "ci");

        String secret = t.secret();
        assertTrue(secret.startsWith(Tokens.PREFIX), secret);
        assertEquals(Tokens.PREFIX.length() + 43, secret.length());
        assertEquals("ci", t.token().name());
        assertEquals(START.toString(), t.token().createdAt());

        TokenRecord stored = store.findToken(Tokens.sha256Hex(secret)).orElseThrow();
        assertEquals("alice", stored.login());
        assertEquals(t.token().id(), stored.id());
        assertFalse(store.snapshot().toString().contains(secret), "the secret itself is stored nowhere");
        for (TokenView listed : list(alice)) {
            assertFalse(Json.mapper().valueToTree(listed).has("token"), "listing never shows a secret: " + listed);
        }
    }

    @Test
    void a_created_token_authenticates() {
        String secret = create(alice, "ci").secret();

        Principal p = new Authenticator(store, clock).resolve(secret, false);

        assertEquals("alice", p.login());
        assertNull(p.endpointScopes());
    }

    @Test
    void each_token_gets_its_own_id_and_secret() {
        CreatedToken a = create(alice, "a");
        CreatedToken b = create(alice, "b");

        assertNotEquals(a.token().id(), b.token().id());
        assertNotEquals(a.secret(), b.secret());
        assertEquals(2, store.listTokens("alice").size());
    }

    @Test
    void scopes_and_expiry_are_stored_and_shown() {
        CreatedToken t = create(alice, new NewToken("release", EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK),
                List.of("foo", "bar-*"), Instant.parse("2030-01-01T00:00:00Z")));

        assertEquals(Set.of("publish-update", "yank"), Set.copyOf(t.token().endpointScopes()));
        assertEquals(List.of("foo", "bar-*"), t.token().crateScopes());
        assertEquals("2030-01-01T00:00:00Z", t.token().expiredAt());
        TokenRecord stored = store.findToken(Tokens.sha256Hex(t.secret())).orElseThrow();
        assertEquals(EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK), stored.endpointScopes());
        assertEquals(List.of("foo", "bar-*"), stored.crateScopes());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), stored.expiresAt());

        Principal p = new Authenticator(store, clock).resolve(t.secret(), false);
        assertEquals("alice", p.require(Scope.YANK, "bar_baz"));
        assertEquals(403, assertThrows(RegistryException.class, () -> p.require(Scope.PUBLISH_NEW, "foo")).status());
    }

    @Test
    void null_scopes_mean_full_rights() {
        CreatedToken t = create(alice, new NewToken("x", null, null, null));

        TokenRecord stored = store.findToken(Tokens.sha256Hex(t.secret())).orElseThrow();
        assertNull(stored.endpointScopes());
        assertNull(stored.crateScopes());
        assertNull(stored.expiresAt());
        assertNull(t.token().endpointScopes());
    }

    @Test
    void a_name_of_128_characters_is_accepted() {
        assertEquals("n".repeat(128), create(alice, "n".repeat(128)).token().name());
    }

    @Test
    void an_expiry_in_the_past_or_now_is_400() {
        RegistryException past = refusedCreate(alice, new NewToken("x", null, null, Instant.parse("2025-06-01T11:59:59Z")));
        RegistryException now = refusedCreate(alice, new NewToken("x", null, null, START));

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

        assertEquals(403, refusedCreate(endpointScoped, named("x")).status());
        assertEquals(403, refusedCreate(crateScoped, named("x")).status());
        assertEquals(before, store.snapshot());
    }

    /**
     * API Gateway keeps the authorizer's answer for a minute: a caller resolved before its token was revoked, or its
     * user disabled or deleted, still reaches the function, but mints nothing that would outlive the revocation.
     */
    @Test
    void a_caller_revoked_disabled_or_deleted_since_the_authorizer_looked_mints_no_token() {
        Authenticator auth = new Authenticator(store, clock);
        CreatedToken leaked = create(alice, "leaked");
        Principal cached = auth.resolve(leaked.secret(), false);
        tokens.revoke(alice, Long.toString(leaked.token().id()));
        assertEquals(403, refusedCreate(cached, named("persist")).status());

        Principal bobCached = auth.resolve(create(bob, "laptop").secret(), false);
        store.setUserDisabled("bob", true, START, null);
        RegistryException disabled = refusedCreate(bobCached, named("persist"));
        assertEquals(403, disabled.status());
        assertTrue(disabled.getMessage().contains("disabled"), disabled.getMessage());
        store.setUserDisabled("bob", false, START, null);
        Principal bobAgain = auth.resolve(create(bob, "desktop").secret(), false);
        store.deleteUser("bob", null);
        assertEquals(403, refusedCreate(bobAgain, named("persist")).status());
        assertTrue(store.listTokens("bob").stream().noneMatch(t -> "persist".equals(t.name())), "no token minted");
        assertTrue(store.listTokens("alice").stream().noneMatch(t -> "persist".equals(t.name())), "no token minted");
    }

    @Test
    void an_anonymous_caller_cannot_create_tokens() {
        assertEquals(403, refusedCreate(Principal.anonymous(null, false), named("x")).status());
    }

    // ---- list ----------------------------------------------------------------------------------------------------------

    @Test
    void list_shows_live_tokens_newest_first_without_secrets() {
        create(alice, "first");
        clock.advance(Duration.ofMinutes(1));
        create(alice, "second");
        clock.advance(Duration.ofMinutes(1));
        create(alice, "third");
        create(bob, "bobs");

        List<TokenView> listed = list(alice);

        assertEquals(List.of("third", "second", "first"), listed.stream().map(TokenView::name).toList());
        for (TokenView t : listed) {
            assertFalse(Json.mapper().valueToTree(t).has("token"), t.toString());
            assertFalse(t.toString().contains(Tokens.PREFIX), t.toString());
        }
    }

    @Test
    void list_hides_revoked_and_expired_tokens() {
        CreatedToken revoked = create(alice, "revoked");
        create(alice, new NewToken("expiring", null, null, Instant.parse("2025-06-01T13:00:00Z")));
        create(alice, "live");
        tokens.revoke(alice, Long.toString(revoked.token().id()));

        assertEquals(List.of("expiring", "live"), list(alice).stream().map(TokenView::name).sorted().toList());

        clock.advance(Duration.ofHours(1));

        assertEquals(List.of("live"), list(alice).stream().map(TokenView::name).toList());
    }

    @Test
    void list_shows_last_use() {
        String secret = create(alice, "ci").secret();
        assertNull(list(alice).get(0).lastUsedAt());
        clock.advance(Duration.ofMinutes(5));

        new Authenticator(store, clock).resolve(secret, false);

        assertEquals(START.plus(Duration.ofMinutes(5)).toString(), list(alice).get(0).lastUsedAt());
    }

    // ---- revoke -------------------------------------------------------------------------------------------------------

    @Test
    void revoke_by_id_makes_the_token_stop_working() {
        CreatedToken t = create(alice, "ci");
        Authenticator auth = new Authenticator(store, clock);
        assertTrue(auth.resolve(t.secret(), false).authenticated());

        tokens.revoke(alice, Long.toString(t.token().id()));

        Principal p = auth.resolve(t.secret(), false);
        assertFalse(p.authenticated());
        assertTrue(p.authError().contains("revoked"), p.authError());
    }

    @Test
    void revoking_another_users_token_is_404_and_leaves_it_working() {
        CreatedToken bobs = create(bob, "bobs");
        var before = store.snapshot();

        RegistryException e = assertThrows(RegistryException.class, () -> tokens.revoke(alice, Long.toString(bobs.token().id())));

        assertEquals(404, e.status());
        assertEquals(before, store.snapshot());
        assertTrue(new Authenticator(store, clock).resolve(bobs.secret(), false).authenticated());
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "abc", "", "-1", "1.5"})
    void revoking_an_unknown_or_malformed_id_is_404(String id) {
        create(alice, "ci");

        assertEquals(404, assertThrows(RegistryException.class, () -> tokens.revoke(alice, id)).status());
    }

    @Test
    void revoke_current_revokes_the_calling_token_only() {
        CreatedToken leaked = create(alice, "leaked");
        CreatedToken other = create(alice, "other");
        Authenticator auth = new Authenticator(store, clock);
        Principal caller = auth.resolve(leaked.secret(), false);

        tokens.revokeCurrent(caller);

        assertFalse(auth.resolve(leaked.secret(), false).authenticated());
        assertTrue(auth.resolve(other.secret(), false).authenticated());
    }

    @Test
    void revoke_current_works_for_scoped_tokens_too() {
        String secret = store.addToken("alice", "cargoreg_scoped", EnumSet.of(Scope.YANK), List.of("foo"), null);
        Authenticator auth = new Authenticator(store, clock);

        tokens.revokeCurrent(auth.resolve(secret, false));

        assertFalse(auth.resolve(secret, false).authenticated());
    }

    /** crates.io lists and revokes tokens for a signed-in user only: a read-only or CI token may revoke itself, no more. */
    @Test
    void a_scoped_token_neither_lists_nor_revokes_its_users_other_tokens() {
        CreatedToken main = create(alice, "main");
        String readOnly = store.addToken("alice", "cargoreg_readonly", EnumSet.of(Scope.READ), null, null);
        String ci = store.addToken("alice", "cargoreg_ci", null, List.of("foo"), null);
        Authenticator auth = new Authenticator(store, clock);
        for (String secret : List.of(readOnly, ci)) {
            Principal scoped = auth.resolve(secret, false);
            assertEquals(403, assertThrows(RegistryException.class, () -> tokens.list(scoped)).status());
            assertEquals(403, assertThrows(RegistryException.class,
                    () -> tokens.revoke(scoped, Long.toString(main.token().id()))).status());
            assertTrue(auth.resolve(main.secret(), false).authenticated());
            // itself, by its id: allowed, as DELETE /api/v1/tokens/current is
            tokens.revoke(scoped, Long.toString(scoped.tokenId()));
            assertFalse(auth.resolve(secret, false).authenticated());
        }
        assertEquals(List.of("main"), list(alice).stream().map(TokenView::name).toList());
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
    void me_describes_the_caller() {
        Me.User user = tokens.me(alice).user();

        assertEquals("alice", user.login());
        assertEquals("Alice", user.name());
        assertEquals(store.findUser("alice").orElseThrow().id(), user.id());
        assertEquals(false, user.isAdmin());
    }

    @Test
    void expired_tokens_do_not_count_against_the_limit() {
        for (int i = 0; i < TokenService.MAX_TOKENS_PER_USER; i++) {
            Unaudited.of(store).createToken(new MetadataStore.TokenRecord("h" + i, 1000 + i, "alice", "old" + i,
                    START, null, START.plusSeconds(60), null, null, false));
        }
        clock.advance(Duration.ofMinutes(5));
        CreatedToken created = create(alice, "fresh");
        assertTrue(created.secret().startsWith(Tokens.PREFIX));
    }
}
