package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /*
     * Scanning 150,000 small objects per query is bound by memory latency (about 50 ms). Instead, every name and every
     * keyword-and-description text sits in one contiguous string per field, where String.indexOf runs at memory
     * bandwidth; a hit's offset maps back to its crate by binary search. Rebuilt after changes, on the next query.
     */
    private Doc[] slots = new Doc[0];
    private String names = "";
    private int[] nameStarts = new int[0];
    private String texts = "";
    private int[] textStarts = new int[0];
    private boolean dirty = true;

    int size() {
        return docs.size();
    }

    /** Applies an entry unless a newer one for the same crate was applied already. */
    void apply(SearchSource.Entry e) {
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
        RELEVANCE, ALPHABETICAL, RECENT_UPDATES, NEW
    }

    record Hit(Doc doc, int rank) {
    }

    record Page(List<Hit> hits, int total) {
    }

    Page query(String q, Sort sort, int page, int perPage) {
        String[] terms = q == null || q.isBlank() ? new String[0] : q.trim().toLowerCase(Locale.ROOT).split("\\s+");
        String whole = q == null ? "" : CrateName.canonical(q.trim());
        if (dirty) {
            rebuild();
        }
        List<Hit> hits = new ArrayList<>();
        java.util.BitSet candidates = candidates(terms);
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            int rank = rank(slots[i], terms, whole);
            if (rank >= 0) {
                hits.add(new Hit(slots[i], rank));
            }
        }
        Comparator<Hit> byName = Comparator.comparing(h -> h.doc().canonical());
        Comparator<Hit> order = switch (sort) {
            case RELEVANCE -> Comparator.comparingInt(Hit::rank).thenComparing(byName);
            case ALPHABETICAL -> byName;
            case RECENT_UPDATES -> Comparator.comparing((Hit h) -> h.doc().updated(), Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(byName);
            case NEW -> Comparator.comparing((Hit h) -> h.doc().created(), Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(byName);
        };
        // an exact name match always comes first, whatever the order
        Comparator<Hit> exactFirst = Comparator.comparingInt((Hit h) -> h.rank() == 0 ? 0 : 1).thenComparing(order);
        int from = (page - 1) * perPage;
        List<Hit> pageHits;
        if (from >= hits.size()) {
            pageHits = List.of();
        } else if ((long) from + perPage >= hits.size() / 2) {
            hits.sort(exactFirst);
            pageHits = List.copyOf(hits.subList(from, Math.min(hits.size(), from + perPage)));
        } else {
            pageHits = topK(hits, exactFirst, from + perPage).subList(from, Math.min(hits.size(), from + perPage));
        }
        return new Page(pageHits, hits.size());
    }

    /** Rebuilding needs the write lock: {@link SearchService} queries under it when the index is dirty. */
    boolean dirty() {
        return dirty;
    }

    void rebuild() {
        slots = docs.values().toArray(new Doc[0]);
        StringBuilder n = new StringBuilder(slots.length * 16);
        StringBuilder t = new StringBuilder(slots.length * 64);
        nameStarts = new int[slots.length];
        textStarts = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            nameStarts[i] = n.length();
            n.append(slots[i].canonicalLower()).append('\n');
            textStarts[i] = t.length();
            t.append(slots[i].keywordsLower()).append(' ').append(slots[i].descriptionLower().replace('\n', ' ')).append('\n');
        }
        names = n.toString();
        texts = t.toString();
        dirty = false;
    }

    /** Crates where every term occurs in the name (canonically) or in the keywords or description. */
    private java.util.BitSet candidates(String[] terms) {
        java.util.BitSet all = new java.util.BitSet(slots.length);
        all.set(0, slots.length);
        for (String t : terms) {
            java.util.BitSet hit = new java.util.BitSet(slots.length);
            mark(names, nameStarts, CrateName.canonical(t), hit);
            mark(texts, textStarts, t, hit);
            all.and(hit);
            if (all.isEmpty()) {
                break;
            }
        }
        return all;
    }

    private static void mark(String haystack, int[] starts, String needle, java.util.BitSet hit) {
        if (needle.isEmpty()) {
            return;
        }
        int from = 0;
        while (true) {
            int at = haystack.indexOf(needle, from);
            if (at < 0) {
                return;
            }
            int slot = java.util.Arrays.binarySearch(starts, at);
            if (slot < 0) {
                slot = -slot - 2;
            }
            hit.set(slot);
            // skip to the next crate: one hit per crate is enough
            from = slot + 1 < starts.length ? starts[slot + 1] : haystack.length();
        }
    }

    /** The first k in order, without sorting everything (a bounded heap). */
    private static List<Hit> topK(List<Hit> hits, Comparator<Hit> order, int k) {
        java.util.PriorityQueue<Hit> heap = new java.util.PriorityQueue<>(k + 1, order.reversed());
        for (Hit h : hits) {
            heap.add(h);
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<Hit> out = new ArrayList<>(heap);
        out.sort(order);
        return out;
    }

    /**
     * -1: no match. 0: the name is the query (canonically). 1: name starts with it. 2: every term in the name.
     * 3: every term in name or keywords. 4: every term somewhere, description included. An empty query lists all.
     */
    private static int rank(Doc d, String[] terms, String whole) {
        if (whole.isEmpty()) {
            return 4;
        }
        if (d.canonicalLower().equals(whole)) {
            return 0;
        }
        if (d.canonicalLower().startsWith(whole)) {
            return 1;
        }
        boolean allInName = true;
        boolean allInNameOrKeywords = true;
        for (String t : terms) {
            String ct = CrateName.canonical(t);
            boolean inName = d.canonicalLower().contains(ct);
            boolean inKeywords = d.keywordsLower().contains(t);
            boolean inDescription = d.descriptionLower().contains(t);
            if (!inName && !inKeywords && !inDescription) {
                return -1;
            }
            allInName &= inName;
            allInNameOrKeywords &= inName || inKeywords;
        }
        return allInName ? 2 : allInNameOrKeywords ? 3 : 4;
    }
}
