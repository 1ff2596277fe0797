package dev.cargoreg.core.testing;

import dev.cargoreg.core.audit.AuditPage;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.crate.VersionDetails;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CommitConflict;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.MirrorPolicyEntry;
import dev.cargoreg.core.port.MetadataStore.PendingRemoval;
import dev.cargoreg.core.port.MetadataStore.PublishCommit;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.port.SearchSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conditional-write semantics the services rely on, for every {@link MetadataStore}: the in-memory fake of the
 * unit tests (core) and the DynamoDB store over DynamoDB Local (shared/aws), so the fake cannot drift from the real one.
 * A subclass gives a fresh, empty store per test.
 */
public abstract class MetadataStoreContract {
    protected static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    protected MetadataStore store;

    /** A fresh, empty store. */
    protected abstract MetadataStore newStore();

    /** The search data source over {@code store} (the search function's view of the same data). */
    protected abstract SearchSource searchSourceOf(MetadataStore store);

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------------

    private static CrateSummary summary(String version) {
        return CrateSummary.afterPublish(null, new CrateSummary.Descriptive("d " + version, null, null, null, List.of("k"),
                List.of()), version);
    }

    private static VersionRecord version(String canonical, String vers, long seq) {
        return new VersionRecord(canonical, vers, vers.split("\\+")[0], seq, "{\"name\":\"" + canonical + "\",\"vers\":\""
                + vers + "\",\"yanked\":false}", false, "c0ffee", 10, "alice", T0, VersionDetails.fromMap(Map.of("description", "d " + vers)));
    }

    /** Publishes {@code vers} as {@code login} from what the store says now (a new crate when there is none). */
    private void publish(String canonical, String vers, String login) throws CommitConflict {
        publishAt(canonical, vers, login, T0);
    }

    private void publishAt(String canonical, String vers, String login, Instant now) throws CommitConflict {
        CrateRecord cur = store.findCrate(canonical).orElse(null);
        long rev = cur == null ? 0 : cur.revision();
        long count = cur == null ? 0 : cur.versionCount();
        Unaudited.of(store).commitPublish(new PublishCommit(canonical, canonical, rev, count, login, version(canonical, vers, count + 1),
                summary(vers), now));
    }

    private void remove(String canonical, String vers) throws CommitConflict {
        CrateRecord cur = store.findCrate(canonical).orElseThrow();
        boolean last = store.listVersions(canonical).size() == 1;
        Unaudited.of(store).commitRemoval(new MetadataStore.RemovalCommit(canonical, cur.name(), vers, vers.split("\\+")[0],
                cur.revision(), last ? null : summary("0.0.0"), T0));
    }

    private long revision(String canonical) {
        return store.findCrate(canonical).orElseThrow().revision();
    }

    // ---- publish -------------------------------------------------------------------------------------------------------

    @Test
    void a_first_publish_creates_the_crate_at_revision_1_with_the_publisher_as_only_owner() throws Exception {
        publish("foo", "1.0.0", "alice");

        CrateRecord c = store.findCrate("foo").orElseThrow();
        assertEquals(1, c.revision());
        assertEquals(1, c.versionCount());
        assertEquals(Set.of("alice"), c.owners());
        assertEquals("foo", c.name());
        VersionRecord v = store.findVersion("foo", "1.0.0").orElseThrow();
        assertEquals(1, v.seq());
        assertEquals("c0ffee", v.cksum());
        assertEquals(Map.of("description", "d 1.0.0"), v.details().toMap());
        assertEquals(1, store.listVersions("foo").size());
    }

    @Test
    void every_publish_bumps_the_revision_and_the_version_counter() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");

        CrateRecord c = store.findCrate("foo").orElseThrow();
        assertEquals(2, c.revision());
        assertEquals(2, c.versionCount());
        assertEquals(2, store.findVersion("foo", "1.1.0").orElseThrow().seq());
    }

    @Test
    void creating_a_crate_that_exists_conflicts_without_version_taken() throws Exception {
        publish("foo", "1.0.0", "alice");

        CommitConflict e = assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitPublish(new PublishCommit("foo", "foo", 0, 0,
                "bob", version("foo", "2.0.0", 1), summary("2.0.0"), T0)));

        assertFalse(e.versionTaken());
        assertEquals(Set.of("alice"), store.findCrate("foo").orElseThrow().owners());
        assertTrue(store.findVersion("foo", "2.0.0").isEmpty(), "all or nothing");
    }

    @Test
    void a_publish_under_a_stale_revision_conflicts_and_writes_nothing() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");

        CommitConflict e = assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitPublish(new PublishCommit("foo", "foo", 1, 1,
                "alice", version("foo", "2.0.0", 2), summary("2.0.0"), T0)));

        assertFalse(e.versionTaken());
        assertFalse(e.removalPending());
        assertTrue(store.findVersion("foo", "2.0.0").isEmpty());
        assertEquals(2, revision("foo"));
    }

    @Test
    void a_publish_by_someone_who_is_not_an_owner_conflicts() throws Exception {
        publish("foo", "1.0.0", "alice");

        assertThrows(CommitConflict.class, () -> publish("foo", "2.0.0", "mallory"));
        assertTrue(store.findVersion("foo", "2.0.0").isEmpty());
    }

    @Test
    void a_version_equal_ignoring_build_metadata_is_version_taken() throws Exception {
        publish("foo", "1.0.0+a", "alice");

        CommitConflict e = assertThrows(CommitConflict.class, () -> publish("foo", "1.0.0+b", "alice"));

        assertTrue(e.versionTaken());
        assertEquals("1.0.0+a", store.findVersion("foo", "1.0.0").orElseThrow().version());
        assertEquals(1, revision("foo"));
    }

    // ---- yank and owners -----------------------------------------------------------------------------------------------

    @Test
    void a_yank_under_the_current_revision_flips_the_flag_and_bumps_the_revision() throws Exception {
        publish("foo", "1.0.0", "alice");

        Unaudited.of(store).commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 1, "alice", summary("1.0.0"), T0));

        assertTrue(store.findVersion("foo", "1.0.0").orElseThrow().yanked());
        assertEquals(2, revision("foo"));
    }

    @Test
    void a_yank_under_a_stale_revision_by_a_non_owner_or_of_a_missing_version_conflicts() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");

        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 1,
                "alice", summary("1.0.0"), T0)));
        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 2,
                "mallory", summary("1.0.0"), T0)));
        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitYank(new MetadataStore.YankCommit("foo", "9.0.0", true, 2,
                "alice", summary("1.0.0"), T0)));

        assertFalse(store.findVersion("foo", "1.0.0").orElseThrow().yanked());
        assertEquals(2, revision("foo"));
    }

    @Test
    void an_owners_change_applies_under_the_current_revision_only() throws Exception {
        publish("foo", "1.0.0", "alice");

        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitOwners(new MetadataStore.OwnersCommit("foo", 7,
                Set.of("bob"), T0)));
        Unaudited.of(store).commitOwners(new MetadataStore.OwnersCommit("foo", 1, Set.of("alice", "bob"), T0));

        assertEquals(Set.of("alice", "bob"), store.findCrate("foo").orElseThrow().owners());
        assertEquals(2, revision("foo"));
        publish("foo", "2.0.0", "bob");
    }

    // ---- removal -------------------------------------------------------------------------------------------------------

    @Test
    void a_removal_under_a_stale_revision_or_of_a_missing_version_conflicts() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");

        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitRemoval(new MetadataStore.RemovalCommit("foo", "foo", "1.0.0",
                "1.0.0", 1, summary("1.1.0"), T0)));
        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitRemoval(new MetadataStore.RemovalCommit("foo", "foo", "9.0.0",
                "9.0.0", 2, summary("1.1.0"), T0)));

        assertEquals(2, store.listVersions("foo").size());
        assertEquals(List.of(), store.pendingRemovals("foo"), "nothing recorded for a removal that did not happen");
    }

    @Test
    void a_removal_bumps_the_revision_keeps_the_version_counter_and_records_what_is_left_to_clean_up() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0+b", "alice");

        remove("foo", "1.1.0+b");

        CrateRecord c = store.findCrate("foo").orElseThrow();
        assertEquals(3, c.revision());
        assertEquals(2, c.versionCount(), "sequence numbers are never reused");
        assertTrue(store.findVersion("foo", "1.1.0").isEmpty());
        assertEquals(List.of(new PendingRemoval("foo", "foo", "1.1.0+b", "1.1.0", T0)), store.pendingRemovals("foo"));

        store.finishRemoval("foo", "1.1.0", T0);
        store.finishRemoval("foo", "1.1.0", T0.plusSeconds(1));

        assertEquals(List.of(), store.pendingRemovals("foo"), "finishing twice is harmless");
    }

    @Test
    void a_version_whose_removal_is_pending_cannot_be_published_again_until_it_is_finished() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");
        remove("foo", "1.1.0");

        CommitConflict e = assertThrows(CommitConflict.class, () -> publish("foo", "1.1.0+new", "alice"));

        assertTrue(e.removalPending());
        assertFalse(e.versionTaken());
        assertTrue(store.findVersion("foo", "1.1.0").isEmpty());
        publish("foo", "1.2.0", "alice");

        store.finishRemoval("foo", "1.1.0", T0);
        // finished, but a second cleanup of the same removal may still be running: the version waits for it
        CommitConflict settling = assertThrows(CommitConflict.class,
                () -> publishAt("foo", "1.1.0", "alice", T0.plus(PendingRemoval.SETTLE).minusSeconds(1)));
        assertTrue(settling.removalPending());
        assertEquals(List.of(), store.pendingRemovals("foo"), "a finished removal is not listed as pending");
        publishAt("foo", "1.1.0", "alice", T0.plus(PendingRemoval.SETTLE).plusSeconds(1));

        assertEquals(4, store.findVersion("foo", "1.1.0").orElseThrow().seq());
        // removed again: a new pending record, which the publish waits for again
        remove("foo", "1.1.0");
        assertEquals(1, store.pendingRemovals("foo").size());
        assertThrows(CommitConflict.class, () -> publishAt("foo", "1.1.0", "alice", T0.plus(Duration.ofHours(1))));
    }

    @Test
    void removing_the_last_version_removes_the_crate_and_a_crate_created_again_continues_its_revision() throws Exception {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");
        remove("foo", "1.1.0");
        remove("foo", "1.0.0");
        assertTrue(store.findCrate("foo").isEmpty());
        assertEquals(List.of(), store.listVersions("foo"));
        assertEquals(2, store.pendingRemovals("foo").size());

        publish("foo", "0.1.0", "bob");

        CrateRecord c = store.findCrate("foo").orElseThrow();
        assertEquals(5, c.revision(), "2 publishes and 2 removals before: revisions never go backwards for a name");
        assertEquals(Set.of("bob"), c.owners());
        remove("foo", "0.1.0");
        publish("foo", "0.2.0", "carol");
        assertEquals(7, revision("foo"));
    }

    @Test
    void a_crate_created_from_a_tombstone_read_before_another_removal_conflicts() throws Exception {
        publish("foo", "1.0.0", "alice");
        remove("foo", "1.0.0");
        store.finishRemoval("foo", "1.0.0", T0);
        // a creator that read the tombstone, then the crate is created and removed again under it
        Unaudited.of(store).commitPublish(new PublishCommit("foo", "foo", 0, 0, "bob", version("foo", "2.0.0", 1), summary("2.0.0"), T0));
        remove("foo", "2.0.0");

        Unaudited.of(store).commitPublish(new PublishCommit("foo", "foo", 0, 0, "carol", version("foo", "3.0.0", 1), summary("3.0.0"), T0));

        assertEquals(5, revision("foo"), "the new crate starts above every revision the name had");
    }

    // ---- tokens, users, counters, one-time steps ------------------------------------------------------------------------

    private static TokenRecord token(String sha, long id, String login) {
        return new TokenRecord(sha, id, login, "ci", T0, null, T0.plusSeconds(3600), EnumSet.of(Scope.PUBLISH_UPDATE),
                List.of("foo*"), false);
    }

    @Test
    void a_created_token_is_found_by_hash_and_listed_for_its_user() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        Unaudited.of(store).createToken(token("aa", 1, "alice"));

        TokenRecord t = store.findToken("aa").orElseThrow();
        assertEquals("alice", t.login());
        assertEquals(EnumSet.of(Scope.PUBLISH_UPDATE), t.endpointScopes());
        assertEquals(List.of("foo*"), t.crateScopes());
        assertEquals(T0.plusSeconds(3600), t.expiresAt());
        assertEquals(List.of("aa"), store.listTokens("alice").stream().map(TokenRecord::sha256).toList());
        assertEquals(List.of(), store.listTokens("bob"));
        assertTrue(store.findToken("bb").isEmpty());
    }

    @Test
    void a_token_of_a_user_that_is_gone_or_disabled_is_not_written() {
        assertFalse(store.createToken(token("aa", 1, "nobody"), audit(AuditRecord.Action.TOKEN_CREATED, "nobody", null, null, T0)));
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        assertTrue(store.setUserDisabled("alice", true, T0, null));
        assertFalse(store.createToken(token("ab", 2, "alice"), audit(AuditRecord.Action.TOKEN_CREATED, "alice", null, null, T0)));

        assertTrue(store.findToken("aa").isEmpty() && store.findToken("ab").isEmpty(), "nothing written");
        assertEquals(List.of(), store.listTokens("alice"));
        assertEquals(List.of(), actions(all()), "and no audit record");
        assertTrue(store.setUserDisabled("alice", false, T0, null));
        assertTrue(store.createToken(token("ab", 2, "alice"), null));
    }

    @Test
    void a_token_with_a_hash_or_an_id_that_exists_is_refused_whole() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        Unaudited.of(store).createToken(token("aa", 1, "alice"));

        assertThrows(RuntimeException.class, () -> Unaudited.of(store).createToken(token("aa", 2, "alice")));
        assertThrows(RuntimeException.class, () -> Unaudited.of(store).createToken(token("bb", 1, "alice")));

        assertEquals(1, store.listTokens("alice").size());
        assertTrue(store.findToken("bb").isEmpty(), "all or nothing");
    }

    @Test
    void revoking_marks_the_token_and_is_false_for_an_unknown_id() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        Unaudited.of(store).createToken(token("aa", 1, "alice"));

        assertFalse(Unaudited.of(store).revokeToken("alice", 2, T0));
        assertFalse(Unaudited.of(store).revokeToken("bob", 1, T0));
        assertTrue(Unaudited.of(store).revokeToken("alice", 1, T0));

        assertTrue(store.findToken("aa").orElseThrow().revoked());
        assertTrue(store.listTokens("alice").get(0).revoked());
    }

    @Test
    void touching_a_token_records_its_last_use_and_ignores_unknown_hashes() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        Unaudited.of(store).createToken(token("aa", 1, "alice"));

        store.touchToken("aa", T0.plusSeconds(60));
        store.touchToken("zz", T0);

        assertEquals(T0.plusSeconds(60), store.findToken("aa").orElseThrow().lastUsedAt());
        assertEquals(T0.plusSeconds(60), store.listTokens("alice").get(0).lastUsedAt());
        assertTrue(store.findToken("zz").isEmpty());
    }

    @Test
    void users_get_ids_from_1001_and_a_taken_login_is_refused() {
        var alice = Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        var root = Unaudited.of(store).createUser("root", "", true, T0).orElseThrow();

        assertEquals(1001, alice.id());
        assertEquals(1002, root.id());
        assertEquals("root", root.name(), "a blank name is the login");
        assertTrue(Unaudited.of(store).createUser("alice", "Other", true, T0).isEmpty());
        // logins that differ only in case are one login (`cargo owner --add Alice` must not find another person)
        assertTrue(Unaudited.of(store).createUser("Alice", "Other", false, T0).isEmpty());
        assertTrue(Unaudited.of(store).createUser("ROOT", "Other", false, T0).isEmpty());
        assertTrue(store.findUser("Alice").isEmpty());
        assertEquals(alice, store.findUser("alice").orElseThrow());
        assertEquals(Set.of("alice", "root"), store.findUsers(List.of("alice", "root", "nobody", "alice")).keySet());
    }

    @Test
    void counters_count_from_1_per_sequence() {
        assertEquals(1, store.nextId("tokens"));
        assertEquals(2, store.nextId("tokens"));
        assertEquals(1, store.nextId("other"));
        assertEquals(3, store.nextId("tokens"));
    }

    @Test
    void a_one_time_step_is_claimed_once() {
        assertTrue(store.claimOnce("bootstrap", T0));
        assertFalse(store.claimOnce("bootstrap", T0.plusSeconds(1)));
        assertTrue(store.claimOnce("other", T0));
    }

    // ---- administration ------------------------------------------------------------------------------------------------

    @Test
    void users_are_listed_disabled_enabled_and_deleted_with_their_tokens() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        Unaudited.of(store).createUser("bob", "Bob", false, T0).orElseThrow();
        Unaudited.of(store).createToken(token("aa", 1, "alice"));
        Unaudited.of(store).createToken(token("ab", 2, "alice"));
        Unaudited.of(store).createToken(token("bb", 3, "bob"));

        assertEquals(Set.of("alice", "bob"), Set.copyOf(store.listUsers().stream().map(MetadataStore.UserRecord::login).toList()));
        assertTrue(store.setUserDisabled("alice", true, T0, null));
        assertTrue(store.findUser("alice").orElseThrow().disabled());
        assertFalse(store.findUser("bob").orElseThrow().disabled());
        assertTrue(store.findToken("aa").isPresent(), "a disabled user's tokens stay (enable brings them back)");
        assertTrue(store.setUserDisabled("alice", false, T0, null));
        assertFalse(store.findUser("alice").orElseThrow().disabled());
        assertFalse(store.setUserDisabled("nobody", true, T0, null));

        assertTrue(store.deleteUser("alice", null));
        assertFalse(store.deleteUser("alice", null));
        assertTrue(store.findUser("alice").isEmpty());
        assertTrue(store.findToken("aa").isEmpty());
        assertTrue(store.findToken("ab").isEmpty());
        assertEquals(List.of(), store.listTokens("alice"));
        assertTrue(store.findToken("bb").isPresent());
        assertEquals(List.of("bob"), store.listUsers().stream().map(MetadataStore.UserRecord::login).toList());
        // a deleted user's login, in any case, is free again
        assertTrue(Unaudited.of(store).createUser("Alice", "Alice again", false, T0).isPresent());
    }

    @Test
    void crates_owned_by_a_user_are_found_and_an_admin_yank_needs_no_ownership() throws CommitConflict {
        publish("foo", "1.0.0", "alice");
        publish("bar", "1.0.0", "bob");
        assertEquals(Map.of("foo", "foo"), store.ownedCrates("alice"));
        assertEquals(Map.of(), store.ownedCrates("carol"));

        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 1,
                "root", summary("1.0.0"), T0)));
        Unaudited.of(store).commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 1, "root", summary("1.0.0"), T0, true));
        assertTrue(store.findVersion("foo", "1.0.0").orElseThrow().yanked());
        Unaudited.of(store).commitOwners(new MetadataStore.OwnersCommit("foo", 2, Set.of("alice", "carol"), T0, "root"));
        assertEquals(Map.of("foo", "foo"), store.ownedCrates("carol"));
    }

    // ---- trusted publishing --------------------------------------------------------------------------------------------

    @Test
    void trust_configs_are_found_by_crate_and_repository_pinned_once_and_deleted() {
        store.createTrustConfig(new MetadataStore.TrustConfig(1, "github", "foo", "Foo", "Acme", null, "Widget", "release.yml",
                null, "alice", T0), null);
        store.createTrustConfig(new MetadataStore.TrustConfig(2, "gitlab", "foo", "Foo", "acme", null, "widget", ".gitlab-ci.yml",
                "prod", "alice", T0), null);
        assertEquals(2, store.trustConfigsOfCrate("foo").size());
        assertEquals(List.of(1L), store.trustConfigsOfRepository("github", "acme/widget").stream().map(MetadataStore.TrustConfig::id).toList());
        assertEquals(List.of(), store.trustConfigsOfRepository("github", "acme/other"));
        store.pinTrustConfigOwnerId(1, "7001");
        store.pinTrustConfigOwnerId(1, "9999");
        assertEquals("7001", store.findTrustConfig(1).orElseThrow().ownerId(), "pinned once");
        assertEquals("prod", store.findTrustConfig(2).orElseThrow().environment());
        assertTrue(store.deleteTrustConfig(1, null));
        assertFalse(store.deleteTrustConfig(1, null));
        assertTrue(store.findTrustConfig(1).isEmpty());
        assertEquals(List.of(), store.trustConfigsOfRepository("github", "acme/widget"));
        assertEquals(1, store.trustConfigsOfCrate("foo").size());
    }

    @Test
    void a_jti_is_claimed_once_per_issuer_and_provenance_is_kept_by_token_id() {
        assertTrue(store.claimJti("https://issuer", "j1", T0.plusSeconds(600)));
        assertFalse(store.claimJti("https://issuer", "j1", T0.plusSeconds(600)));
        assertTrue(store.claimJti("https://other", "j1", T0.plusSeconds(600)));
        Provenance p = new Provenance("github", "acme/widget", "release.yml", "42", "abc");
        store.putTokenProvenance(5, p, T0.plusSeconds(1800));
        assertEquals(p, store.tokenProvenance(5).orElseThrow());
        assertTrue(store.tokenProvenance(6).isEmpty());
    }

    // ---- audit trail ---------------------------------------------------------------------------------------------------

    private static AuditRecord audit(AuditRecord.Action action, String actor, String crate, String version, Instant at) {
        return new AuditRecord(UUID.randomUUID().toString(), at, action.wire(), actor, 7, crate, version, "d",
                "203.0.113.9", "cargo/1.95.0", "ci token", null);
    }

    private List<String> actions(AuditQuery q) {
        return store.auditTrail(q).records().stream().map(r -> r.action() + " " + r.actor() + " " + r.crate() + " "
                + r.version()).toList();
    }

    private static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, 100, null);
    }

    @Test
    void each_change_writes_its_audit_record_with_it_and_a_cancelled_change_writes_none() throws Exception {
        store.commitPublish(new PublishCommit("foo", "Foo", 0, 0, "alice", version("foo", "1.0.0", 1), summary("1.0.0"), T0),
                audit(AuditRecord.Action.CRATE_PUBLISHED, "alice", "Foo", "1.0.0", T0));
        // conflicts: the version exists, a stale revision, a non-owner: no record for any of them
        assertThrows(CommitConflict.class, () -> store.commitPublish(new PublishCommit("foo", "Foo", 1, 1, "alice",
                version("foo", "1.0.0", 2), summary("1.0.0"), T0), audit(AuditRecord.Action.CRATE_PUBLISHED, "alice",
                "Foo", "1.0.0+again", T0.plusSeconds(1))));
        assertThrows(CommitConflict.class, () -> store.commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 9,
                "alice", summary("1.0.0"), T0), audit(AuditRecord.Action.CRATE_YANKED, "alice", "Foo", "1.0.0", T0.plusSeconds(2))));
        assertThrows(CommitConflict.class, () -> store.commitOwners(new MetadataStore.OwnersCommit("foo", 9, Set.of("bob"), T0),
                audit(AuditRecord.Action.OWNERS_ADDED, "alice", "Foo", null, T0.plusSeconds(3))));
        assertThrows(CommitConflict.class, () -> store.commitRemoval(new MetadataStore.RemovalCommit("foo", "Foo", "9.0.0",
                "9.0.0", 1, summary("1.0.0"), T0), audit(AuditRecord.Action.VERSION_REMOVED, "root", "Foo", "9.0.0", T0.plusSeconds(4))));
        assertEquals(List.of("crate.published alice Foo 1.0.0"), actions(all()));

        store.commitYank(new MetadataStore.YankCommit("foo", "1.0.0", true, 1, "alice", summary("1.0.0"), T0),
                audit(AuditRecord.Action.CRATE_YANKED, "alice", "Foo", "1.0.0", T0.plusSeconds(10)));
        store.commitOwners(new MetadataStore.OwnersCommit("foo", 2, Set.of("alice", "bob"), T0),
                audit(AuditRecord.Action.OWNERS_ADDED, "alice", "Foo", null, T0.plusSeconds(20)));
        Unaudited.of(store).createUser("bob", "Bob", false, T0).orElseThrow();
        assertTrue(store.createToken(token("aa", 1, "bob"), audit(AuditRecord.Action.TOKEN_CREATED, "bob", null, null, T0.plusSeconds(30))));
        assertFalse(store.revokeToken("bob", 99, T0, audit(AuditRecord.Action.TOKEN_REVOKED, "bob", null, null, T0.plusSeconds(40))));
        assertTrue(store.revokeToken("bob", 1, T0, audit(AuditRecord.Action.TOKEN_REVOKED, "bob", null, null, T0.plusSeconds(50))));
        assertTrue(store.createUser("carol", "Carol", false, T0, audit(AuditRecord.Action.USER_CREATED, "root", null, null,
                T0.plusSeconds(60))).isPresent());
        assertTrue(store.createUser("carol", "Carol", false, T0, audit(AuditRecord.Action.USER_CREATED, "root", null, null,
                T0.plusSeconds(70))).isEmpty(), "a login that is taken");
        store.commitRemoval(new MetadataStore.RemovalCommit("foo", "Foo", "1.0.0", "1.0.0", 3, null, T0),
                audit(AuditRecord.Action.CRATE_REMOVED, "root", "Foo", "1.0.0", T0.plusSeconds(80)));

        assertEquals(List.of("crate.removed root Foo 1.0.0", "user.created root null null", "token.revoked bob null null",
                "token.created bob null null", "owners.added alice Foo null", "crate.yanked alice Foo 1.0.0",
                "crate.published alice Foo 1.0.0"), actions(all()));
        AuditRecord first = store.auditTrail(new AuditQuery(null, null, null, "crate.published", null, 10, null)).records().get(0);
        assertEquals(T0, first.at());
        assertEquals(7, first.tokenId());
        assertEquals("203.0.113.9", first.sourceIp());
        assertEquals("cargo/1.95.0", first.userAgent());
        assertEquals("d", first.detail());
        assertEquals("ci token", first.tokenName());
        assertNull(first.provenance());
    }

    @Test
    void user_state_and_trust_configuration_changes_write_their_record_with_them_and_none_when_nothing_changes() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        Unaudited.of(store).createToken(token("aa", 1, "alice"));
        Provenance run = new Provenance("github", "acme/widget", "release.yml", "4242", "abc123");
        AuditRecord disabled = new AuditRecord(UUID.randomUUID().toString(), T0.plusSeconds(1), "user.disabled", "root", 3,
                null, null, "user alice", "203.0.113.9", "curl/8", "trusted publishing: github acme/widget", run);
        assertTrue(store.setUserDisabled("alice", true, T0, disabled));
        assertFalse(store.setUserDisabled("nobody", true, T0, audit(AuditRecord.Action.USER_DISABLED, "root", null, null,
                T0.plusSeconds(2))), "no such user: no change, no record");
        assertTrue(store.setUserDisabled("alice", false, T0, audit(AuditRecord.Action.USER_ENABLED, "root", null, null,
                T0.plusSeconds(3))));
        assertFalse(store.deleteUser("nobody", audit(AuditRecord.Action.USER_DELETED, "root", null, null, T0.plusSeconds(4))));
        assertTrue(store.deleteUser("alice", audit(AuditRecord.Action.USER_DELETED, "root", null, null, T0.plusSeconds(5))));
        assertTrue(store.findToken("aa").isEmpty());
        store.createTrustConfig(new MetadataStore.TrustConfig(1, "github", "foo", "Foo", "Acme", null, "Widget", "release.yml",
                null, "bob", T0), audit(AuditRecord.Action.TRUST_CONFIG_CREATED, "bob", "Foo", null, T0.plusSeconds(6)));
        assertTrue(store.deleteTrustConfig(1, audit(AuditRecord.Action.TRUST_CONFIG_DELETED, "bob", "Foo", null,
                T0.plusSeconds(7))));
        assertFalse(store.deleteTrustConfig(1, audit(AuditRecord.Action.TRUST_CONFIG_DELETED, "bob", "Foo", null,
                T0.plusSeconds(8))), "already gone: no second record");

        assertEquals(List.of("trustpub.config_deleted bob Foo null", "trustpub.config_created bob Foo null",
                "user.deleted root null null", "user.enabled root null null", "user.disabled root null null"), actions(all()));
        assertEquals(List.of("trustpub.config_deleted bob Foo null", "trustpub.config_created bob Foo null"),
                actions(new AuditQuery("foo", null, null, null, null, 100, null)));
        AuditRecord read = store.auditTrail(new AuditQuery(null, null, null, "user.disabled", null, 10, null)).records().get(0);
        assertEquals(disabled, read, "every field comes back, the token's name and the CI run included");
    }

    @Test
    void the_audit_trail_filters_by_crate_user_action_version_and_time_and_pages_newest_first() throws Exception {
        publish("foo", "1.0.0", "alice");
        for (int i = 0; i < 5; i++) {
            store.commitYank(new MetadataStore.YankCommit("foo", "1.0.0", i % 2 == 0, 1 + i, "alice", summary("1.0.0"), T0),
                    audit(i % 2 == 0 ? AuditRecord.Action.CRATE_YANKED : AuditRecord.Action.CRATE_UNYANKED,
                            i < 3 ? "alice" : "bob", "foo", "1.0.0", T0.plusSeconds(i)));
        }
        Unaudited.of(store).createUser("bob", "Bob", false, T0).orElseThrow();
        assertTrue(store.createToken(token("aa", 1, "bob"), audit(AuditRecord.Action.TOKEN_CREATED, "bob", null, null, T0.plusSeconds(9))));

        assertEquals(5, actions(new AuditQuery("foo", null, null, null, null, 100, null)).size());
        assertEquals(3, actions(new AuditQuery(null, null, "bob", null, null, 100, null)).size());
        assertEquals(2, actions(new AuditQuery("foo", null, "bob", null, null, 100, null)).size());
        assertEquals(3, actions(new AuditQuery("foo", null, null, "crate.yanked", null, 100, null)).size());
        assertEquals(3, actions(new AuditQuery(null, null, null, null, T0.plusSeconds(3), 100, null)).size());
        assertEquals(5, actions(new AuditQuery("foo", "1.0.0", null, null, null, 100, null)).size());
        assertEquals(0, actions(new AuditQuery("foo", "2.0.0", null, null, null, 100, null)).size());
        assertEquals(0, actions(new AuditQuery("bar", null, null, null, null, 100, null)).size());

        // pages of 2: newest first, each continuing where the last ended, the last without a cursor
        List<AuditRecord> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            AuditPage page = store.auditTrail(new AuditQuery("foo", null, null, null, T0.plusSeconds(1), 2, cursor));
            seen.addAll(page.records());
            cursor = page.cursor();
            pages++;
        } while (cursor != null);
        assertEquals(List.of(T0.plusSeconds(4), T0.plusSeconds(3), T0.plusSeconds(2), T0.plusSeconds(1)),
                seen.stream().map(AuditRecord::at).toList());
        assertEquals(2, pages);
    }

    // ---- owned crates --------------------------------------------------------------------------------------------------

    @Test
    void a_users_crates_follow_creation_owner_changes_and_removal() throws Exception {
        Unaudited.of(store).commitPublish(new PublishCommit("foo", "Foo", 0, 0, "alice", version("foo", "1.0.0", 1), summary("1.0.0"), T0));
        publish("bar", "1.0.0", "alice");
        publish("foo", "1.1.0", "alice");
        assertEquals(Map.of("foo", "Foo", "bar", "bar"), store.ownedCrates("alice"));
        assertEquals(Map.of(), store.ownedCrates("bob"));

        Unaudited.of(store).commitOwners(new MetadataStore.OwnersCommit("foo", 2, Set.of("alice", "bob"), T0));
        assertThrows(CommitConflict.class, () -> Unaudited.of(store).commitOwners(new MetadataStore.OwnersCommit("bar", 7, Set.of("bob"), T0)));
        assertEquals(Map.of("foo", "Foo"), store.ownedCrates("bob"));
        Unaudited.of(store).commitOwners(new MetadataStore.OwnersCommit("foo", 3, Set.of("bob"), T0));
        assertEquals(Map.of("bar", "bar"), store.ownedCrates("alice"));

        remove("foo", "1.1.0");
        assertEquals(Map.of("foo", "Foo"), store.ownedCrates("bob"), "a version's removal leaves the crate owned");
        remove("foo", "1.0.0");
        assertEquals(Map.of(), store.ownedCrates("bob"), "the crate's removal forgets it");

        store.recordOwnership("bar");
        store.recordOwnership("gone");
        assertEquals(Map.of("bar", "bar"), store.ownedCrates("alice"));
    }

    // ---- download counts -----------------------------------------------------------------------------------------------

    private static MetadataStore.DownloadCount dl(String crate, String version, String day, long n) {
        return new MetadataStore.DownloadCount(crate, version, LocalDate.parse(day), n);
    }

    @Test
    void aChunkOfDownloadsIsAddedOnceAndReadAsTotalsAndPerDay() {
        List<MetadataStore.DownloadCount> chunk = List.of(dl("foo", "1.0.0", "2025-05-31", 3), dl("foo", "1.0.0", "2025-06-01", 2),
                dl("foo", "1.1.0-rc.1", "2025-06-01", 5), dl("bar", "0.1.0", "2025-06-01", 7));
        assertTrue(store.addDownloads("cdn-logs/E1.2025-06-01-12.a.gz", 0, chunk, T0));
        assertFalse(store.addDownloads("cdn-logs/E1.2025-06-01-12.a.gz", 0, chunk, T0), "the same chunk twice counts once");
        assertTrue(store.addDownloads("cdn-logs/E1.2025-06-01-12.a.gz", 1, List.of(dl("foo", "1.0.0", "2025-06-01", 1)), T0));

        MetadataStore.DownloadTotals foo = store.downloadTotals("foo");
        assertEquals(11, foo.total());
        assertEquals(Map.of("1.0.0", 6L, "1.1.0-rc.1", 5L), foo.byVersion());
        assertEquals(7, store.downloadTotals("bar").total());
        assertEquals(new MetadataStore.DownloadTotals(0, Map.of()), store.downloadTotals("none"));
        assertEquals(Map.of(LocalDate.parse("2025-05-31"), 3L, LocalDate.parse("2025-06-01"), 8L),
                store.dailyDownloads("foo", LocalDate.parse("2025-03-01"), LocalDate.parse("2025-06-01")));
        assertEquals(Map.of(LocalDate.parse("2025-06-01"), 8L),
                store.dailyDownloads("foo", LocalDate.parse("2025-06-01"), LocalDate.parse("2025-06-30")));
        List<MetadataStore.DownloadCount> perDay = new ArrayList<>(store.versionDailyDownloads("foo",
                LocalDate.parse("2025-06-01"), LocalDate.parse("2025-06-01")));
        perDay.sort(Comparator.comparing(MetadataStore.DownloadCount::versionWithoutBuild));
        assertEquals(List.of(dl("foo", "1.0.0", "2025-06-01", 3), dl("foo", "1.1.0-rc.1", "2025-06-01", 5)), perDay);
    }

    @Test
    void countedDownloadsReachSearchsChangeFeedWithoutTouchingTheCrate() throws Exception {
        publish("foo", "1.0.0", "alice");
        SearchSource search = searchSourceOf(store);
        assertTrue(search.loadAll().stream().noneMatch(SearchSource.Entry::isCounts), "nothing counted yet");
        long revision = revision("foo");

        assertTrue(store.addDownloads("log-a", 0, List.of(dl("foo", "1.0.0", "2025-06-01", 3)), T0));
        store.setRecentDownloads("foo", 3, T0.plusSeconds(60));
        store.setRecentDownloads("foo", 99, T0.plusSeconds(50));

        List<SearchSource.Entry> changed = search.changedSince(T0.plusSeconds(30));
        assertEquals(List.of(SearchSource.Entry.counts("foo", new SearchSource.Downloads(3, 3), T0.plusSeconds(60))), changed,
                "the counts as counted last (an older sum stored late changes nothing); the crate itself did not change");
        CrateRecord foo = store.findCrate("foo").orElseThrow();
        assertEquals(revision, foo.revision(), "counting is not a change of the crate");
        assertEquals(T0, foo.updatedAt());

        // a revision-guarded publish after counting neither fails nor loses the counts
        publish("foo", "1.1.0", "alice");
        assertTrue(store.addDownloads("log-b", 0, List.of(dl("foo", "1.1.0", "2025-06-01", 2)), T0));
        List<SearchSource.Entry> all = search.loadAll();
        assertEquals(List.of(new SearchSource.Downloads(5, 3)),
                all.stream().filter(SearchSource.Entry::isCounts).map(SearchSource.Entry::downloads).toList(),
                "the total is current; the 90-day sum is the one last stored");
        assertEquals(1, all.stream().filter(e -> "foo".equals(e.canonicalName()) && e.summary() != null).count());
    }

    @Test
    void paging_the_search_data_gives_every_entry_and_goes_on_from_each_cursor() throws Exception {
        for (int i = 0; i < 40; i++) {
            publish("crate" + i, "1.0.0", "alice");
        }
        publish("gone", "1.0.0", "alice");
        remove("gone", "1.0.0");
        store.setRecentDownloads("crate7", 3, T0.plusSeconds(60));
        SearchSource search = searchSourceOf(store);
        List<SearchSource.Entry> all = search.loadAll();

        List<SearchSource.Entry> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        String changed = null;
        int walkedWhenChanged = 0;
        do {
            SearchSource.Page page = search.page(cursor, 7);
            // about a limit's worth (a source may keep a crate's entries together: one more here at most)
            assertTrue(page.entries().size() <= 8, "a page of " + page.entries().size());
            walked.addAll(page.entries());
            // an entry not walked yet that changes during the walk (it moves, in DynamoDB) still comes
            if (pages == 2) {
                Set<String> seenSoFar = new HashSet<>();
                walked.forEach(e -> seenSoFar.add(e.canonicalName()));
                changed = all.stream().map(SearchSource.Entry::canonicalName)
                        .filter(n -> n.startsWith("crate") && !seenSoFar.contains(n)).findFirst().orElseThrow();
                publish(changed, "1.1.0", "alice");
                walkedWhenChanged = walked.size();
            }
            cursor = page.next();
            assertTrue(++pages < 100, "the walk ends");
        } while (cursor != null);
        String changedName = changed;
        assertTrue(walked.subList(walkedWhenChanged, walked.size()).stream()
                .anyMatch(e -> e.canonicalName().equals(changedName)), changedName + " changed ahead of the walk and came");

        assertTrue(pages >= 6, "in pages: " + pages);
        Set<String> before = new HashSet<>();
        all.forEach(e -> before.add(e.canonicalName() + (e.removed() ? " removed" : e.isCounts() ? " counts" : "")));
        Set<String> seen = new HashSet<>();
        walked.forEach(e -> seen.add(e.canonicalName() + (e.removed() ? " removed" : e.isCounts() ? " counts" : "")));
        assertEquals(before, seen, "every entry there when the walk started");
        assertTrue(seen.containsAll(Set.of("gone removed", "crate7 counts", "crate39")), seen.toString());
    }

    @Test
    void a_walk_that_stops_after_any_entry_goes_on_with_the_next_and_sees_each_entry_once() throws Exception {
        for (int i = 0; i < 23; i++) {
            publish("crate" + i, "1.0.0", "alice");
        }
        store.setRecentDownloads("crate3", 3, T0.plusSeconds(60));
        SearchSource search = searchSourceOf(store);
        List<String> expected = new ArrayList<>();
        search.loadAll().forEach(e -> expected.add(key(e)));

        // stop after the first entry of every page that can go on from there (what a reindex past its time does)
        List<String> walked = new ArrayList<>();
        String cursor = null;
        int stops = 0;
        int pages = 0;
        do {
            SearchSource.Page page = search.page(cursor, 5);
            assertEquals(page.entries().size(), page.after().size(), "a cursor slot per entry");
            if (!page.entries().isEmpty()) {
                assertEquals(page.next(), page.after().get(page.entries().size() - 1), "after the last entry: next");
            }
            int upTo = page.entries().size();
            for (int i = 0; i + 1 < page.entries().size(); i++) {
                if (page.after().get(i) != null) {
                    upTo = i + 1;
                    break;
                }
            }
            page.entries().subList(0, upTo).forEach(e -> walked.add(key(e)));
            if (upTo < page.entries().size()) {
                stops++;
                cursor = page.after().get(upTo - 1);
                assertEquals(key(page.entries().get(upTo)), key(search.page(cursor, 1).entries().get(0)),
                        "going on after entry " + (upTo - 1) + " gives the next entry");
            } else {
                cursor = page.next();
            }
            assertTrue(++pages < 200, "the walk ends");
        } while (cursor != null);

        assertTrue(stops >= 5, "stopped mid-page " + stops + " times");
        List<String> sortedWalk = new ArrayList<>(walked);
        sortedWalk.sort(Comparator.naturalOrder());
        expected.sort(Comparator.naturalOrder());
        assertEquals(expected, sortedWalk, "each entry once, none skipped");
    }

    private static String key(SearchSource.Entry e) {
        return e.canonicalName() + (e.removed() ? " removed" : e.isCounts() ? " counts" : "");
    }

    @Test
    void reverse_dependencies_of_many_versions_are_recorded_in_one_call() {
        List<MetadataStore.DependencyEdge> edges = new ArrayList<>();
        for (int v = 0; v < 40; v++) {
            // more than one batch of 25 (DynamoDB's BatchWriteItem), over many versions and three dependencies
            for (String dep : List.of("serde", "log", "rand")) {
                edges.add(new MetadataStore.DependencyEdge(dep, "app", "1.0." + v, v + 1, edges.size() % 3,
                        "{\"name\":\"" + dep + "\",\"req\":\"^1\"}"));
            }
        }
        store.recordDependents(edges);
        store.recordDependents(edges.subList(0, 30));

        for (String dep : List.of("serde", "log", "rand")) {
            List<MetadataStore.DependencyEdge> got = new ArrayList<>(store.dependents(dep));
            got.sort(Comparator.comparingLong(MetadataStore.DependencyEdge::dependentSeq));
            assertEquals(edges.stream().filter(e -> e.dependencyCanonical().equals(dep)).toList(), got,
                    "every edge towards " + dep + " once (recording again is idempotent)");
        }
        assertEquals(List.of(), store.dependents("app"));
    }

    @Test
    void aFullChunkFitsOneTransaction() {
        List<MetadataStore.DownloadCount> chunk = new ArrayList<>();
        for (int i = 0; i < MetadataStore.MAX_DOWNLOAD_COUNTS_PER_CHUNK; i++) {
            // distinct crates, versions and days: the most items a chunk can touch
            chunk.add(dl("c" + i, "1.0." + i, "2025-06-" + String.format("%02d", i + 1), i + 1));
        }
        assertTrue(store.addDownloads("k", 0, chunk, T0));
        assertEquals(MetadataStore.MAX_DOWNLOAD_COUNTS_PER_CHUNK, store.downloadTotals("c23").total());
        assertEquals(Map.of("1.0.23", 24L), store.downloadTotals("c23").byVersion());
    }

    @Test
    void existingVersionsAreReadInBatches() throws CommitConflict {
        publish("foo", "1.0.0", "alice");
        publish("foo", "1.1.0+build", "alice");
        List<MetadataStore.VersionKey> asked = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            // more than one BatchGetItem's 100 keys
            asked.add(new MetadataStore.VersionKey("foo", "9.0." + i));
        }
        asked.add(new MetadataStore.VersionKey("foo", "1.0.0"));
        asked.add(new MetadataStore.VersionKey("foo", "1.1.0"));
        asked.add(new MetadataStore.VersionKey("bar", "1.0.0"));
        assertEquals(Set.of(new MetadataStore.VersionKey("foo", "1.0.0"), new MetadataStore.VersionKey("foo", "1.1.0")),
                store.existingVersions(asked));
        assertEquals(Set.of(), store.existingVersions(List.of()));
    }

    // ---- mirror policy -------------------------------------------------------------------------------------------------

    @Test
    void mirror_policy_entries_are_put_replaced_listed_and_deleted_each_with_its_audit_record() {
        MirrorPolicyEntry rule = new MirrorPolicyEntry(MirrorPolicyEntry.RULE, "old-openssl", "deny", "openssl_sys", "<0.9.80",
                "CVE-2023-0286", "admin", T0);
        MirrorPolicyEntry reserved = new MirrorPolicyEntry(MirrorPolicyEntry.RESERVED, "acme_*", null, null, null, null, "admin", T0);
        store.putMirrorPolicy(rule, AuditRecord.of(AuditRecord.Action.MIRROR_POLICY_SET, "admin", 1, null, null, "rule old-openssl", T0));
        store.putMirrorPolicy(reserved, AuditRecord.of(AuditRecord.Action.MIRROR_POLICY_SET, "admin", 1, null, null, "reserved acme_*", T0.plusSeconds(1)));
        assertEquals(Set.of(rule, reserved), Set.copyOf(store.mirrorPolicy()));

        MirrorPolicyEntry changed = new MirrorPolicyEntry(MirrorPolicyEntry.RULE, "old-openssl", "deny", "openssl_sys", null,
                "every version", "bob", T0.plusSeconds(1));
        store.putMirrorPolicy(changed, null);
        assertEquals(Set.of(changed, reserved), Set.copyOf(store.mirrorPolicy()), "the same kind and key is replaced");

        assertTrue(store.deleteMirrorPolicy(MirrorPolicyEntry.RULE, "old-openssl",
                AuditRecord.of(AuditRecord.Action.MIRROR_POLICY_REMOVED, "admin", 1, null, null, "rule old-openssl", T0.plusSeconds(2))));
        assertFalse(store.deleteMirrorPolicy(MirrorPolicyEntry.RULE, "old-openssl",
                AuditRecord.of(AuditRecord.Action.MIRROR_POLICY_REMOVED, "admin", 1, null, null, "again", T0)));
        assertFalse(store.deleteMirrorPolicy(MirrorPolicyEntry.ALLOWED, "acme_*", null), "kinds are separate");
        assertEquals(List.of(reserved), store.mirrorPolicy());
        assertEquals(List.of("mirror.policy.removed admin null null", "mirror.policy.set admin null null",
                "mirror.policy.set admin null null"), actions(all()), "one record per change, none for a no-op delete");
    }
}

