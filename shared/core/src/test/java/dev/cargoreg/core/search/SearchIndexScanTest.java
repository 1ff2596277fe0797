package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource.Entry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shortcuts of a query's scan change nothing: the forward slot search finds the line a whole-array search finds, and
 * looking only at the remaining candidates' lines finds what scanning whole columns finds.
 */
class SearchIndexScanTest {

    @Test
    void galloping_from_the_last_slot_finds_what_a_full_binary_search_finds() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(2_000);
            int[] starts = new int[n];
            int at = random.nextInt(3);
            for (int i = 0; i < n; i++) {
                starts[i] = at;
                // lines of 1 to 40 characters, sometimes long ones, as descriptions are
                at += 1 + (random.nextInt(10) == 0 ? random.nextInt(400) : random.nextInt(40));
            }
            int slot = 0;
            for (int offset = starts[0]; offset < at + 5; offset += 1 + random.nextInt(random.nextBoolean() ? 3 : 300)) {
                int expected = Arrays.binarySearch(starts, offset);
                expected = expected >= 0 ? expected : -expected - 2;
                slot = SearchIndex.slotFrom(starts, offset, slot);
                assertEquals(expected, slot, "offset " + offset + " in round " + round);
            }
        }
    }

    @Test
    void a_start_after_the_offset_falls_back_to_the_whole_array() {
        int[] starts = {0, 10, 20, 30};

        assertEquals(1, SearchIndex.slotFrom(starts, 15, 3));
        assertEquals(0, SearchIndex.slotFrom(starts, 5, -1));
        assertEquals(3, SearchIndex.slotFrom(starts, 99, 0));
        assertEquals(2, SearchIndex.slotFrom(starts, 20, 0));
    }

    private static final String[] WORDS = {"serde", "tokio", "json", "async", "http", "parser", "rand", "log", "cli", "sys",
        "Ünïcode", "straße", "web", "derive"};

    @Test
    void candidates_lines_only_find_what_whole_columns_find() {
        Random r = new Random(7);
        SearchIndex index = new SearchIndex();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 3_000; i++) {
            String name = WORDS[r.nextInt(WORDS.length)].toLowerCase() + (r.nextBoolean() ? "-" + WORDS[r.nextInt(WORDS.length)] : "")
                    + "-" + i;
            List<String> keywords = new ArrayList<>();
            for (int k = r.nextInt(4); k > 0; k--) {
                keywords.add(WORDS[r.nextInt(WORDS.length)].toLowerCase());
            }
            StringBuilder description = new StringBuilder("A");
            for (int w = 1 + r.nextInt(12); w > 0; w--) {
                description.append(r.nextInt(8) == 0 ? "\n" : " ").append(WORDS[r.nextInt(WORDS.length)]);
            }
            index.apply(new Entry(name.replace('-', '_'), name, new CrateSummary(r.nextInt(20) == 0 ? null : description.toString(),
                    null, null, null, keywords, r.nextBoolean() ? List.of("parsing") : List.of(), "1.0.0", null, "1.0.0", 1, false),
                    t, t.plusSeconds(r.nextInt(1000)), false));
        }
        index.rebuild();
        int compared = 0;
        for (int q = 0; q < 400; q++) {
            StringBuilder query = new StringBuilder();
            for (int w = 1 + r.nextInt(3); w > 0; w--) {
                String word = WORDS[r.nextInt(WORDS.length)];
                query.append(r.nextInt(3) == 0 ? word.substring(0, 1 + r.nextInt(word.length() - 1)) : word).append(' ');
            }
            String keyword = r.nextInt(4) == 0 ? WORDS[r.nextInt(WORDS.length)].toLowerCase() : null;
            SearchIndex.Sort sort = SearchIndex.Sort.values()[r.nextInt(SearchIndex.Sort.values().length)];
            List<String> results = new ArrayList<>();
            for (int divisor : new int[] {Integer.MAX_VALUE, 1, 16}) {
                index.withinDivisor = divisor;
                SearchIndex.Page page = index.query(query.toString(), keyword, null, sort, 1, 100);
                results.add(page.total() + " " + page.hits().stream().map(h -> h.doc().name() + "/" + h.rank()).toList());
            }
            assertEquals(results.get(0), results.get(1), "columns vs candidates' lines: `" + query + "` keyword " + keyword);
            assertEquals(results.get(0), results.get(2), "columns vs the default: `" + query + "` keyword " + keyword);
            if (!results.get(0).startsWith("0 ")) {
                compared++;
            }
        }
        assertTrue(compared > 100, "queries with hits: " + compared);
    }
}
