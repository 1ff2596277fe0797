package dev.cargoreg.core.auth;

import dev.cargoreg.core.error.RegistryException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrincipalTest {

    private static Principal user(Set<Scope> scopes, List<String> crates) {
        return new Principal("alice", 7, false, scopes, crates, null, false);
    }

    private static Principal admin(Set<Scope> scopes) {
        return new Principal("root", 1, true, scopes, null, null, false);
    }

    private static RegistryException refused(Executable e) {
        return assertThrows(RegistryException.class, e);
    }

    @Nested
    class Anonymous {
        @Test
        void without_a_reason_says_a_token_is_needed() {
            Principal p = Principal.anonymous(null, false);

            assertFalse(p.authenticated());
            assertEquals(Principal.NO_TOKEN, p.authError());
            RegistryException e = refused(p::requireLogin);
            assertEquals(403, e.status());
            assertTrue(e.detail().startsWith("this action requires authentication"), e.detail());
        }

        @Test
        void carries_the_reason_a_token_was_refused() {
            Principal p = Principal.anonymous("authentication failed: the token was revoked", false);

            RegistryException e = refused(() -> p.require(Scope.PUBLISH_NEW, "foo"));

            assertEquals(403, e.status());
            assertEquals("authentication failed: the token was revoked", e.detail());
        }

        @Test
        void cannot_act_as_an_admin() {
            assertEquals(403, refused(() -> Principal.anonymous(null, false).requireAdmin()).status());
        }
    }

    @Nested
    class EndpointScopes {
        @ParameterizedTest
        @EnumSource(Scope.class)
        void an_unscoped_token_has_every_scope(Scope scope) {
            Principal p = user(null, null);

            assertTrue(p.has(scope));
            assertEquals("alice", p.require(scope, "foo"));
        }

        @Test
        void a_scoped_token_has_only_its_scopes() {
            Principal p = user(EnumSet.of(Scope.PUBLISH_UPDATE, Scope.YANK), null);

            assertEquals("alice", p.require(Scope.PUBLISH_UPDATE, "foo"));
            assertEquals("alice", p.require(Scope.YANK, "foo"));
            RegistryException e = refused(() -> p.require(Scope.PUBLISH_NEW, "foo"));
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("`publish-new` scope"), e.detail());
            assertEquals(403, refused(() -> p.require(Scope.CHANGE_OWNERS, "foo")).status());
        }

        @Test
        void every_valid_token_may_read_even_without_the_read_scope() {
            Principal p = user(EnumSet.of(Scope.YANK), null);

            assertTrue(p.has(Scope.READ));
            assertFalse(p.has(Scope.PUBLISH_NEW));
        }

        @Test
        void the_read_scope_alone_allows_nothing_else() {
            Principal p = user(EnumSet.of(Scope.READ), null);

            for (Scope s : EnumSet.complementOf(EnumSet.of(Scope.READ))) {
                assertEquals(403, refused(() -> p.require(s, "foo")).status(), s.wire());
            }
        }
    }

    @Nested
    class CrateScopes {
        @Test
        void an_exact_name_allows_only_that_crate() {
            Principal p = user(null, List.of("foo"));

            assertEquals("alice", p.require(Scope.YANK, "foo"));
            RegistryException e = refused(() -> p.require(Scope.YANK, "foobar"));
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("`foobar`"), e.detail());
            assertEquals(403, refused(() -> p.require(Scope.YANK, "fo")).status());
        }

        @Test
        void a_prefix_pattern_allows_every_crate_starting_with_it() {
            Principal p = user(null, List.of("serde*"));

            assertTrue(p.matchesCrate("serde"));
            assertTrue(p.matchesCrate("serde_json"));
            assertTrue(p.matchesCrate("serde-derive"));
            assertFalse(p.matchesCrate("ser"));
            assertFalse(p.matchesCrate("my_serde"));
        }

        @Test
        void names_are_compared_canonically() {
            Principal exact = user(null, List.of("Foo-Bar"));
            Principal prefix = user(null, List.of("my-*"));

            assertTrue(exact.matchesCrate("foo_bar"));
            assertTrue(exact.matchesCrate("FOO-BAR"));
            assertTrue(prefix.matchesCrate("My_Crate"));
            assertFalse(prefix.matchesCrate("mycrate"));
        }

        @Test
        void any_of_several_patterns_is_enough() {
            Principal p = user(null, List.of("foo", "bar*"));

            assertTrue(p.matchesCrate("foo"));
            assertTrue(p.matchesCrate("barista"));
            assertFalse(p.matchesCrate("baz"));
        }

        @Test
        void a_star_alone_allows_every_crate() {
            assertTrue(user(null, List.of("*")).matchesCrate("anything"));
        }

        @Test
        void no_crate_scopes_allow_every_crate() {
            assertTrue(user(null, null).matchesCrate("anything"));
        }

        @Test
        void endpoints_without_a_crate_refuse_crate_scoped_tokens() {
            Principal scoped = user(null, List.of("*"));

            RegistryException e = refused(() -> scoped.require(Scope.PUBLISH_NEW, null));

            assertEquals(403, e.status());
            assertTrue(e.detail().contains("limited to some crates"), e.detail());
            assertEquals("alice", user(null, null).require(Scope.PUBLISH_NEW, null));
        }

        @Test
        void the_endpoint_scope_is_checked_as_well_as_the_crate() {
            Principal p = user(EnumSet.of(Scope.YANK), List.of("foo"));

            assertEquals("alice", p.require(Scope.YANK, "foo"));
            assertEquals(403, refused(() -> p.require(Scope.CHANGE_OWNERS, "foo")).status());
            assertEquals(403, refused(() -> p.require(Scope.YANK, "bar")).status());
        }
    }

    @Nested
    class Admin {
        @Test
        void an_admin_with_an_unscoped_token_is_an_admin() {
            assertEquals("root", admin(null).requireAdmin());
        }

        @Test
        void an_admin_with_the_admin_scope_is_an_admin() {
            assertEquals("root", admin(EnumSet.of(Scope.ADMIN)).requireAdmin());
        }

        @Test
        void an_admin_with_a_token_scoped_to_other_things_is_not() {
            RegistryException e = refused(() -> admin(EnumSet.of(Scope.PUBLISH_NEW, Scope.YANK)).requireAdmin());

            assertEquals(403, e.status());
            assertTrue(e.detail().contains("`admin` scope"), e.detail());
        }

        @Test
        void a_user_who_is_not_an_admin_is_refused_whatever_the_token() {
            for (Set<Scope> scopes : Arrays.asList(null, EnumSet.of(Scope.ADMIN), EnumSet.allOf(Scope.class))) {
                Principal p = new Principal("alice", 7, false, scopes, null, null, false);

                RegistryException e = refused(p::requireAdmin);

                assertEquals(403, e.status());
                assertTrue(e.detail().contains("`alice` is not one"), e.detail());
            }
        }
    }

    @Nested
    class Read {
        @Test
        void a_public_registry_lets_anyone_read() {
            assertDoesNotThrow(() -> Principal.anonymous(null, false).requireRead());
            assertDoesNotThrow(() -> Principal.anonymous("authentication failed: the token expired", false).requireRead());
        }

        @Test
        void a_private_registry_answers_401_to_anonymous_readers() {
            RegistryException e = refused(() -> Principal.anonymous(null, true).requireRead());

            assertEquals(401, e.status());
            assertEquals(Principal.NO_TOKEN, e.detail());
        }

        @Test
        void a_private_registry_answers_401_with_the_reason_a_token_was_refused() {
            RegistryException e = refused(() -> Principal.anonymous("authentication failed: the token was revoked", true)
                    .requireRead());

            assertEquals(401, e.status());
            assertEquals("authentication failed: the token was revoked", e.detail());
        }

        @Test
        void every_valid_token_may_read_a_private_registry() {
            for (Set<Scope> scopes : Arrays.asList(null, EnumSet.of(Scope.READ), EnumSet.of(Scope.YANK),
                    EnumSet.of(Scope.PUBLISH_UPDATE))) {
                Principal p = new Principal("alice", 7, false, scopes, List.of("foo"), null, true);

                assertDoesNotThrow(p::requireRead, String.valueOf(scopes));
            }
        }
    }

    @Nested
    class Context {
        @Test
        void a_scoped_principal_round_trips() {
            Principal p = new Principal("alice", 42, true, EnumSet.of(Scope.YANK, Scope.PUBLISH_UPDATE),
                    List.of("foo", "bar*"), null, true);

            assertEquals(p, Principal.fromContext(p.toContext()));
        }

        @Test
        void null_scopes_are_flagged_and_come_back_as_null() {
            Principal p = new Principal("alice", 3, false, null, null, null, false);

            Map<String, Object> c = p.toContext();

            assertEquals(true, c.get("allScopes"));
            assertEquals(true, c.get("allCrates"));
            Principal back = Principal.fromContext(c);
            assertNull(back.endpointScopes());
            assertNull(back.crateScopes());
            assertEquals(p, back);
        }

        @Test
        void a_star_crate_pattern_round_trips_as_a_crate_scope() {
            Principal p = new Principal("alice", 3, false, null, List.of("*"), null, false);

            Map<String, Object> c = p.toContext();
            Principal back = Principal.fromContext(c);

            assertEquals(false, c.get("allCrates"));
            assertEquals(List.of("*"), back.crateScopes());
            assertEquals(p, back);
        }

        @Test
        void a_star_crate_pattern_still_matches_every_crate_after_the_round_trip() {
            Principal back = Principal.fromContext(new Principal("alice", 3, false, null, List.of("*"), null, false).toContext());

            assertTrue(back.matchesCrate("anything"));
            assertDoesNotThrow(() -> back.require(Scope.PUBLISH_UPDATE, "anything"));
        }

        @Test
        void a_star_crate_pattern_cannot_mint_tokens_after_the_round_trip() {
            Principal back = Principal.fromContext(new Principal("alice", 3, false, null, List.of("*"), null, false).toContext());

            RegistryException e = refused(() -> back.requireUnscoped("create tokens"));

            assertEquals(403, e.status());
            assertEquals("a scoped token cannot create tokens; use a token without scopes", e.detail());
        }

        @Test
        void a_star_crate_pattern_cannot_administer_after_the_round_trip() {
            Principal back = Principal.fromContext(new Principal("root", 1, true, null, List.of("*"), null, false).toContext());

            assertTrue(back.admin());
            assertEquals(403, refused(back::requireAdmin).status());
        }

        @Test
        void a_star_crate_pattern_cannot_use_an_endpoint_without_a_crate_after_the_round_trip() {
            Principal back = Principal.fromContext(new Principal("alice", 3, false, null, List.of("*"), null, false).toContext());

            assertEquals(403, refused(() -> back.require(Scope.PUBLISH_NEW, null)).status());
        }

        @Test
        void a_star_among_other_patterns_round_trips() {
            Principal p = new Principal("alice", 3, false, null, List.of("foo", "*", "bar*"), null, false);

            assertEquals(p, Principal.fromContext(p.toContext()));
        }

        @Test
        void empty_scope_lists_stay_scoped_to_nothing() {
            Principal p = new Principal("alice", 3, false, EnumSet.noneOf(Scope.class), List.of(), null, false);

            Principal back = Principal.fromContext(p.toContext());

            assertEquals(p, back);
            assertFalse(back.has(Scope.YANK));
            assertFalse(back.matchesCrate("foo"));
        }

        @Test
        void an_all_crates_flag_beside_listed_crates_reads_as_the_listed_crates() {
            Map<String, Object> c = new HashMap<>(new Principal("root", 1, true, null, null, null, false).toContext());
            c.put("crates", "foo");

            Principal back = Principal.fromContext(c);

            assertEquals(List.of("foo"), back.crateScopes());
            assertEquals(403, refused(back::requireAdmin).status());
        }

        @Test
        void an_all_scopes_flag_beside_listed_scopes_reads_as_the_listed_scopes() {
            Map<String, Object> c = new HashMap<>(new Principal("alice", 3, false, null, null, null, false).toContext());
            c.put("scopes", "yank");

            assertEquals(EnumSet.of(Scope.YANK), Principal.fromContext(c).endpointScopes());
        }

        @Test
        void flags_that_are_missing_or_not_true_never_mean_unscoped() {
            for (Object flag : new Object[] {null, false, "false", "", "yes", 1}) {
                Map<String, Object> c = new HashMap<>(new Principal("root", 1, true, null, null, null, false).toContext());
                c.put("allCrates", flag);
                c.put("allScopes", flag);

                Principal back = Principal.fromContext(c);

                assertEquals(List.of(), back.crateScopes(), String.valueOf(flag));
                assertEquals(Set.of(), back.endpointScopes(), String.valueOf(flag));
                assertEquals(403, refused(back::requireAdmin).status(), String.valueOf(flag));
            }
        }

        @Test
        void an_old_context_with_star_crates_stays_crate_scoped() {
            // before the flags, `*` meant both "unscoped" and the pattern `*`: read back, it must never widen a token
            Map<String, Object> c = new HashMap<>(Map.of("login", "root", "tokenId", 1, "admin", true,
                    "scopes", "*", "crates", "*", "error", "", "readRequired", false));

            Principal back = Principal.fromContext(c);

            assertEquals(List.of("*"), back.crateScopes());
            assertEquals(403, refused(back::requireAdmin).status());
            assertEquals(403, refused(() -> back.requireUnscoped("create tokens")).status());
            assertDoesNotThrow(() -> back.require(Scope.PUBLISH_UPDATE, "foo"));
        }

        @Test
        void an_old_context_with_star_scopes_keeps_every_endpoint_scope() {
            // no endpoint scope is spelled `*`, so the old encoding was not ambiguous there
            Map<String, Object> c = new HashMap<>(Map.of("login", "alice", "tokenId", 3, "admin", false,
                    "scopes", "*", "crates", "foo", "error", "", "readRequired", false));

            Principal back = Principal.fromContext(c);

            assertNull(back.endpointScopes());
            assertEquals(List.of("foo"), back.crateScopes());
        }

        @Test
        void an_old_context_with_listed_scopes_reads_as_before() {
            Map<String, Object> c = new HashMap<>(Map.of("login", "alice", "tokenId", 3, "admin", false,
                    "scopes", "yank,publish-update", "crates", "foo,bar*", "error", "", "readRequired", false));

            Principal back = Principal.fromContext(c);

            assertEquals(EnumSet.of(Scope.YANK, Scope.PUBLISH_UPDATE), back.endpointScopes());
            assertEquals(List.of("foo", "bar*"), back.crateScopes());
        }

        @Test
        void the_context_is_flat_strings_numbers_and_booleans() {
            Map<String, Object> c = new Principal("alice", 3, false, EnumSet.of(Scope.YANK), List.of("foo"), null, false)
                    .toContext();

            for (Object v : c.values()) {
                assertTrue(v instanceof String || v instanceof Number || v instanceof Boolean, String.valueOf(v));
            }
            assertEquals("yank", c.get("scopes"));
            assertEquals("foo", c.get("crates"));
        }

        @Test
        void values_arriving_as_strings_are_understood() {
            Map<String, Object> c = new HashMap<>();
            Principal p = new Principal("alice", 42, true, EnumSet.of(Scope.ADMIN), null, null, true);
            p.toContext().forEach((k, v) -> c.put(k, v.toString()));

            assertEquals(p, Principal.fromContext(c));
        }

        @Test
        void an_anonymous_principal_round_trips_with_its_reason() {
            Principal p = Principal.anonymous("authentication failed: the token was revoked", true);

            Principal back = Principal.fromContext(p.toContext());

            assertEquals(p, back);
            assertFalse(back.authenticated());
            assertEquals(401, refused(back::requireRead).status());
        }

        @Test
        void an_anonymous_principal_without_a_reason_round_trips() {
            Principal p = Principal.anonymous(null, false);

            assertEquals(p, Principal.fromContext(p.toContext()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"true", "TRUE"})
        void booleans_are_parsed_case_insensitively(String t) {
            Map<String, Object> c = new HashMap<>(new Principal("a", 1, false, null, null, null, false).toContext());
            c.put("admin", t);

            assertTrue(Principal.fromContext(c).admin());
        }
    }

    @Nested
    class Unscoped {
        @Test
        void a_token_without_scopes_is_unscoped() {
            assertEquals("alice", user(null, null).requireUnscoped("create tokens"));
        }

        @Test
        void any_endpoint_scope_is_refused() {
            RegistryException e = refused(() -> user(EnumSet.allOf(Scope.class), null).requireUnscoped("create tokens"));

            assertEquals(403, e.status());
            assertEquals("a scoped token cannot create tokens; use a token without scopes", e.detail());
        }

        @ParameterizedTest
        @ValueSource(strings = {"*", "foo", "foo*"})
        void any_crate_scope_is_refused_the_star_pattern_included(String pattern) {
            assertEquals(403, refused(() -> user(null, List.of(pattern)).requireUnscoped("create tokens")).status());
        }

        @Test
        void anonymous_callers_are_refused_with_their_reason() {
            RegistryException e = refused(() -> Principal.anonymous("authentication failed: the token was revoked", false)
                    .requireUnscoped("create tokens"));

            assertEquals("authentication failed: the token was revoked", e.detail());
        }
    }

    @Test
    void an_admin_token_scoped_to_the_star_pattern_cannot_administer() {
        Principal scoped = new Principal("root", 1, true, null, List.of("*"), null, false);
        assertEquals(403, refused(scoped::requireAdmin).status());
    }

    @Test
    void an_admin_token_limited_to_some_crates_cannot_administer() {
        Principal scoped = new Principal("root", 1, true, null, List.of("foo"), null, false);
        assertEquals(403, refused(scoped::requireAdmin).status());
    }

    /** Fuzzing finding (PrincipalContextFuzzTest): a tokenId that is not a number threw NumberFormatException, a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"0false", "", "7 ", "99999999999999999999", "-"})
    void a_context_with_a_malformed_token_id_is_nobody(String tokenId) {
        Map<String, Object> c = new HashMap<>(new Principal("bob", 7, true, null, null, null, true).toContext());
        c.put("tokenId", tokenId);
        Principal p = Principal.fromContext(c);
        assertFalse(p.authenticated());
        assertEquals(Principal.MALFORMED_CONTEXT, p.authError());
        assertTrue(p.readRequired());
        assertEquals(401, refused(p::requireRead).status());
        assertEquals(403, refused(p::requireLogin).status());
    }
}
