package dev.cargoreg.core.yank;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.FakeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YankServiceTest {
    private FakeRegistry r;
    private YankService yanks;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice", "bob");
        yanks = new YankService(r.store, r.index, r.clock);
        r.publish("alice", "foo", "1.0.0");
        r.publish("alice", "foo", "1.1.0");
        r.publish("alice", "foo", "2.0.0-rc.1");
    }

    private CrateSummary summary() {
        return r.store.findCrate("foo").orElseThrow().summary();
    }

    private RegistryException refused(Principal p, String name, String version, boolean yanked) {
        return assertThrows(RegistryException.class, () -> yanks.setYanked(p, name, version, yanked));
    }

    /** Asserts that a refusal changed nothing: no commit, no write, no invalidation. */
    private void assertNothingChanged(Runnable refusal) {
        var before = r.store.snapshot();
        List<String> writes = r.blobs.writes();
        List<String> invalidated = r.cdn.paths();

        refusal.run();

        assertEquals(before, r.store.snapshot());
        assertEquals(writes, r.blobs.writes());
        assertEquals(invalidated, r.cdn.paths());
    }

    @Test
    void an_owner_yanks_a_version() {
        long revision = r.store.findCrate("foo").orElseThrow().revision();

        yanks.setYanked(r.as("alice"), "foo", "1.1.0", true);

        assertTrue(r.store.findVersion("foo", "1.1.0").orElseThrow().yanked());
        assertEquals(List.of("1.0.0", "1.1.0!", "2.0.0-rc.1"), r.indexVersions("foo"), "only the flag changes");
        assertEquals(revision + 1, r.store.findCrate("foo").orElseThrow().revision());
        assertEquals(String.valueOf(revision + 1), r.blobs.head("index/3/f/foo").orElseThrow().metadata().get("revision"));
        assertTrue(r.cdn.paths().isEmpty(), "no invalidation: the index file says max-age=1");
        assertEquals("1.0.0", summary().maxStableVersion(), "the summary ignores the yanked version");
        assertEquals("2.0.0-rc.1", summary().maxVersion());
    }

    @Test
    void yanking_keeps_the_line_otherwise_byte_identical() {
        String before = r.indexLines("foo").get(1).toString();

        yanks.setYanked(r.as("alice"), "foo", "1.1.0", true);
        yanks.setYanked(r.as("alice"), "foo", "1.1.0", false);

        assertEquals(before, r.indexLines("foo").get(1).toString());
    }

    @Test
    void unyank_restores_the_version() {
        yanks.setYanked(r.as("alice"), "foo", "2.0.0-rc.1", true);
        assertEquals("1.1.0", summary().maxVersion());

        yanks.setYanked(r.as("alice"), "foo", "2.0.0-rc.1", false);

        assertFalse(r.store.findVersion("foo", "2.0.0-rc.1").orElseThrow().yanked());
        assertEquals(List.of("1.0.0", "1.1.0", "2.0.0-rc.1"), r.indexVersions("foo"));
        assertEquals("2.0.0-rc.1", summary().maxVersion());
    }

    @Test
    void yanking_every_version_makes_the_max_version_0_0_0() {
        for (String v : List.of("1.0.0", "1.1.0", "2.0.0-rc.1")) {
            yanks.setYanked(r.as("alice"), "foo", v, true);
        }

        assertEquals("0.0.0", summary().maxVersion());
        assertTrue(summary().allYanked());
        assertEquals(3, summary().numVersions());
    }

    @Test
    void yank_is_idempotent_and_commits_nothing_the_second_time() {
        yanks.setYanked(r.as("alice"), "foo", "1.0.0", true);
        int changes = r.store.changes().size();
        var before = r.store.snapshot();

        yanks.setYanked(r.as("alice"), "foo", "1.0.0", true);
        yanks.setYanked(r.as("alice"), "foo", "1.1.0", false);

        assertEquals(changes, r.store.changes().size());
        assertEquals(before, r.store.snapshot());
        assertEquals(List.of("1.0.0!", "1.1.0", "2.0.0-rc.1"), r.indexVersions("foo"));
    }

    @Test
    void a_repeated_yank_repairs_an_index_file_that_missed_the_change() {
        r.blobs.failWritesTo(k -> k.startsWith("index/"));
        RegistryException first = refused(r.as("alice"), "foo", "1.0.0", true);
        assertEquals(503, first.status());
        assertTrue(first.detail().contains("cargo yank"), first.detail());
        assertTrue(r.store.findVersion("foo", "1.0.0").orElseThrow().yanked(), "the commit stands");
        assertEquals(List.of("1.0.0", "1.1.0", "2.0.0-rc.1"), r.indexVersions("foo"));

        r.blobs.failWritesTo(k -> false);
        yanks.setYanked(r.as("alice"), "foo", "1.0.0", true);

        assertEquals(List.of("1.0.0!", "1.1.0", "2.0.0-rc.1"), r.indexVersions("foo"));
    }

    @Test
    void the_crate_name_is_matched_canonically() {
        r.publish("alice", "foo-bar", "1.0.0");

        yanks.setYanked(r.as("alice"), "FOO_bar", "1.0.0", true);

        assertTrue(r.store.findVersion("foo_bar", "1.0.0").orElseThrow().yanked());
    }

    @Test
    void a_non_owner_gets_403_and_nothing_changes() {
        assertNothingChanged(() -> {
            RegistryException e = refused(r.as("bob"), "foo", "1.0.0", true);
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("only owners"), e.detail());
        });
    }

    @Test
    void anonymous_callers_get_403() {
        assertNothingChanged(() -> assertEquals(403, refused(Principal.anonymous(null, false), "foo", "1.0.0", true).status()));
    }

    @Test
    void a_token_without_the_yank_scope_gets_403() {
        Principal publishOnly = r.as("alice", EnumSet.of(Scope.PUBLISH_UPDATE, Scope.PUBLISH_NEW), null);

        assertNothingChanged(() -> {
            RegistryException e = refused(publishOnly, "foo", "1.0.0", true);
            assertEquals(403, e.status());
            assertTrue(e.detail().contains("`yank` scope"), e.detail());
        });
    }

    @Test
    void a_token_scoped_to_other_crates_gets_403() {
        assertNothingChanged(() -> assertEquals(403,
                refused(r.as("alice", null, List.of("bar*")), "foo", "1.0.0", true).status()));
    }

    @Test
    void a_token_scoped_to_the_crate_may_yank() {
        yanks.setYanked(r.as("alice", EnumSet.of(Scope.YANK), List.of("fo*")), "foo", "1.0.0", true);

        assertTrue(r.store.findVersion("foo", "1.0.0").orElseThrow().yanked());
    }

    @Test
    void an_unknown_crate_is_404() {
        RegistryException e = refused(r.as("alice"), "nope", "1.0.0", true);

        assertEquals(404, e.status());
        assertTrue(e.detail().contains("`nope`"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.0", "1.0", "not-a-version", "1.0.0+build", ""})
    void an_unknown_version_is_404_and_nothing_changes(String version) {
        assertNothingChanged(() -> assertEquals(404, refused(r.as("alice"), "foo", version, true).status()));
    }

    @Test
    void the_version_must_match_exactly_including_build_metadata() {
        r.publish("alice", "bar", "1.0.0+build.1");

        assertEquals(404, refused(r.as("alice"), "bar", "1.0.0", true).status());
        yanks.setYanked(r.as("alice"), "bar", "1.0.0+build.1", true);
        assertTrue(r.store.findVersion("bar", "1.0.0").orElseThrow().yanked());
    }

    @Test
    void an_added_owner_may_yank() {
        r.store.addOwner("foo", "bob");

        yanks.setYanked(r.as("bob"), "foo", "1.0.0", true);

        assertTrue(r.store.findVersion("foo", "1.0.0").orElseThrow().yanked());
    }

    @Test
    void a_concurrent_change_is_retried_and_both_survive() {
        // while the yank runs, another publish commits (the crate's revision moves on)
        r.store.beforeNextChange(() -> r.publish("alice", "foo", "3.0.0"));

        yanks.setYanked(r.as("alice"), "foo", "1.0.0", true);

        assertTrue(r.store.findVersion("foo", "1.0.0").orElseThrow().yanked());
        assertEquals(List.of("1.0.0!", "1.1.0", "2.0.0-rc.1", "3.0.0"), r.indexVersions("foo"));
        assertEquals("3.0.0", summary().maxVersion(), "the retried commit's summary includes the concurrent publish");
        assertEquals(4, summary().numVersions());
    }

    @Test
    void ownership_lost_before_the_commit_is_403_on_the_retry() {
        r.store.addOwner("foo", "bob");
        r.store.beforeNextChange(() -> r.store.setOwners("foo", Set.of("alice")));

        RegistryException e = refused(r.as("bob"), "foo", "1.0.0", true);

        assertEquals(403, e.status());
        assertFalse(r.store.findVersion("foo", "1.0.0").orElseThrow().yanked());
    }

    @Test
    void a_crate_that_keeps_changing_gives_up_with_409() {
        Runnable[] again = new Runnable[1];
        again[0] = () -> {
            MetadataStore.CrateRecord c = r.store.findCrate("foo").orElseThrow();
            r.store.setOwners("foo", c.owners());
            r.store.beforeNextChange(again[0]);
        };
        r.store.beforeNextChange(again[0]);

        RegistryException e = refused(r.as("alice"), "foo", "1.0.0", true);

        assertEquals(409, e.status());
        assertFalse(r.store.findVersion("foo", "1.0.0").orElseThrow().yanked());
    }
}
