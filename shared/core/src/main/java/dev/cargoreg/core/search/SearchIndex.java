package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;

/**
 * Every crate's summary in memory, searched by name, description and keywords. Not thread-safe by itself;
 * {@link SearchService} guards it.
 */
final class SearchIndex {
    /** One crate, with its text lowercased once. */
    record Doc(String canonical, String name, CrateSummary summary, Instant created, Instant updated,
               String canonicalLower, String keywordsLower, String descriptionLower) {
    }

    private final Map<String, Doc> docs = new HashMap<>();
    private final Map<String, Instant> removedAt = new HashMap<>();
    /** Download counts by canonical name, with when they were counted; kept apart from docs (they arrive on their own). */
    private final Map<String, Counted> counts = new HashMap<>();

    private record Counted(SearchSource.Downloads downloads, Instant at) {
    }

    private static final SearchSource.Downloads NONE = new SearchSource.Downloads(0, 0);

    /*
     * Walking 150,000 small objects per query is bound by memory latency. Instead the index keeps, sorted by name,
     * one contiguous string per field (names, keywords, descriptions), where String.indexOf runs at memory bandwidth;
     * a hit's offset maps back to its crate by binary search, and everything after that is bit sets: which crates
     * match every term, and in which field, which gives the rank without touching the crates again. Rebuilt after
     * changes, on the next query.
     */
    private Doc[] slots = new Doc[0];
    private String[] canonicalNames = new String[0];
    private String names = "";
    private int[] nameStarts = new int[0];
    private String keywords = "";
    private int[] keywordStarts = new int[0];
    private String descriptions = "";
    private int[] descriptionStarts = new int[0];
    private int[] byUpdated = new int[0];
    private int[] byCreated = new int[0];
    private SearchSource.Downloads[] slotDownloads = new SearchSource.Downloads[0];
    private int[] byDownloads = new int[0];
    private int[] byRecentDownloads = new int[0];
    private boolean dirty = true;
    /** Only counts changed: the two download orders are re-sorted, the scan strings stay. */
    private boolean countsDirty = true;

    int size() {
        return docs.size();
    }

    /** Applies an entry unless a newer one for the same crate was applied already. */
    void apply(SearchSource.Entry e) {
        if (e.isCounts()) {
            Counted had = counts.get(e.canonicalName());
            if (had == null || e.updatedAt() == null || had.at() == null || !e.updatedAt().isBefore(had.at())) {
                counts.put(e.canonicalName(), new Counted(e.downloads(), e.updatedAt()));
                countsDirty = true;
            }
            return;
        }
        Doc current = docs.get(e.canonicalName());
        Instant seen = current != null ? current.updated() : removedAt.get(e.canonicalName());
        if (seen != null && e.updatedAt() != null && e.updatedAt().isBefore(seen)) {
            return;
        }
        dirty = true;
        if (e.removed()) {
            docs.remove(e.canonicalName());
            removedAt.put(e.canonicalName(), e.updatedAt());
            return;
        }
        removedAt.remove(e.canonicalName());
        CrateSummary s = e.summary();
        docs.put(e.canonicalName(), new Doc(e.canonicalName(), e.name(), s, e.createdAt(), e.updatedAt(),
                e.canonicalName(),
                String.join(" ", s.keywords()).toLowerCase(Locale.ROOT),
                s.description() == null ? "" : s.description().toLowerCase(Locale.ROOT)));
    }

    enum Sort {
        RELEVANCE, ALPHABETICAL, RECENT_UPDATES, NEW, DOWNLOADS, RECENT_DOWNLOADS
    }

    record Hit(Doc doc, int rank, SearchSource.Downloads downloads) {
    }

    record Page(List<Hit> hits, int total) {
    }

    Page query(String q, Sort sort, int page, int perPage) {
        return query(q, null, null, sort, page, perPage);
    }

    /**
     * {@code keyword} (exact, case-insensitive) and {@code category} (the slug or any of its subcategories, `a` matching
     * `a::b`), as crates.io filters; null for no filter.
     */
    Page query(String q, String keyword, String category, Sort sort, int page, int perPage) {
        String[] terms = q == null || q.isBlank() ? new String[0] : q.trim().toLowerCase(Locale.ROOT).split("\\s+");
        String whole = q == null ? "" : CrateName.canonical(q.trim());
        if (dirty()) {
            rebuild();
        }
        int n = slots.length;
        BitSet cand = new BitSet(n);
        cand.set(0, n);
        if (keyword != null || category != null) {
            for (int i = 0; i < n; i++) {
                if (!hasKeyword(slots[i], keyword) || !hasCategory(slots[i], category)) {
                    cand.clear(i);
                }
            }
        }
        BitSet allName = (BitSet) cand.clone();
        BitSet allNameOrKeyword = (BitSet) cand.clone();
        for (String t : terms) {
            BitSet inName = new BitSet(n);
            BitSet inKeyword = new BitSet(n);
            BitSet inDescription = new BitSet(n);
            mark(names, nameStarts, CrateName.canonical(t), inName);
            mark(keywords, keywordStarts, t, inKeyword);
            mark(descriptions, descriptionStarts, t, inDescription);
            allName.and(inName);
            inKeyword.or(inName);
            allNameOrKeyword.and(inKeyword);
            inDescription.or(inKeyword);
            cand.and(inDescription);
            if (cand.isEmpty()) {
                break;
            }
        }
        // the rank buckets of the old scan, as sets: 0 exact name, 1 name prefix, 2 all in name, 3 name or keywords, 4 any
        BitSet[] buckets = new BitSet[5];
        for (int i = 0; i < 5; i++) {
            buckets[i] = new BitSet(n);
        }
        if (whole.isEmpty()) {
            buckets[4].or(cand);
        } else {
            int exact = Arrays.binarySearch(canonicalNames, whole);
            if (exact >= 0 && cand.get(exact)) {
                buckets[0].set(exact);
            }
            markPrefix(whole, buckets[1]);
            buckets[1].and(cand);
            buckets[1].andNot(buckets[0]);
            BitSet seen = (BitSet) buckets[0].clone();
            seen.or(buckets[1]);
            buckets[2].or(allName);
            buckets[2].and(cand);
            buckets[2].andNot(seen);
            seen.or(buckets[2]);
            buckets[3].or(allNameOrKeyword);
            buckets[3].and(cand);
            buckets[3].andNot(seen);
            seen.or(buckets[3]);
            buckets[4].or(cand);
            buckets[4].andNot(seen);
        }
        int total = cand.cardinality();
        int from = (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * perPage);
        List<Hit> out = new ArrayList<>(Math.min(perPage, 128));
        IntPredicate take = slot -> {
            out.add(new Hit(slots[slot], rankOf(slot, buckets), slotDownloads[slot]));
            return out.size() >= perPage;
        };
        int[] skipped = {0};
        IntPredicate visit = slot -> {
            if (skipped[0] < from) {
                skipped[0]++;
                return false;
            }
            return take.test(slot);
        };
        // an exact name match always comes first, whatever the order
        boolean done = false;
        for (int i = buckets[0].nextSetBit(0); i >= 0 && !done; i = buckets[0].nextSetBit(i + 1)) {
            done = visit.test(i);
        }
        BitSet rest = (BitSet) cand.clone();
        rest.andNot(buckets[0]);
        switch (sort) {
            case RELEVANCE -> {
                for (int b = 1; b < 5 && !done; b++) {
                    BitSet bucket = b == 4 && whole.isEmpty() ? rest : buckets[b];
                    for (int i = bucket.nextSetBit(0); i >= 0 && !done; i = bucket.nextSetBit(i + 1)) {
                        done = visit.test(i);
                    }
                }
            }
            case ALPHABETICAL -> {
                for (int i = rest.nextSetBit(0); i >= 0 && !done; i = rest.nextSetBit(i + 1)) {
                    done = visit.test(i);
                }
            }
            case RECENT_UPDATES, NEW, DOWNLOADS, RECENT_DOWNLOADS -> {
                int[] order = switch (sort) {
                    case NEW -> byCreated;
                    case DOWNLOADS -> byDownloads;
                    case RECENT_DOWNLOADS -> byRecentDownloads;
                    default -> byUpdated;
                };
                for (int slot : order) {
                    if (done) {
                        break;
                    }
                    if (rest.get(slot)) {
                        done = visit.test(slot);
                    }
                }
            }
        }
        return new Page(out, total);
    }

    private static boolean hasKeyword(Doc d, String keyword) {
        return keyword == null || d.summary().keywords().stream().anyMatch(k -> k.equalsIgnoreCase(keyword));
    }

    private static boolean hasCategory(Doc d, String category) {
        return category == null || d.summary().categories().stream().anyMatch(c -> c.equalsIgnoreCase(category)
                || c.toLowerCase(Locale.ROOT).startsWith(category.toLowerCase(Locale.ROOT) + "::"));
    }

    private static int rankOf(int slot, BitSet[] buckets) {
        for (int b = 0; b < buckets.length; b++) {
            if (buckets[b].get(slot)) {
                return b;
            }
        }
        return 4;
    }

    /** Rebuilding needs the write lock: {@link SearchService} queries under it when the index is dirty. */
    boolean dirty() {
        return dirty || countsDirty;
    }

    void rebuild() {
        if (!dirty) {
            reorderByDownloads();
            return;
        }
        slots = docs.values().toArray(new Doc[0]);
        Arrays.sort(slots, Comparator.comparing(Doc::canonical));
        int n = slots.length;
        canonicalNames = new String[n];
        nameStarts = new int[n];
        keywordStarts = new int[n];
        descriptionStarts = new int[n];
        StringBuilder nm = new StringBuilder(n * 16 + 1).append('\n');
        StringBuilder kw = new StringBuilder(n * 16);
        StringBuilder ds = new StringBuilder(n * 64);
        for (int i = 0; i < n; i++) {
            canonicalNames[i] = slots[i].canonical();
            nameStarts[i] = nm.length();
            nm.append(slots[i].canonicalLower()).append('\n');
            keywordStarts[i] = kw.length();
            kw.append(slots[i].keywordsLower().replace('\n', ' ')).append('\n');
            descriptionStarts[i] = ds.length();
            ds.append(slots[i].descriptionLower().replace('\n', ' ')).append('\n');
        }
        names = nm.toString();
        keywords = kw.toString();
        descriptions = ds.toString();
        byUpdated = order(Comparator.comparing(Doc::updated, Comparator.nullsLast(Comparator.reverseOrder())));
        byCreated = order(Comparator.comparing(Doc::created, Comparator.nullsLast(Comparator.reverseOrder())));
        dirty = false;
        reorderByDownloads();
    }

    /** Most downloaded first; ties keep slot order, which is by name. */
    private void reorderByDownloads() {
        slotDownloads = new SearchSource.Downloads[slots.length];
        for (int i = 0; i < slots.length; i++) {
            Counted c = counts.get(slots[i].canonical());
            slotDownloads[i] = c == null ? NONE : c.downloads();
        }
        byDownloads = orderByCount(SearchSource.Downloads::total);
        byRecentDownloads = orderByCount(SearchSource.Downloads::recent);
        countsDirty = false;
    }

    /** Slots below 2^24 (the snapshot allows 10,000,000 entries); counts above 2^39 (5.5e11) sort as equal. */
    private static final int SLOT_BITS = 24;
    private static final long MAX_SORTED_COUNT = (1L << (63 - SLOT_BITS)) - 1;

    /**
     * Counts change every few minutes, so this runs often: one primitive sort of (count descending, slot) packed in a
     * long, not a comparator over boxed slots (which took 0.5–1.8 s for 150,000 crates on a loaded machine).
     */
    private int[] orderByCount(ToLongFunction<SearchSource.Downloads> count) {
        int n = slotDownloads.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long c = Math.max(0, Math.min(count.applyAsLong(slotDownloads[i]), MAX_SORTED_COUNT));
            keys[i] = ((MAX_SORTED_COUNT - c) << SLOT_BITS) | i;
        }
        Arrays.sort(keys);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) (keys[i] & ((1L << SLOT_BITS) - 1));
        }
        return out;
    }

    private int[] order(Comparator<Doc> by) {
        Integer[] idx = new Integer[slots.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = by.compare(slots[a], slots[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** Crates whose canonical name starts with {@code prefix}: names are `\n`-separated, so search for `\n` + prefix. */
    private void markPrefix(String prefix, BitSet hit) {
        String needle = "\n" + prefix;
        int from = 0;
        while (true) {
            int at = names.indexOf(needle, from);
            if (at < 0) {
                return;
            }
            int slot = slotOf(nameStarts, at + 1);
            hit.set(slot);
            from = at + 1;
        }
    }

    private static int slotOf(int[] starts, int offset) {
        int slot = Arrays.binarySearch(starts, offset);
        return slot >= 0 ? slot : -slot - 2;
    }

    private static void mark(String haystack, int[] starts, String needle, BitSet hit) {
        if (needle.isEmpty()) {
            return;
        }
        int from = 0;
        while (true) {
            int at = haystack.indexOf(needle, from);
            if (at < 0) {
                return;
            }
            int slot = slotOf(starts, at);
            hit.set(slot);
            // one hit per crate is enough: skip to the next one
            from = slot + 1 < starts.length ? starts[slot + 1] : haystack.length();
        }
    }
}
