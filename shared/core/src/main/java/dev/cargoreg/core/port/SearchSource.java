package dev.cargoreg.core.port;

import dev.cargoreg.core.crate.CrateSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the search function gets its data: every crate's summary once (cold start), then only what changed since a
 * point in time. Never a scan per request. A source may also keep a snapshot of everything (one compact object read in
 * one round trip), so a cold instance reads that plus the changes since, instead of paging through every summary.
 */
public interface SearchSource {

    List<Entry> loadAll();

    /** Entries changed at or after {@code since} (may repeat entries already seen). */
    List<Entry> changedSince(Instant since);

    /**
     * Every entry, a page at a time, for work that cannot finish within one request (a reindex): about {@code limit}
     * entries after {@code cursor} (null: from the start) and the cursor of the next page, null after the last. Every
     * entry there when the walk starts is in some page; an entry that changes meanwhile may come again. A cursor is
     * opaque: only one this source answered is valid ({@link IllegalArgumentException} otherwise). This default, for
     * sources held in memory, walks {@link #loadAll} in canonical-name order, never splitting a crate's entries, and can
     * go on after any entry whose successor is another crate's.
     */
    default Page page(String cursor, int limit) {
        List<Entry> all = loadAll().stream()
                .filter(e -> cursor == null || e.canonicalName().compareTo(cursor) > 0)
                .sorted(Comparator.comparing(Entry::canonicalName))
                .toList();
        int end = Math.min(Math.max(1, limit), all.size());
        while (end < all.size() && all.get(end).canonicalName().equals(all.get(end - 1).canonicalName())) {
            end++;
        }
        List<Entry> entries = all.subList(0, end);
        List<String> after = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            boolean lastOfItsName = i + 1 == all.size() || !all.get(i + 1).canonicalName().equals(entries.get(i).canonicalName());
            after.add(lastOfItsName && i + 1 < all.size() ? entries.get(i).canonicalName() : null);
        }
        return new Page(entries, end < all.size() ? entries.get(end - 1).canonicalName() : null, after);
    }

    /** The latest stored snapshot, if this source keeps one and can read it whole. */
    default Optional<Snapshot> snapshot() {
        return Optional.empty();
    }

    /** Stores {@code snapshot} as the latest (a source without snapshots ignores it). */
    default void saveSnapshot(Snapshot snapshot) {
    }

    /**
     * A crate's searchable summary, or a tombstone ({@code removed}) when the crate was removed at {@code updatedAt}, or
     * (summary null, not removed, {@code downloads} set) the crate's download counts as counted at {@code updatedAt}.
     * Counts are an entry of their own because they live on their own item ({@code DL#…}/{@code TOTAL}, which the
     * download counter writes and publish never touches: docs/downloads.md); {@code updatedAt} of a counts entry is
     * never shown as the crate's updated_at.
     */
    record Entry(String canonicalName, String name, CrateSummary summary, Instant createdAt, Instant updatedAt,
                 boolean removed, Downloads downloads) {
        public Entry(String canonicalName, String name, CrateSummary summary, Instant createdAt, Instant updatedAt,
                     boolean removed) {
            this(canonicalName, name, summary, createdAt, updatedAt, removed, null);
        }

        /** The download counts of a crate, as counted at {@code countedAt}. */
        public static Entry counts(String canonicalName, Downloads downloads, Instant countedAt) {
            return new Entry(canonicalName, null, null, null, countedAt, false, downloads);
        }

        public boolean isCounts() {
            return downloads != null && summary == null && !removed;
        }
    }

    /** All-time downloads, and the last 90 days' as of when the counter last counted the crate. */
    record Downloads(long total, long recent) {
    }

    /**
     * One page of {@link #page}: its entries, the cursor of the next page (null: this was the last), and where a walk
     * can go on after each entry ({@code after.get(i)}: the cursor to go on after entry i, null where this source cannot
     * resume), so work that stops in the middle of a page neither skips nor redoes what it did.
     */
    record Page(List<Entry> entries, String next, List<String> after) {
        public Page {
            entries = List.copyOf(entries);
            if (after.size() != entries.size()) {
                throw new IllegalArgumentException(after.size() + " cursors for " + entries.size() + " entries");
            }
            after = Collections.unmodifiableList(new ArrayList<>(after));
        }

        /** A page that can be resumed only at its end. */
        public Page(List<Entry> entries, String next) {
            this(entries, next, endOnly(entries.size(), next));
        }

        private static List<String> endOnly(int size, String next) {
            List<String> after = new ArrayList<>(Collections.nCopies(size, (String) null));
            if (size > 0) {
                after.set(size - 1, next);
            }
            return after;
        }
    }

    /** Every live entry as of {@code asOf} (changes from then on are read with {@link #changedSince}), encoded. */
    record Snapshot(Instant asOf, byte[] data) {
    }
}
