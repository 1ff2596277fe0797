package dev.cargoreg.core.port;

import dev.cargoreg.core.crate.CrateSummary;

import java.time.Instant;
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

    /** The latest stored snapshot, if this source keeps one and can read it whole. */
    default Optional<Snapshot> snapshot() {
        return Optional.empty();
    }

    /** Stores {@code snapshot} as the latest (a source without snapshots ignores it). */
    default void saveSnapshot(Snapshot snapshot) {
    }

    /** A crate's searchable summary, or a tombstone ({@code removed}) when the crate was removed at {@code updatedAt}. */
    record Entry(String canonicalName, String name, CrateSummary summary, Instant createdAt, Instant updatedAt,
                 boolean removed) {
    }

    /** Every live entry as of {@code asOf} (changes from then on are read with {@link #changedSince}), encoded. */
    record Snapshot(Instant asOf, byte[] data) {
    }
}
