package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReindexServiceTest {
    private FakeRegistry r;
    private ReindexService reindex;
    private Principal root;
    /** The crates whose versions a store of {@link #timedStore} was asked for, once per read. */
    private final List<String> versionReads = new ArrayList<>();

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice").admin("root");
        reindex = r.services.reindex();
        root = r.as("root");
        r.publish("alice", "foo", "1.0.0");
        r.publish("alice", "foo", "1.1.0");
        r.publish("alice", "bar", "0.1.0");
        r.publish("alice", "baz", "2.0.0");
    }

    private void damage(String name) {
        String key = IndexPaths.keyOf(name);
        long revision = r.store.findCrate(name).orElseThrow().revision();
        r.blobs.seed(key, "garbage\n".getBytes(StandardCharsets.UTF_8), new BlobStore.Attributes("text/plain", "x",
                Map.of(IndexSync.REVISION_METADATA, Long.toString(revision))), FakeRegistry.START);
    }

    @Test
    void rebuilds_lost_and_damaged_index_files_from_the_truth() {
        List<String> fooBefore = r.indexVersions("foo");
        r.blobs.delete(IndexPaths.keyOf("foo"));
        r.blobs.delete(IndexPaths.CONFIG_KEY);
        damage("bar");

        ReindexReport out = reindex.reindex(root);

        assertEquals(true, out.ok());
        assertEquals(3, out.rebuilt());
        assertEquals(0, out.failed());
        assertEquals(fooBefore, r.indexVersions("foo"));
        assertEquals(List.of("0.1.0"), r.indexVersions("bar"), "rewritten although its label said current");
        assertEquals(List.of("2.0.0"), r.indexVersions("baz"));
        assertTrue(r.blobs.get(IndexPaths.CONFIG_KEY).isPresent(), "config.json too");
        assertTrue(r.cdn.paths().contains("/index/*"), r.cdn.paths().toString());
    }

    @Test
    void invalidates_the_index_once_with_a_wildcard_not_once_per_crate() {
        for (int i = 0; i < 30; i++) {
            r.publish("alice", "many" + i, "1.0.0");
        }
        int before = r.cdn.paths().size();

        assertEquals(33, reindex.reindex(root).rebuilt());

        List<String> sent = r.cdn.paths().subList(before, r.cdn.paths().size());
        assertEquals(List.of("/index/*"), sent.stream().filter(p -> !p.equals("/index/config.json")).toList(),
                "one wildcard path whatever the number of crates: " + sent);
    }

    @Test
    void removed_crates_get_no_index_file_back() {
        new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock).removeCrate(root, "baz");

        ReindexReport out = reindex.reindex(root);

        assertEquals(2, out.rebuilt());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty(), "no file comes back for a removed crate");
    }

    // ---- finishing interrupted removals (finding H2) ------------------------------------------------------------------

    /** A removal whose commit went through and whose process died before anything else. */
    private void crashRightAfterTheCommit(Runnable removal) {
        r.blobs.failWritesTo(k -> k.startsWith("index/"));
        r.blobs.failDeletesTo(k -> true);
        assertEquals(503, assertThrows(RegistryException.class, removal::run).status());
        r.blobs.failWritesTo(k -> false);
        r.blobs.failDeletesTo(k -> false);
    }

    @Test
    void reindex_finishes_an_interrupted_version_removal() {
        RemovalService removal = new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock);
        crashRightAfterTheCommit(() -> removal.removeVersion(root, "foo", "1.0.0"));

        ReindexReport out = reindex.reindex(root);

        assertEquals(true, out.ok());
        assertEquals(1, out.cleaned());
        assertTrue(r.blobs.get("crates/foo/foo-1.0.0.crate").isEmpty());
        assertEquals(List.of("1.1.0"), r.indexVersions("foo"));
        assertTrue(r.store.pendingRemovals("foo").isEmpty());
        assertTrue(r.cdn.paths().contains("/crates/foo/foo-1.0.0.crate"), r.cdn.paths().toString());
    }

    @Test
    void reindex_deletes_the_files_of_a_crate_whose_removal_was_interrupted() {
        RemovalService removal = new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock);
        crashRightAfterTheCommit(() -> removal.removeCrate(root, "baz"));

        ReindexReport out = reindex.reindex(root);

        assertEquals(true, out.ok());
        assertEquals(2, out.rebuilt());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty(), "a file with no crate is deleted");
        assertTrue(r.blobs.get("crates/baz/baz-2.0.0.crate").isEmpty());
        assertEquals(List.of("/crates/baz/baz-2.0.0.crate", "/crates/baz/baz-2.0.0.readme.html", "/crates/baz/baz-2.0.0.readme", "/index/*"), r.cdn.paths(),
                "the removed tarball and its rendered readme, then one wildcard for the index files");
    }

    @Test
    void reindex_deletes_what_unrecorded_removals_left_behind() {
        // what removals left before they kept a record: the truth lost the version, every file stayed
        forgetWithoutCleanup("foo", "1.0.0");
        forgetWithoutCleanup("baz", "2.0.0");

        ReindexReport out = reindex.reindex(root);

        assertEquals(2, out.cleaned());
        assertTrue(r.blobs.get("crates/foo/foo-1.0.0.crate").isEmpty());
        assertTrue(r.blobs.get("crates/foo/foo-1.1.0.crate").isPresent(), "what the truth has stays");
        assertEquals(List.of("1.1.0"), r.indexVersions("foo"));
        assertTrue(r.blobs.get("crates/baz/baz-2.0.0.crate").isEmpty());
        assertTrue(r.blobs.get(IndexPaths.keyOf("baz")).isEmpty());
    }

    private void forgetWithoutCleanup(String canonical, String version) {
        var crate = r.store.findCrate(canonical).orElseThrow();
        boolean last = r.store.listVersions(canonical).size() == 1;
        try {
            Unaudited.of(r.store).commitRemoval(new MetadataStore.RemovalCommit(canonical, crate.name(), version, version,
                    crate.revision(), last ? null : crate.summary(), r.clock.instant()));
        } catch (MetadataStore.CommitConflict e) {
            throw new AssertionError(e);
        }
        r.store.finishRemoval(canonical, version, r.clock.instant());
    }

    @Test
    void reindex_replaces_an_index_file_labelled_above_its_crates_revision() {
        // left by a removed crate of the same name, before revisions survived removal
        r.blobs.seed(IndexPaths.keyOf("bar"), "{\"name\":\"bar\",\"vers\":\"0.0.9\"}\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/plain", "x", Map.of(IndexSync.REVISION_METADATA, "99")), FakeRegistry.START);

        reindex.reindex(root);

        assertEquals(List.of("0.1.0"), r.indexVersions("bar"));
        assertEquals(Long.toString(r.store.findCrate("bar").orElseThrow().revision()),
                r.blobs.head(IndexPaths.keyOf("bar")).orElseThrow().metadata().get(IndexSync.REVISION_METADATA));
    }

    @Test
    void a_failing_crate_is_counted_and_the_others_are_still_rebuilt() {
        damage("foo");
        damage("baz");
        r.blobs.failWritesTo(k -> k.equals(IndexPaths.keyOf("foo")));

        ReindexReport out = reindex.reindex(root);

        assertEquals(false, out.ok());
        assertEquals(1, out.failed());
        assertEquals(2, out.rebuilt());
        assertEquals(List.of("2.0.0"), r.indexVersions("baz"));
    }

    @Test
    void only_admins_may_reindex_and_a_refusal_writes_nothing() {
        List<String> writes = r.blobs.writes();
        Principal scopedAdmin = r.as("root", EnumSet.of(Scope.PUBLISH_NEW), null);

        for (Principal p : List.of(r.as("alice"), scopedAdmin, Principal.anonymous(null, false))) {
            assertEquals(403, assertThrows(RegistryException.class, () -> reindex.reindex(p)).status());
        }
        assertEquals(writes, r.blobs.writes());
    }

    @Test
    void an_admin_token_with_the_admin_scope_may_reindex() {
        assertEquals(true, reindex.reindex(r.as("root", EnumSet.of(Scope.ADMIN), null)).ok());
    }

    /** The store's search data, with what a test adds; each page taken advances the clock by {@code perPage}. */
    private SearchSource source(Duration perPage, List<SearchSource.Entry> extra, List<String> cursors) {
        SearchSource data = InMemorySearchSource.of(r.store);
        return new SearchSource() {
            @Override
            public List<Entry> loadAll() {
                List<Entry> all = new ArrayList<>(data.loadAll());
                all.addAll(extra);
                return all;
            }

            @Override
            public List<Entry> changedSince(Instant since) {
                throw new AssertionError("a reindex never asks what changed");
            }

            @Override
            public Page page(String cursor, int limit) {
                cursors.add(String.valueOf(cursor));
                r.clock.advance(perPage);
                return SearchSource.super.page(cursor, limit);
            }
        };
    }

    /** Crates many000, many001, … of one version each, beside setUp's three. */
    private void publishMany(int n) {
        for (int i = 0; i < n; i++) {
            r.publish("alice", String.format("many%03d", i), "1.0.0");
        }
    }

    /** A reindex over {@code source} whose crates cost {@code perCrate} each and are noted in {@code done}. */
    private ReindexService timed(SearchSource source, Duration perCrate, List<String> done) {
        return new ReindexService(source, timedStore(perCrate, done, new ArrayList<>()), r.blobs, r.index, r.cdn, r.clock);
    }

    /**
     * The store, with each crate's reindex costing {@code perCrate} of the clock (at its ownership check, once per live
     * crate), and what the reindex asked for: crates in order, and each call of recordDependents with its edges.
     */
    private MetadataStore timedStore(Duration perCrate, List<String> crates, List<List<MetadataStore.DependencyEdge>> dependents) {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("listVersions")) {
                        versionReads.add((String) args[0]);
                    }
                    if (method.getName().equals("recordOwnership")) {
                        crates.add((String) args[0]);
                        r.clock.advance(perCrate);
                    } else if (method.getName().equals("recordDependents")) {
                        @SuppressWarnings("unchecked")
                        List<MetadataStore.DependencyEdge> edges = (List<MetadataStore.DependencyEdge>) args[0];
                        dependents.add(List.copyOf(edges));
                    }
                    try {
                        return method.invoke(r.store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void an_api_request_stops_after_the_crate_that_ends_past_its_time_and_answers_where_to_go_on() {
        publishMany(120);
        for (String name : List.of("bar", "many000", "many060", "many119")) {
            damage(name);
        }
        r.blobs.delete(IndexPaths.CONFIG_KEY);
        List<String> done = new ArrayList<>();
        // a crate costs 1 s here: a request of 20 s does 20 crates, whatever the page size (25) says
        ReindexService timed = timed(source(Duration.ZERO, List.of(), new ArrayList<>()), Duration.ofSeconds(1), done);
        int cdnBefore = r.cdn.paths().size();

        ReindexReport first = timed.reindex(root, null, r.clock.instant());
        assertNotNull(first.next(), "more to do");
        assertEquals(20, first.rebuilt());
        assertEquals(20, done.size());
        assertTrue(r.blobs.get(IndexPaths.CONFIG_KEY).isPresent(), "config.json by the first request");
        assertFalse(r.cdn.paths().subList(cdnBefore, r.cdn.paths().size()).contains("/index/*"),
                "the wildcard waits for the walk's end");

        int rebuilt = first.rebuilt();
        String next = first.next();
        int requests = 1;
        while (next != null) {
            ReindexReport more = timed.reindex(root, next, r.clock.instant());
            assertTrue(more.ok());
            rebuilt += more.rebuilt();
            next = more.next();
            requests++;
        }
        assertEquals(7, requests, "123 crates, 20 a request");
        assertEquals(123, rebuilt);
        List<String> sorted = new ArrayList<>(done);
        sorted.sort(Comparator.naturalOrder());
        assertEquals(sorted, done, "in order");
        assertEquals(123, new HashSet<>(done).size(), "every crate once, none skipped, none twice: " + done);
        for (String name : List.of("bar", "many000", "many060", "many119")) {
            assertEquals(List.of(name.equals("bar") ? "0.1.0" : "1.0.0"), r.indexVersions(name), name);
        }
        assertEquals(List.of("/index/*"), r.cdn.paths().subList(cdnBefore, r.cdn.paths().size()).stream()
                .filter(p -> p.equals("/index/*")).toList(), "one wildcard, at the end of the walk");
    }

    @Test
    void a_request_counts_its_time_from_when_api_gateway_received_it() {
        publishMany(30);
        List<String> done = new ArrayList<>();
        ReindexService timed = timed(source(Duration.ZERO, List.of(), new ArrayList<>()), Duration.ofSeconds(1), done);

        // a cold start took 15 s of the request's 20 before the service was called
        ReindexReport late = timed.reindex(root, null, r.clock.instant().minusSeconds(15));
        assertEquals(5, late.rebuilt());
        // a time ahead of this clock (another machine's) counts as now
        ReindexReport ahead = timed.reindex(root, late.next(), r.clock.instant().plusSeconds(600));
        assertEquals(20, ahead.rebuilt());
        // and so does one from longer ago than API Gateway waits (a replayed event)
        ReindexReport replayed = timed.reindex(root, ahead.next(), r.clock.instant().minusSeconds(31));
        assertEquals(8, replayed.rebuilt());
        assertNull(replayed.next());
        assertEquals(33, new HashSet<>(done).size());
    }

    @Test
    void a_crate_with_a_long_history_records_its_reverse_dependencies_in_one_call() {
        for (int v = 0; v < 60; v++) {
            r.clock.advance(Duration.ofMinutes(1));
            byte[] body = PublishBodyBuilder.of("heavy", "1.0." + v)
                    .dep(PublishBodyBuilder.dep("foo", "^1")).dep(PublishBodyBuilder.dep("bar", "^0.1"))
                    .body();
            r.publisher.publish(r.as("alice"), body);
        }
        List<List<MetadataStore.DependencyEdge>> calls = new ArrayList<>();
        MetadataStore counted = timedStore(Duration.ZERO, new ArrayList<>(), calls);
        // the index file rendered through the counting store too, so every read of the versions is seen
        ReindexService counting = new ReindexService(source(Duration.ZERO, List.of(), new ArrayList<>()), counted,
                r.blobs, new IndexSync(counted, r.blobs, r.config), r.cdn, r.clock);

        assertEquals(4, counting.reindex(root).rebuilt());

        assertEquals(4, calls.size(), "one call per crate, not one per version");
        List<MetadataStore.DependencyEdge> heavy = calls.stream().filter(c -> !c.isEmpty()
                && c.get(0).dependentCanonical().equals("heavy")).findFirst().orElseThrow();
        assertEquals(120, heavy.size(), "60 versions, two dependencies each");
        assertEquals(60, r.store.dependents("foo").size());
        assertEquals(2, versionReads.stream().filter("heavy"::equals).count(),
                "its versions read twice (the removal cleanup's, the index file's, which the reverse dependencies reuse): "
                        + versionReads);
    }

    /** The store's search data, with {@code name}'s summary saying it has {@code versions} versions. */
    private SearchSource withVersionCount(String name, long versions) {
        SearchSource data = InMemorySearchSource.of(r.store);
        return new SearchSource() {
            @Override
            public List<Entry> loadAll() {
                return data.loadAll().stream().map(e -> !e.canonicalName().equals(name) || e.summary() == null ? e
                        : new Entry(e.canonicalName(), e.name(), withNumVersions(e.summary(), versions), e.createdAt(),
                        e.updatedAt(), e.removed(), e.downloads())).toList();
            }

            @Override
            public List<Entry> changedSince(Instant since) {
                throw new AssertionError("a reindex never asks what changed");
            }
        };
    }

    private static CrateSummary withNumVersions(CrateSummary s, long n) {
        return new CrateSummary(s.description(), s.homepage(), s.documentation(), s.repository(), s.keywords(),
                s.categories(), s.maxVersion(), s.maxStableVersion(), s.newestVersion(), n, s.allYanked());
    }

    @Test
    void a_crate_with_a_long_history_begins_only_as_a_requests_first() {
        publishMany(30);
        List<String> done = new ArrayList<>();
        ReindexService timed = timed(withVersionCount("many010", ReindexService.HEAVY_VERSIONS + 1),
                Duration.ofSeconds(1), done);

        // bar, baz, foo, many000..many009: 13 s of 20, then the heavy crate waits for a request of its own
        ReindexReport first = timed.reindex(root, null, r.clock.instant());
        assertEquals(13, first.rebuilt());
        assertNotNull(first.next());
        ReindexReport second = timed.reindex(root, first.next(), r.clock.instant());
        assertEquals("many010", done.get(13), "the next request begins with it: " + done);
        assertEquals(20, second.rebuilt(), "many010 to many029");
        assertNull(second.next());
        assertEquals(33, done.size());
        assertEquals(33, new HashSet<>(done).size(), "every crate once: " + done);

        // the whole walk in one call (the local runner) has no requests to split
        done.clear();
        assertEquals(33, timed.reindex(root).rebuilt());
    }

    @Test
    void a_crate_with_a_long_history_first_in_a_later_page_waits_for_the_next_request() {
        publishMany(30);
        List<String> done = new ArrayList<>();
        // bar, baz, foo, many000..many021 fill the first page of 25: many022 begins the second
        ReindexService timed = timed(withVersionCount("many022", ReindexService.HEAVY_VERSIONS + 1),
                Duration.ofMillis(500), done);

        ReindexReport first = timed.reindex(root, null, r.clock.instant());
        assertEquals(ReindexService.PAGE, first.rebuilt(), "12.5 s for the first page, then it stops before many022");
        timed.reindex(root, first.next(), r.clock.instant());
        assertEquals("many022", done.get(ReindexService.PAGE), done.toString());
        assertEquals(33, new HashSet<>(done).size());
    }

    @Test
    void a_crate_removed_after_its_page_was_read_is_not_counted() {
        MetadataStore store = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("findCrate") && "baz".equals(args[0])) {
                        return Optional.empty();
                    }
                    try {
                        return method.invoke(r.store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ReindexService service = new ReindexService(InMemorySearchSource.of(r.store), store, r.blobs,
                new IndexSync(store, r.blobs, r.config), r.cdn, r.clock);

        ReindexReport out = service.reindex(root);

        assertEquals(2, out.rebuilt(), out.toString());
        assertEquals(0, out.failed(), out.toString());
    }

    @Test
    void a_page_after_the_callers_cursor_that_fails_is_not_answered_as_a_bad_cursor() {
        SearchSource data = InMemorySearchSource.of(r.store);
        AtomicInteger pages = new AtomicInteger();
        SearchSource failsSecond = new SearchSource() {
            @Override
            public List<Entry> loadAll() {
                return data.loadAll();
            }

            @Override
            public List<Entry> changedSince(Instant since) {
                throw new AssertionError();
            }

            @Override
            public Page page(String cursor, int limit) {
                if (pages.incrementAndGet() > 1) {
                    throw new IllegalArgumentException("an item this source cannot read");
                }
                return SearchSource.super.page(cursor, 1);
            }
        };
        ReindexService service = new ReindexService(failsSecond, r.store, r.blobs, r.index, r.cdn, r.clock);

        assertThrows(IllegalArgumentException.class, () -> service.reindex(root, "bar", r.clock.instant()));
    }

    @Test
    void a_request_past_its_time_stops_only_where_the_walk_can_go_on() {
        publishMany(8);
        // a crate's counts and a tombstone beside its live record: the in-memory source cannot resume between them
        Instant t = r.clock.instant();
        List<SearchSource.Entry> extra = List.of(
                SearchSource.Entry.counts("many002", new SearchSource.Downloads(4, 1), t),
                new SearchSource.Entry("many005", "many005", null, null, t, true));
        List<String> done = new ArrayList<>();
        ReindexService timed = timed(source(Duration.ZERO, extra, new ArrayList<>()), Duration.ofSeconds(1), done);

        // received 25 s ago: every request is past its time after its first crate
        int requests = 0;
        int rebuilt = 0;
        String next = null;
        do {
            ReindexReport out = timed.reindex(root, next, r.clock.instant().minusSeconds(25));
            assertTrue(out.rebuilt() <= 1, "one crate a request: " + out);
            rebuilt += out.rebuilt();
            next = out.next();
            assertTrue(++requests < 50, "the walk ends");
        } while (next != null);

        assertEquals(11, rebuilt, "bar, baz, foo and 8 crates: none lost where a stop was not possible");
        assertEquals(11, new HashSet<>(done).size(), done.toString());
        assertEquals(11, requests);
    }

    @Test
    void a_request_within_its_time_does_the_whole_walk_and_answers_no_next() {
        List<String> cursors = new ArrayList<>();
        ReindexService paged = new ReindexService(source(Duration.ofSeconds(1), List.of(), cursors), r.store, r.blobs,
                r.index, r.cdn, r.clock);

        ReindexReport out = paged.reindex(root, null, null);

        assertNull(out.next());
        assertEquals(3, out.rebuilt());
    }

    @Test
    void download_counts_are_not_crates() {
        // counts outlive a removed crate, and come before or after their crate's own entry
        List<SearchSource.Entry> counts = List.of(
                SearchSource.Entry.counts("foo", new SearchSource.Downloads(5, 1), FakeRegistry.START),
                SearchSource.Entry.counts("gone", new SearchSource.Downloads(7, 0), FakeRegistry.START));
        ReindexService withCounts = new ReindexService(source(Duration.ZERO, counts, new ArrayList<>()), r.store, r.blobs,
                r.index, r.cdn, r.clock);

        ReindexReport out = withCounts.reindex(root);

        assertEquals(new ReindexReport(3, 0, 0, null), out);
        assertTrue(r.blobs.get(IndexPaths.keyOf("gone")).isEmpty());
    }

    @Test
    void a_cursor_the_source_does_not_know_is_a_400_and_changes_nothing() {
        SearchSource strict = new SearchSource() {
            @Override
            public List<Entry> loadAll() {
                return List.of();
            }

            @Override
            public List<Entry> changedSince(Instant since) {
                return List.of();
            }

            @Override
            public Page page(String cursor, int limit) {
                throw new IllegalArgumentException("not a cursor of this search index");
            }
        };
        List<String> writes = r.blobs.writes();
        ReindexService service = new ReindexService(strict, r.store, r.blobs, r.index, r.cdn, r.clock);

        RegistryException e = assertThrows(RegistryException.class, () -> service.reindex(root, "p1.0.forged", null));

        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("`after`"), e.getMessage());
        assertEquals(writes, r.blobs.writes());
    }
}
