package dev.cargoreg.core.testing;

import dev.cargoreg.core.port.SearchSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A SearchSource over a list of entries tests add to (or over an {@link InMemoryMetadataStore}'s crates and
 * tombstones), answering "changed since" as the DynamoDB search index does: every entry whose change time is at or
 * after the point asked for. Records what it was asked.
 */
public final class InMemorySearchSource implements SearchSource {
    private final List<Entry> entries = new ArrayList<>();
    private final Supplier<List<Entry>> view;
    private final List<Instant> changedSinceCalls = new ArrayList<>();
    private int loadAllCalls;
    private Snapshot snapshot;
    private int savedSnapshots;

    public InMemorySearchSource() {
        this.view = null;
    }

    private InMemorySearchSource(Supplier<List<Entry>> view) {
        this.view = view;
    }

    /** The search data of a store: its crates' summaries and its tombstones. */
    public static InMemorySearchSource of(InMemoryMetadataStore store) {
        return new InMemorySearchSource(store::searchEntries);
    }

    /** Adds an entry (a crate changed, or a tombstone); entries added later may repeat a crate. */
    public synchronized InMemorySearchSource add(Entry e) {
        if (view != null) {
            throw new IllegalStateException("this source shows a store's data");
        }
        entries.add(e);
        return this;
    }

    private synchronized List<Entry> all() {
        return view != null ? view.get() : List.copyOf(entries);
    }

    @Override
    public synchronized List<Entry> loadAll() {
        loadAllCalls++;
        return all();
    }

    @Override
    public synchronized List<Entry> changedSince(Instant since) {
        changedSinceCalls.add(since);
        return all().stream().filter(e -> e.updatedAt() != null && !e.updatedAt().isBefore(since)).toList();
    }

    @Override
    public synchronized Optional<Snapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    @Override
    public synchronized void saveSnapshot(Snapshot s) {
        savedSnapshots++;
        snapshot = s;
    }

    /** Puts a snapshot in place as if another instance had stored it ({@code null}: none). */
    public synchronized void storeSnapshot(Snapshot s) {
        snapshot = s;
    }

    public synchronized int savedSnapshots() {
        return savedSnapshots;
    }

    public synchronized int loadAllCalls() {
        return loadAllCalls;
    }

    public synchronized List<Instant> changedSinceCalls() {
        return List.copyOf(changedSinceCalls);
    }
}
