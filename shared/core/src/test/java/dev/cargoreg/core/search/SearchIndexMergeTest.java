package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.port.SearchSource.Entry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The columns merged batch by batch hold exactly what one merge of every change holds, and a snapshot of any state in
 * between reads back the same: random publishes, re-publishes, removals, counts before and after their crate, and
 * changes arriving out of order.
 */
class SearchIndexMergeTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] WORDS = {"serde", "tokio", "json", "async", "http", "parser", "rand", "log", "Ünïcode", "ß"};

    private static Entry randomEntry(Random r) {
        String name = WORDS[r.nextInt(WORDS.length)].toLowerCase() + "-" + r.nextInt(40);
        String canonical = name.replace('-', '_');
        Instant at = T.plusSeconds(r.nextInt(10_000)).plusNanos(r.nextInt(3) * 1_000_000L);
        return switch (r.nextInt(6)) {
            case 0 -> new Entry(canonical, name, null, null, at, true);
            case 1 -> Entry.counts(canonical, new SearchSource.Downloads(r.nextInt(1000), r.nextInt(100)), at);
            default -> {
                List<String> keywords = new ArrayList<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    keywords.add(WORDS[r.nextInt(WORDS.length)].toLowerCase());
                }
                String description = r.nextInt(5) == 0 ? null
                        : "A " + WORDS[r.nextInt(WORDS.length)] + "\nlibrary " + r.nextInt(100);
                yield new Entry(canonical, name, new CrateSummary(description, r.nextBoolean() ? "https://h/" + name : null,
                        null, null, keywords, r.nextBoolean() ? List.of("parsing::json") : List.of(), "1." + r.nextInt(9) + ".0",
                        null, "1.0.0", 1 + r.nextInt(9), r.nextInt(10) == 0), T.minusSeconds(r.nextInt(1000)), at, false);
            }
        };
    }

    private static List<Entry> sorted(List<Entry> entries) {
        return entries.stream().sorted(Comparator.comparing(Entry::canonicalName).thenComparing(Entry::isCounts)).toList();
    }

    private static List<String> results(SearchIndex index, String q, SearchIndex.Sort sort) {
        return index.query(q, null, null, sort, 1, 100).hits().stream()
                .map(h -> h.doc().name() + "/" + h.rank() + "/" + h.downloads().total()).toList();
    }

    @Test
    void merging_in_batches_with_snapshots_between_equals_one_merge_of_everything() {
        for (long seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            List<Entry> changes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                changes.add(randomEntry(r));
            }
            SearchIndex once = new SearchIndex();
            changes.forEach(once::apply);
            once.rebuild();

            SearchIndex stepwise = new SearchIndex();
            int i = 0;
            while (i < changes.size()) {
                int batch = 1 + r.nextInt(40);
                for (int end = Math.min(changes.size(), i + batch); i < end; i++) {
                    stepwise.apply(changes.get(i));
                }
                stepwise.rebuild();
                if (r.nextInt(3) == 0) {
                    // a snapshot of any state reads back the same (tombstones aside: the change feed carries those)
                    SearchIndex copy = SearchSnapshotCodec.decodeIndex(SearchSnapshotCodec.encode(stepwise));
                    assertEquals(sorted(stepwise.entries()), sorted(copy.entries()), "seed " + seed + " snapshot");
                    for (SearchIndex.Sort sort : SearchIndex.Sort.values()) {
                        assertEquals(results(stepwise, "library", sort), results(copy, "library", sort), "seed " + seed);
                    }
                }
            }

            assertEquals(sorted(once.entries()), sorted(stepwise.entries()), "seed " + seed);
            for (SearchIndex.Sort sort : SearchIndex.Sort.values()) {
                for (String q : new String[] {"", "serde", "json", "library", "ünïcode"}) {
                    assertEquals(results(once, q, sort), results(stepwise, q, sort), "seed " + seed + " " + q + " " + sort);
                }
            }
            assertTrue(once.size() > 0, "seed " + seed + " left some crates");
        }
    }

    @Test
    void keyword_and_category_filters_read_the_columns() {
        SearchIndex index = new SearchIndex();
        index.apply(new Entry("a", "a", new CrateSummary("x", null, null, null, List.of("JSON", "serde"),
                List.of("parsing::json"), "1.0.0", null, null, 1, false), T, T, false));
        index.apply(new Entry("b", "b", new CrateSummary("x", null, null, null, List.of("json-ish"),
                List.of("parsing"), "1.0.0", null, null, 1, false), T, T, false));
        index.rebuild();

        assertEquals(List.of("a"), index.query("", "json", null, SearchIndex.Sort.ALPHABETICAL, 1, 10).hits().stream()
                .map(h -> h.doc().name()).toList());
        assertEquals(List.of("a", "b"), index.query("", null, "parsing", SearchIndex.Sort.ALPHABETICAL, 1, 10).hits().stream()
                .map(h -> h.doc().name()).toList());
        assertEquals(List.of("a"), index.query("", null, "Parsing::JSON", SearchIndex.Sort.ALPHABETICAL, 1, 10).hits().stream()
                .map(h -> h.doc().name()).toList());
        assertEquals(List.of(), index.query("", null, "pars", SearchIndex.Sort.ALPHABETICAL, 1, 10).hits());
    }
}
