package dev.cargoreg.core.search;

import dev.cargoreg.core.crates.CrateJson;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.SearchSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * `GET /api/v1/crates`: search over every crate's summary held in memory. The data loads once per instance, from
 * the source's snapshot plus the changes since it was taken, or, when there is no usable snapshot younger than
 * {@link #SNAPSHOT_MAX_AGE}, from every summary (16 parallel index queries), after which this instance stores a new
 * snapshot for the next cold start. Then at most every {@code refreshInterval} the instance asks only for what changed
 * since its last look (with an overlap that covers index lag and clock skew), so no request ever scans the table.
 * Entries carry their change time, and an older entry never replaces a newer one, so concurrent publishes and
 * removals settle on the latest state.
 */
public final class SearchService {
    /** Longest query accepted: longer than any crate name plus keywords anyone types. */
    public static final int MAX_QUERY_LENGTH = 200;
    /** Deepest page accepted (a bound on the work of one request). */
    public static final int MAX_PAGE = 100_000;
    public static final int DEFAULT_PER_PAGE = 10;
    public static final int MAX_PER_PAGE = 100;
    private static final Duration OVERLAP = Duration.ofSeconds(30);
    /**
     * Older snapshots are not used: the changes since one are read from every index shard, and after an hour of a busy
     * registry that read stops being small. One instance in an hour pays the full load and writes a fresh snapshot.
     */
    public static final Duration SNAPSHOT_MAX_AGE = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(SearchService.class.getName());

    private final SearchSource source;
    private final Clock clock;
    private final Duration refreshInterval;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private SearchIndex index = new SearchIndex();
    private volatile boolean loaded;
    private volatile Instant lastRefresh = Instant.EPOCH;

    public SearchService(SearchSource source, Clock clock, Duration refreshInterval) {
        this.source = source;
        this.clock = clock;
        this.refreshInterval = refreshInterval;
    }

    /** The query parameters as API Gateway hands them over (decoded). */
    public Map<String, Object> search(Map<String, String> params) {
        String q = params.getOrDefault("q", "");
        int perPage = intParam(params, "per_page", DEFAULT_PER_PAGE);
        if (perPage < 1 || perPage > MAX_PER_PAGE) {
            throw RegistryException.badRequest("per_page must be between 1 and " + MAX_PER_PAGE + ", got " + perPage);
        }
        int page = intParam(params, "page", 1);
        if (page < 1 || page > MAX_PAGE) {
            throw RegistryException.badRequest("page must be between 1 and " + MAX_PAGE + ", got " + page);
        }
        if (q.length() > MAX_QUERY_LENGTH) {
            throw RegistryException.badRequest("the search query is too long (max " + MAX_QUERY_LENGTH + " characters)");
        }
        String keyword = filter(params, "keyword");
        String category = filter(params, "category");
        SearchIndex.Sort sort = sort(params.get("sort"));
        refresh();
        SearchIndex.Page result;
        lock.readLock().lock();
        try {
            if (!index.dirty()) {
                result = index.query(q, keyword, category, sort, page, perPage);
            } else {
                result = null;
            }
        } finally {
            lock.readLock().unlock();
        }
        if (result == null) {
            // the first query after a change rebuilds the scan strings, under the write lock
            lock.writeLock().lock();
            try {
                result = index.query(q, keyword, category, sort, page, perPage);
            } finally {
                lock.writeLock().unlock();
            }
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("total", result.total());
        String base = "?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&per_page=" + perPage
                + (params.containsKey("sort") ? "&sort=" + URLEncoder.encode(params.get("sort"), StandardCharsets.UTF_8) : "")
                + (keyword != null ? "&keyword=" + URLEncoder.encode(keyword, StandardCharsets.UTF_8) : "")
                + (category != null ? "&category=" + URLEncoder.encode(category, StandardCharsets.UTF_8) : "");
        meta.put("next_page", (long) page * perPage < result.total() ? base + "&page=" + (page + 1) : null);
        meta.put("prev_page", page > 1 ? base + "&page=" + (page - 1) : null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("crates", result.hits().stream()
                .map(h -> CrateJson.summary(h.doc().name(), h.doc().summary(), h.doc().created(),
                        h.doc().updated(), h.rank() == 0, h.downloads().total(), h.downloads().recent()))
                .toList());
        out.put("meta", meta);
        return out;
    }

    /** Loads everything the first time, then only changes, at most once per refresh interval. */
    public void refresh() {
        Instant now = clock.instant();
        if (loaded && Duration.between(lastRefresh, now).compareTo(refreshInterval) < 0) {
            return;
        }
        lock.writeLock().lock();
        try {
            now = clock.instant();
            if (!loaded) {
                if (!loadFromSnapshot(now)) {
                    source.loadAll().forEach(index::apply);
                    index.rebuild();
                    saveSnapshot(now);
                }
                loaded = true;
                lastRefresh = now;
            } else if (Duration.between(lastRefresh, now).compareTo(refreshInterval) >= 0) {
                source.changedSince(lastRefresh.minus(OVERLAP)).forEach(index::apply);
                lastRefresh = now;
            }
            // merged here, once, not by the first query
            index.rebuild();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The snapshot plus every change since it was taken; false (nothing applied) when there is no usable one. The
     * changes of the snapshot's whole window ({@link #SNAPSHOT_MAX_AGE}, a superset of those since the snapshot,
     * whatever its age) are read while the snapshot is fetched and decoded, so those round trips overlap that work;
     * entries older than the snapshot's own are ignored by {@link SearchIndex#apply}.
     */
    private boolean loadFromSnapshot(Instant now) {
        Instant since = now.minus(SNAPSHOT_MAX_AGE).minus(OVERLAP);
        CompletableFuture<List<SearchSource.Entry>> changes = CompletableFuture.supplyAsync(() -> source.changedSince(since));
        SearchIndex adopted;
        try {
            Optional<SearchSource.Snapshot> snapshot = source.snapshot()
                    .filter(s -> !s.asOf().isBefore(now.minus(SNAPSHOT_MAX_AGE)));
            if (snapshot.isEmpty()) {
                settle(changes);
                return false;
            }
            adopted = SearchSnapshotCodec.decodeIndex(snapshot.get().data());
        } catch (RuntimeException e) {
            settle(changes);
            LOG.log(Level.WARNING, "search snapshot unusable, loading every summary instead", e);
            return false;
        }
        List<SearchSource.Entry> changed;
        try {
            changed = changes.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        index = adopted;
        changed.forEach(index::apply);
        return true;
    }

    /**
     * Waits for the window's read, whose result the full load makes redundant: no request may outlive the load, since
     * Lambda freezes the instance (or SnapStart checkpoints it) once the response is sent.
     */
    private static void settle(CompletableFuture<?> unused) {
        try {
            unused.join();
        } catch (RuntimeException ignored) {
            // the full load that follows reads everything anyway
        }
    }

    /** Best effort: without a snapshot the next cold instance loads everything, as this one did. */
    private void saveSnapshot(Instant asOf) {
        try {
            source.saveSnapshot(new SearchSource.Snapshot(asOf, SearchSnapshotCodec.encode(index)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not store a search snapshot", e);
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return index.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    private static SearchIndex.Sort sort(String s) {
        if (s == null || s.isEmpty()) {
            return SearchIndex.Sort.RELEVANCE;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "relevance" -> SearchIndex.Sort.RELEVANCE;
            case "alpha", "alphabetical" -> SearchIndex.Sort.ALPHABETICAL;
            case "recent-updates" -> SearchIndex.Sort.RECENT_UPDATES;
            case "new" -> SearchIndex.Sort.NEW;
            case "downloads" -> SearchIndex.Sort.DOWNLOADS;
            case "recent-downloads" -> SearchIndex.Sort.RECENT_DOWNLOADS;
            default -> throw RegistryException.badRequest("unknown sort `" + s
                    + "`; use relevance, alpha, recent-updates, new, downloads or recent-downloads");
        };
    }

    /** An optional filter parameter: absent or blank is no filter. */
    private static String filter(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > MAX_QUERY_LENGTH) {
            throw RegistryException.badRequest(name + " is too long (max " + MAX_QUERY_LENGTH + " characters)");
        }
        return v.trim();
    }

    private static int intParam(Map<String, String> params, String name, int dflt) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw RegistryException.badRequest(name + " must be a number, got `" + v + "`");
        }
    }
}
