package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapServiceTest {
    private FakeRegistry r;
    private BootstrapService bootstrap;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry();
        bootstrap = r.services.bootstrap();
    }

    @Test
    void creates_the_first_admin_with_a_token_shown_once() {
        BootstrapService.Bootstrapped out = bootstrap.bootstrap("ops", "Operations");

        assertEquals("ops", out.login());
        String secret = out.token();
        assertTrue(secret.startsWith(Tokens.PREFIX), secret);
        var user = r.store.findUser("ops").orElseThrow();
        assertTrue(user.admin());
        assertEquals("Operations", user.name());
        TokenRecord token = r.store.findToken(Tokens.sha256Hex(secret)).orElseThrow();
        assertEquals("ops", token.login());
        assertFalse(r.store.snapshot().toString().contains(secret), "only the hash is stored");
    }

    @Test
    void the_token_works_as_an_admin_token_and_can_be_revoked_through_the_api() {
        String secret = bootstrap.bootstrap("ops", null).token();

        Principal p = new Authenticator(r.store, r.clock).resolve(secret, false);

        assertEquals("ops", p.requireAdmin());
        assertTrue(p.tokenId() > 0, "it has an id and a list entry");
        assertEquals(1, r.store.listTokens("ops").size());
    }

    @Test
    void writes_config_json() {
        bootstrap.bootstrap("ops", null);

        assertTrue(r.blobs.get(IndexPaths.CONFIG_KEY).isPresent());
        assertTrue(r.cdn.paths().isEmpty(), "config.json says max-age=60: edges refresh it without an invalidation");
    }

    @Test
    void defaults_to_admin_with_a_default_name() {
        assertEquals("admin", bootstrap.bootstrap(null, null).login());
        assertEquals("Registry administrator", r.store.findUser("admin").orElseThrow().name());
    }

    @Test
    void a_blank_login_means_the_default() {
        assertEquals("admin", bootstrap.bootstrap("   ", null).login());
    }

    @Test
    void runs_once_a_second_run_is_409_and_mints_no_token() {
        bootstrap.bootstrap("ops", null);
        var before = r.store.snapshot();

        RegistryException e = assertThrows(RegistryException.class, () -> bootstrap.bootstrap("ops", null));

        assertEquals(409, e.status());
        assertEquals(before, r.store.snapshot());
    }

    @Test
    void runs_once_even_for_another_login() {
        bootstrap.bootstrap("ops", null);
        var before = r.store.snapshot();

        RegistryException e = assertThrows(RegistryException.class, () -> bootstrap.bootstrap("other", null));

        assertEquals(409, e.status());
        assertTrue(e.detail().contains("already ran"), e.detail());
        assertEquals(before, r.store.snapshot(), "no second administrator, no second token");
        assertTrue(r.store.findUser("other").isEmpty());
    }

    @Test
    void refuses_to_take_over_an_existing_user() {
        Unaudited.of(r.store).createUser("alice", "Alice", false, FakeRegistry.START);
        var before = r.store.snapshot();

        assertEquals(409, assertThrows(RegistryException.class, () -> bootstrap.bootstrap("alice", null)).status());
        assertEquals(before, r.store.snapshot());
        assertFalse(r.store.findUser("alice").orElseThrow().admin());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-ops", "ops team", "o/p", "a234567890123456789012345678901234567890"})
    void an_invalid_login_is_400_and_nothing_is_created(String login) {
        var before = r.store.snapshot();

        assertEquals(400, assertThrows(RegistryException.class, () -> bootstrap.bootstrap(login, null)).status());
        assertEquals(before, r.store.snapshot());
        assertTrue(r.blobs.writes().isEmpty());
    }
}
