package dev.cargoreg.core.port;

import dev.cargoreg.core.crate.CrateSummary;

import java.time.Instant;
import java.util.List;

/**
 * Where the search function gets its data: every crate's summary once (cold start), then only what changed since a
 * point in time. Never a scan per request.
 */
public interface SearchSource {

    List<Entry> loadAll();

    /** Entries changed at or after {@code since} (may repeat entries already seen). */
    List<Entry> changedSince(Instant since);

    /** A crate's searchable summary, or a tombstone ({@code removed}) when the crate was removed at {@code updatedAt}. */
    record Entry(String canonicalName, String name, CrateSummary summary, Instant createdAt, Instant updatedAt,
                 boolean removed) {
    }
}
