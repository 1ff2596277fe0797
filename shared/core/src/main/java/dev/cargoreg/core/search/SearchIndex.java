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
        String[] terms = q == null ? new String[0] : q.trim().toLowerCase(Locale.ROOT).split("\\s+");
        String whole = q == null ? "" : CrateName.canonical(q.trim());
        List<Hit> hits = new ArrayList<>();
        for (Doc d : docs.values()) {
            int rank = rank(d, terms, whole);
            if (rank >= 0) {
                hits.add(new Hit(d, rank));
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
