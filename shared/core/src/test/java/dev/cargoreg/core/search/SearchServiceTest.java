package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.port.SearchSource.Entry;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchServiceTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration REFRESH = Duration.ofMinutes(1);

    private MutableClock clock;
    private InMemorySearchSource source;
    private SearchService search;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        source = new InMemorySearchSource();
        search = new SearchService(source, clock, REFRESH);
    }

    private static CrateSummary summary(String description, String maxVersion, String... keywords) {
        return new CrateSummary(description, null, null, null, List.of(keywords), List.of(), maxVersion, maxVersion,
                maxVersion, 1, false);
    }

    private static Entry crate(String name, String description, Instant created, Instant updated, String... keywords) {
        return new Entry(CrateName.canonical(name), name, summary(description, "1.0.0", keywords), created, updated, false);
    }

    private static Entry crate(String name, String description, String... keywords) {
        return crate(name, description, T0, T0, keywords);
    }

    private static Entry tombstone(String name, Instant at) {
        return new Entry(CrateName.canonical(name), name, null, null, at, true);
    }

    private Map<String, Object> query(String... kv) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], kv[i + 1]);
        }
        return search.search(params);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> crates(Map<String, Object> result) {
        return (List<Map<String, Object>>) result.get("crates");
    }

    private static List<String> names(Map<String, Object> result) {
        return crates(result).stream().map(c -> (String) c.get("name")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(Map<String, Object> result) {
        return (Map<String, Object>) result.get("meta");
    }

    private RegistryException refused(String... kv) {
        return assertThrows(RegistryException.class, () -> query(kv));
    }

    // ---- matching and order ---------------------------------------------------------------------------------------

    @Test
    void an_exact_name_match_comes_first_and_is_flagged() {
        source.add(crate("serde_json", "JSON for serde"))
                .add(crate("my-serde", "a serde helper"))
                .add(crate("serde", "serialization framework"))
                .add(crate("serde-derive", "derive macros"));

        Map<String, Object> r = query("q", "serde");

        assertEquals("serde", names(r).get(0));
        assertEquals(true, crates(r).get(0).get("exact_match"));
        assertTrue(crates(r).stream().skip(1).allMatch(c -> Boolean.FALSE.equals(c.get("exact_match"))));
        assertEquals(4, meta(r).get("total"));
    }

    @Test
    void an_exact_match_comes_first_whatever_the_sort() {
        source.add(crate("aaa-serde", "x", T0.plusSeconds(30), T0.plusSeconds(30)))
                .add(crate("serde", "y", T0, T0))
                .add(crate("serde_json", "z", T0.plusSeconds(60), T0.plusSeconds(60)));

        source.add(counts("aaa-serde", 100, 100, T0)).add(counts("serde_json", 50, 50, T0));

        for (String sort : List.of("alpha", "alphabetical", "new", "recent-updates", "relevance", "downloads", "recent-downloads")) {
            assertEquals("serde", names(query("q", "serde", "sort", sort)).get(0), sort);
        }
    }

    @Test
    void the_exact_match_is_canonical() {
        source.add(crate("Foo_Bar", "x")).add(crate("foo-bar-baz", "y"));

        Map<String, Object> r = query("q", "foo-bar");

        assertEquals(List.of("Foo_Bar", "foo-bar-baz"), names(r));
        assertEquals(true, crates(r).get(0).get("exact_match"));
    }

    @Test
    void relevance_ranks_prefix_then_name_then_keywords_then_description() {
        source.add(crate("describes", "all about tokio runtimes"))
                .add(crate("kw", "nothing", "tokio"))
                .add(crate("my-tokio", "x"))
                .add(crate("tokio-util", "x"))
                .add(crate("unrelated", "x"));

        assertEquals(List.of("tokio-util", "my-tokio", "kw", "describes"), names(query("q", "tokio")));
    }

    @Test
    void every_term_must_match_somewhere() {
        source.add(crate("fastjson", "a fast parser"))
                .add(crate("slowjson", "a slow parser"))
                .add(crate("xml", "a fast parser"));

        assertEquals(List.of("fastjson"), names(query("q", "json fast")));
        assertEquals(List.of(), names(query("q", "yaml")));
    }

    @Test
    void an_empty_query_lists_everything() {
        source.add(crate("b", "x")).add(crate("a", "y")).add(crate("c", "z"));

        Map<String, Object> r = query("q", "");

        assertEquals(List.of("a", "b", "c"), names(r));
        assertEquals(3, meta(r).get("total"));
    }

    @Test
    void sort_new_and_recent_updates_order_by_their_times() {
        source.add(crate("old-but-updated", "x", T0, T0.plusSeconds(100)))
                .add(crate("newest", "x", T0.plusSeconds(50), T0.plusSeconds(50)))
                .add(crate("oldest", "x", T0.minusSeconds(10), T0.minusSeconds(10)));

        assertEquals(List.of("newest", "old-but-updated", "oldest"), names(query("sort", "new")));
        assertEquals(List.of("old-but-updated", "newest", "oldest"), names(query("sort", "recent-updates")));
        assertEquals(List.of("newest", "old-but-updated", "oldest"), names(query("sort", "alpha")));
    }

    private static Entry counts(String name, long total, long recent, Instant at) {
        return Entry.counts(CrateName.canonical(name), new SearchSource.Downloads(total, recent), at);
    }

    private static List<Object> field(Map<String, Object> result, String name) {
        return crates(result).stream().map(c -> c.get(name)).toList();
    }

    @Test
    void sort_downloads_and_recent_downloads_put_the_most_first_ties_by_name() {
        source.add(crate("zeta", "x")).add(crate("alpha", "x")).add(crate("mid", "x")).add(crate("never", "x"))
                .add(crate("beta", "x"))
                .add(counts("zeta", 500, 10, T0)).add(counts("alpha", 500, 30, T0)).add(counts("mid", 900, 0, T0))
                .add(counts("beta", 20, 30, T0));

        Map<String, Object> byTotal = query("sort", "downloads");
        assertEquals(List.of("mid", "alpha", "zeta", "beta", "never"), names(byTotal));
        assertEquals(List.of(900L, 500L, 500L, 20L, 0L), field(byTotal, "downloads"));
        Map<String, Object> byRecent = query("sort", "recent-downloads");
        assertEquals(List.of("alpha", "beta", "zeta", "mid", "never"), names(byRecent));
        assertEquals(List.of(30L, 30L, 10L, 0L, 0L), field(byRecent, "recent_downloads"));
        assertEquals(List.of("alpha", "beta"), names(query("sort", "Recent-Downloads", "per_page", "2")));
        assertEquals(List.of("zeta", "beta"), names(query("sort", "downloads", "per_page", "2", "page", "2")), "pages follow the order");
    }

    @Test
    void huge_counts_still_sort_above_small_ones_and_are_shown_exactly() {
        source.add(crate("b-huge", "x")).add(crate("a-small", "x")).add(crate("c-huger", "x"))
                .add(counts("b-huge", 1L << 45, 0, T0)).add(counts("a-small", 3, 0, T0)).add(counts("c-huger", Long.MAX_VALUE, 0, T0));

        Map<String, Object> r = query("sort", "downloads");

        // above 2^39 (5.5e11, a thousand times crates.io's most downloaded crate) counts sort as equal: then by name
        assertEquals(List.of("b-huge", "c-huger", "a-small"), names(r));
        assertEquals(List.of(1L << 45, Long.MAX_VALUE, 3L), field(r, "downloads"));
    }

    @Test
    void counts_arriving_later_show_without_changing_updated_at_and_an_older_count_never_replaces_a_newer() {
        source.add(counts("serde", 7, 7, T0.minusSeconds(5))).add(crate("serde", "x"));
        assertEquals(List.of(7L), field(query("q", "serde"), "downloads"), "counts seen before the crate still apply");
        String updatedAt = (String) crates(query("q", "serde")).get(0).get("updated_at");

        clock.advance(REFRESH);
        source.add(counts("serde", 12, 9, T0.plusSeconds(30))).add(counts("serde", 10, 8, T0.plusSeconds(20)));
        Map<String, Object> r = query("q", "serde");

        assertEquals(List.of(12L), field(r, "downloads"));
        assertEquals(List.of(9L), field(r, "recent_downloads"));
        assertEquals(updatedAt, crates(r).get(0).get("updated_at"), "counting is not an update of the crate");
        assertEquals(T0.toString(), updatedAt);
    }

    @Test
    void counts_survive_the_snapshot() {
        source.add(crate("serde", "x")).add(counts("serde", 42, 4, T0));
        query("q", "serde");
        SearchService cold = new SearchService(source, clock, REFRESH);
        assertEquals(42L, crates(cold.search(Map.of("q", "serde"))).get(0).get("downloads"));
        assertEquals(1, source.loadAllCalls(), "the second instance read the snapshot");
    }

    @Test
    void the_crate_json_is_what_cargo_search_prints() {
        source.add(new Entry("foo", "foo", summary("does foo", "1.2.3"), T0, T0.plusSeconds(5), false));

        Map<String, Object> c = crates(query("q", "foo")).get(0);

        assertEquals("foo", c.get("name"));
        assertEquals("1.2.3", c.get("max_version"));
        assertEquals("does foo", c.get("description"));
        assertEquals(T0.plusSeconds(5).toString(), c.get("updated_at"));
    }

    // ---- paging -------------------------------------------------------------------------------------------------------

    @Test
    void paging_reports_the_total_and_the_next_and_previous_pages() {
        for (int i = 0; i < 25; i++) {
            source.add(crate(String.format("crate%02d", i), "x"));
        }

        Map<String, Object> first = query("q", "crate", "per_page", "10");
        Map<String, Object> third = query("q", "crate", "per_page", "10", "page", "3");

        assertEquals(10, names(first).size());
        assertEquals(25, meta(first).get("total"));
        assertEquals("?q=crate&per_page=10&page=2", meta(first).get("next_page"));
        assertNull(meta(first).get("prev_page"));
        assertEquals(List.of("crate20", "crate21", "crate22", "crate23", "crate24"), names(third));
        assertNull(meta(third).get("next_page"));
        assertEquals("?q=crate&per_page=10&page=2", meta(third).get("prev_page"));
    }

    @Test
    void a_page_past_the_end_is_empty_with_the_total() {
        source.add(crate("a", "x"));

        Map<String, Object> r = query("page", "5");

        assertEquals(List.of(), names(r));
        assertEquals(1, meta(r).get("total"));
        assertNull(meta(r).get("next_page"));
    }

    @Test
    void the_default_page_size_is_10() {
        for (int i = 0; i < 12; i++) {
            source.add(crate("c" + (char) ('a' + i), "x"));
        }

        assertEquals(SearchService.DEFAULT_PER_PAGE, names(query()).size());
        assertEquals(SearchService.MAX_PER_PAGE, 100);
    }

    @Test
    void the_next_page_link_keeps_the_sort_and_encodes_the_query() {
        for (int i = 0; i < 3; i++) {
            source.add(crate("x" + i, "a fast parser"));
        }

        Map<String, Object> r = query("q", "fast parser", "per_page", "1", "sort", "alpha");

        assertEquals(List.of("x0"), names(r));
        assertEquals("?q=fast+parser&per_page=1&sort=alpha&page=2", meta(r).get("next_page"));
    }

    @Test
    void pages_concatenate_to_the_full_order_whichever_way_a_page_is_cut() {
        // small pages near the start are cut with a bounded heap, later ones by sorting everything
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = String.format("lib%03d", (i * 37) % 100);
            source.add(crate(name, "x", T0.plusSeconds(i), T0.plusSeconds(i)));
        }
        for (int i = 0; i < 100; i++) {
            expected.add(String.format("lib%03d", i));
        }

        for (String perPage : List.of("1", "3", "7", "10", "100")) {
            List<String> all = new ArrayList<>();
            for (int page = 1; all.size() < 100; page++) {
                List<String> names = names(query("q", "lib", "per_page", perPage, "page", Integer.toString(page)));
                assertTrue(!names.isEmpty(), "page " + page + " of " + perPage);
                all.addAll(names);
            }
            assertEquals(expected, all, "per_page " + perPage);
        }
    }

    // ---- refusals ------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "1e3"})
    void per_page_outside_1_to_100_is_400(String perPage) {
        RegistryException e = refused("q", "x", "per_page", perPage);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("per_page"), e.detail());
    }

    @Test
    void per_page_at_the_bounds_is_accepted() {
        source.add(crate("a", "x"));

        assertEquals(1, names(query("per_page", "1")).size());
        assertEquals(1, names(query("per_page", "100")).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "x", "100001"})
    void bad_page_is_400(String page) {
        assertEquals(400, refused("page", page).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"most-downloads", "recent", "random", "ALPHA!"})
    void unknown_sort_is_400(String sort) {
        RegistryException e = refused("q", "x", "sort", sort);

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("unknown sort"), e.detail());
    }

    @Test
    void a_too_long_query_is_400() {
        assertEquals(400, refused("q", "x".repeat(201)).status());
    }

    @Test
    void refusals_do_not_load_anything() {
        refused("per_page", "0");
        refused("sort", "random");

        assertEquals(0, source.loadAllCalls());
    }

    // ---- refresh -------------------------------------------------------------------------------------------------------

    @Test
    void data_loads_once_then_only_changes_are_fetched_at_most_every_interval() {
        source.add(crate("foo", "x"));

        query("q", "foo");
        query("q", "foo");
        clock.advance(REFRESH.minusSeconds(1));
        query("q", "foo");

        Instant window = T0.minus(SearchService.SNAPSHOT_MAX_AGE).minusSeconds(30);
        assertEquals(1, source.loadAllCalls());
        assertEquals(List.of(window), source.changedSinceCalls(),
                "only the snapshot window's read, started before the snapshot was found missing and awaited");

        clock.advance(Duration.ofSeconds(1));
        query("q", "foo");

        assertEquals(1, source.loadAllCalls());
        assertEquals(List.of(window, T0.minusSeconds(30)), source.changedSinceCalls(),
                "since the last look, with an overlap");
    }

    @Test
    void refresh_applies_new_and_changed_crates() {
        source.add(crate("foo", "old text", T0, T0));
        assertEquals("old text", crates(query("q", "foo")).get(0).get("description"));

        clock.advance(Duration.ofSeconds(10));
        source.add(crate("foo", "new text", T0, clock.instant()));
        source.add(crate("bar", "x", clock.instant(), clock.instant()));
        assertEquals("old text", crates(query("q", "foo")).get(0).get("description"), "not before the interval");

        clock.advance(REFRESH);

        assertEquals("new text", crates(query("q", "foo")).get(0).get("description"));
        assertEquals(List.of("bar"), names(query("q", "bar")));
        assertEquals(2, search.size());
    }

    @Test
    void refresh_applies_tombstones() {
        source.add(crate("foo", "x", T0, T0)).add(crate("bar", "y", T0, T0));
        assertEquals(2, meta(query()).get("total"));
        assertEquals(2, search.size());

        clock.advance(Duration.ofSeconds(5));
        source.add(tombstone("foo", clock.instant()));
        clock.advance(REFRESH);

        assertEquals(List.of("bar"), names(query()));
        assertEquals(List.of(), names(query("q", "foo")));
        assertEquals(1, search.size());
    }

    @Test
    void a_tombstone_in_the_first_load_hides_the_crate() {
        source.add(crate("foo", "x", T0, T0)).add(tombstone("foo", T0.plusSeconds(1))).add(crate("bar", "y"));

        assertEquals(List.of("bar"), names(query()));
    }

    @Test
    void an_older_entry_never_replaces_a_newer_one() {
        // the change feed may hand out entries in any order, and repeat old ones
        source.add(crate("foo", "newer", T0, T0.plusSeconds(20)));
        source.add(crate("foo", "older", T0, T0.plusSeconds(10)));

        assertEquals("newer", crates(query("q", "foo")).get(0).get("description"));

        clock.advance(REFRESH);
        assertEquals("newer", crates(query("q", "foo")).get(0).get("description"), "after a refresh repeating both");
    }

    @Test
    void an_older_tombstone_does_not_remove_a_newer_crate() {
        // removed, then published again: the old tombstone stays in the table
        source.add(crate("foo", "republished", T0.plusSeconds(20), T0.plusSeconds(20)));
        source.add(tombstone("foo", T0.plusSeconds(10)));

        assertEquals(List.of("foo"), names(query("q", "foo")));
    }

    @Test
    void an_older_entry_does_not_resurrect_a_crate_removed_later() {
        source.add(tombstone("foo", T0.plusSeconds(20)));
        source.add(crate("foo", "before removal", T0, T0.plusSeconds(10)));

        assertEquals(List.of(), names(query("q", "foo")));
        assertEquals(0, search.size());
    }

    @Test
    void a_crate_published_again_after_its_removal_comes_back() {
        source.add(crate("foo", "first life", T0, T0));
        assertEquals(1, names(query("q", "foo")).size());

        clock.advance(Duration.ofSeconds(5));
        source.add(tombstone("foo", clock.instant()));
        clock.advance(REFRESH);
        assertEquals(0, names(query("q", "foo")).size());

        clock.advance(Duration.ofSeconds(5));
        source.add(crate("foo", "second life", clock.instant(), clock.instant()));
        clock.advance(REFRESH);

        assertEquals("second life", crates(query("q", "foo")).get(0).get("description"));
    }

    // ---- cold start from a snapshot -------------------------------------------------------------------------------

    @Test
    void a_cold_instance_without_a_snapshot_loads_everything_and_stores_a_snapshot_for_the_next() {
        source.add(crate("serde", "serialization framework")).add(crate("tokio", "async runtime"));

        assertEquals(List.of("serde"), names(query("q", "serde")));

        assertEquals(1, source.loadAllCalls());
        assertEquals(1, source.savedSnapshots());
        SearchSource.Snapshot stored = source.snapshot().orElseThrow();
        assertEquals(T0, stored.asOf(), "as of the moment before the load: later changes are read as changes");
        assertEquals(List.of("serde", "tokio"), SearchSnapshotCodec.decode(stored.data()).stream().map(Entry::name).toList());
    }

    @Test
    void a_cold_instance_with_a_fresh_snapshot_reads_it_and_the_changes_since_and_never_loads_everything() {
        Instant taken = T0.minus(Duration.ofMinutes(20));
        source.storeSnapshot(new SearchSource.Snapshot(taken, SearchSnapshotCodec.encode(List.of(
                crate("serde", "serialization framework", taken, taken),
                crate("old-name", "to be removed", taken, taken)))));
        source.add(crate("tokio", "async runtime", T0, T0.minus(Duration.ofMinutes(5))))
                .add(tombstone("old-name", T0.minus(Duration.ofMinutes(4))));

        assertEquals(List.of("serde", "tokio"), names(query("q", "", "sort", "alpha")));

        assertEquals(0, source.loadAllCalls());
        assertEquals(List.of(T0.minus(SearchService.SNAPSHOT_MAX_AGE).minusSeconds(30)), source.changedSinceCalls(),
                "the changes of the snapshot's whole window (read while the snapshot is fetched), with the usual overlap");
        assertEquals(0, source.savedSnapshots());
    }

    @Test
    void a_change_older_than_the_snapshot_read_with_the_window_never_replaces_the_snapshots_newer_state() {
        Instant taken = T0.minus(Duration.ofMinutes(20));
        source.storeSnapshot(new SearchSource.Snapshot(taken, SearchSnapshotCodec.encode(List.of(
                crate("serde", "newer description", taken, taken)))));
        source.add(crate("serde", "older description", taken, taken.minus(Duration.ofMinutes(10))))
                .add(tombstone("serde", taken.minus(Duration.ofMinutes(5))));

        assertEquals(List.of("serde"), names(query("q", "newer")));
        assertEquals(List.of(), names(query("q", "older")));
    }

    @Test
    void a_snapshot_older_than_the_limit_is_not_used() {
        Instant taken = T0.minus(SearchService.SNAPSHOT_MAX_AGE).minusSeconds(1);
        source.storeSnapshot(new SearchSource.Snapshot(taken, SearchSnapshotCodec.encode(List.of(
                crate("stale", "only in the old snapshot", taken, taken)))));
        source.add(crate("serde", "serialization framework"));

        assertEquals(List.of("serde"), names(query("q", "")));
        assertEquals(1, source.loadAllCalls());
        assertEquals(T0, source.snapshot().orElseThrow().asOf(), "replaced by a fresh one");
    }

    @Test
    void a_damaged_snapshot_falls_back_to_the_full_load() {
        byte[] good = SearchSnapshotCodec.encode(List.of(crate("serde", "serialization framework")));
        source.storeSnapshot(new SearchSource.Snapshot(T0, Arrays.copyOf(good, good.length / 2)));
        source.add(crate("tokio", "async runtime"));

        assertEquals(List.of("tokio"), names(query("q", "")));
        assertEquals(1, source.loadAllCalls());
    }

    @Test
    void keyword_and_category_filter_as_crates_io_does() {
        source.add(crate("serde-ish", "serialization", "serde", "encoding"));
        source.add(crate("json-thing", "json parsing", "JSON", "encoding"));
        source.add(new Entry("cli-tool", "cli-tool", new CrateSummary("a tool", null, null, null, List.of("cli"),
                List.of("command-line-utilities"), "1.0.0", "1.0.0", "1.0.0", 1, false), T0, T0, false));
        source.add(new Entry("parser-x", "parser-x", new CrateSummary("parses", null, null, null, List.of(),
                List.of("parser-implementations::json"), "1.0.0", "1.0.0", "1.0.0", 1, false), T0, T0, false));

        assertEquals(List.of("json-thing", "serde-ish"), names(query("keyword", "encoding", "sort", "alpha")));
        assertEquals(List.of("json-thing"), names(query("keyword", "json")));
        assertEquals(List.of("json-thing"), names(query("q", "json", "keyword", "encoding")));
        assertEquals(List.of(), names(query("keyword", "encod")));
        assertEquals(List.of("cli-tool"), names(query("category", "command-line-utilities")));
        assertEquals(List.of("parser-x"), names(query("category", "parser-implementations")));
        assertEquals(List.of(), names(query("category", "parser")));
        assertEquals(1L, ((Number) meta(query("category", "parser-implementations")).get("total")).longValue());
        assertTrue(String.valueOf(meta(query("keyword", "encoding", "per_page", "1")).get("next_page")).contains("keyword=encoding"));
    }
}
