package dev.cargoreg.core.admin;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.DependencyEdges;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Recovery: makes every index file (and config.json) equal to DynamoDB, whatever the files say now, and finishes
 * removals that a crash or a failure interrupted: pending removals are cleaned up (tarball, index line, CDN), files of
 * removed crates are deleted, tarballs of versions an index file lists but the truth no longer has are deleted, and a
 * file labelled above its crate's revision (left by a removed crate of the same name) is replaced.
 * The search data needs no rebuild: it is the crate records themselves.
 * <p>
 * Crate by crate, a page of the search data at a time: an API request stops after the first crate that ends past
 * {@link Limits#API_REQUEST_WORK} from the request's start and answers where to go on from ({@link ReindexReport#next}),
 * so a registry of any size is reindexed in requests API Gateway does not cut off. A crate's own work grows with its
 * history (two reads of its versions, one index file, its reverse dependencies written in parallel batches), so a crate
 * of more than {@link #HEAVY_VERSIONS} versions begins only as a request's first. Every step is idempotent, so a crate
 * done twice (a retried request) is harmless.
 */
public final class ReindexService {
    private static final Logger LOG = Logger.getLogger(ReindexService.class.getName());
    /** Search entries read per page (one DynamoDB Query); a request may stop after any crate of a page. */
    static final int PAGE = 25;
    /**
     * Above this many versions a crate begins only as a request's first: its work (its versions read, its index file, a
     * reverse-dependency write per version and dependency) takes seconds, and in DynamoDB its dependency edges go to a
     * few partitions, each written at a bounded rate.
     */
    static final long HEAVY_VERSIONS = 1_000;

    private final SearchSource crates;
    private final MetadataStore store;
    private final IndexSync index;
    private final CdnInvalidator cdn;
    private final RemovalCleanup cleanup;
    private final Clock clock;

    public ReindexService(SearchSource crates, MetadataStore store, BlobStore blobs, IndexSync index, CdnInvalidator cdn,
                          Clock clock) {
        this.crates = crates;
        this.store = store;
        this.index = index;
        this.cdn = cdn;
        this.clock = clock;
        this.cleanup = new RemovalCleanup(store, blobs, index, cdn, clock);
    }

    /** The whole registry in one call (the local runner, tests); the API pages with {@link #reindex(Principal, String, Instant)}. */
    public ReindexReport reindex(Principal principal) {
        principal.requireAdmin();
        return run(null, null);
    }

    /**
     * What one API request does: from {@code after} (a previous answer's {@code next}; null to start), until the walk
     * ends or {@link Limits#API_REQUEST_WORK} has passed since {@code requestStarted}, when API Gateway received the
     * request (null, or a time this clock cannot have seen a live request at, another machine's clock or a replayed
     * event: now). A {@code next} in the answer means: call again with it.
     */
    public ReindexReport reindex(Principal principal, String after, Instant requestStarted) {
        principal.requireAdmin();
        Instant now = clock.instant();
        boolean plausible = requestStarted != null && !requestStarted.isAfter(now)
                && requestStarted.isAfter(now.minus(Limits.API_GATEWAY_TIMEOUT));
        Instant started = plausible ? requestStarted : now;
        return run(after, started.plus(Limits.API_REQUEST_WORK));
    }

    private ReindexReport run(String after, Instant deadline) {
        Counts counts = new Counts();
        if (after == null) {
            index.ensureConfig();
        }
        String cursor = after;
        boolean begun = false;
        boolean firstPage = true;
        do {
            SearchSource.Page page;
            try {
                page = crates.page(cursor, PAGE);
            } catch (IllegalArgumentException notOurs) {
                if (!firstPage || cursor == null) {
                    throw notOurs;
                }
                // only the caller's cursor can be refused as not a cursor; a page after it that fails is our error
                throw RegistryException.badRequest("`after` is not a cursor a reindex answered: start again without it");
            }
            List<SearchSource.Entry> entries = page.entries();
            for (int i = 0; i < entries.size(); i++) {
                SearchSource.Entry e = entries.get(i);
                String before = i == 0 ? cursor : page.after().get(i - 1);
                if (deadline != null && begun && heavy(e) && before != null) {
                    // a crate with a long history gets a request of its own, from its start, so it never begins late
                    // in a request, overruns API Gateway's 30 s and is begun late again by every retry
                    return counts.report(before);
                }
                reindex(e, counts);
                begun |= !e.isCounts();
                String resume = page.after().get(i);
                if (i + 1 < entries.size() && resume != null && pastDeadline(deadline)) {
                    // the invalidation waits for the walk's end
                    return counts.report(resume);
                }
            }
            cursor = page.next();
            firstPage = false;
        } while (cursor != null && !pastDeadline(deadline));
        // Index files refresh at the edge by their max-age; a repair also drops whatever an edge holds (a file written by
        // an older release with other headers), with one wildcard path for every file rather than one per crate (and
        // one per walk, at its end, rather than one per request). Best effort: the files at the origin are already right.
        if (cursor == null && (counts.rebuilt > 0 || after != null)) {
            try {
                cdn.invalidate(List.of(IndexPaths.CDN_WILDCARD));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "CDN invalidation of " + IndexPaths.CDN_WILDCARD + " failed", e);
            }
        }
        return counts.report(cursor);
    }

    private static boolean heavy(SearchSource.Entry e) {
        return e.summary() != null && e.summary().numVersions() > HEAVY_VERSIONS;
    }

    private boolean pastDeadline(Instant deadline) {
        return deadline != null && !clock.instant().isBefore(deadline);
    }

    private void reindex(SearchSource.Entry e, Counts counts) {
        if (e.isCounts()) {
            // a crate's download counts: its crate has an entry of its own (or had, and its tombstone)
            return;
        }
        try {
            // a tombstone and a live record of the same name (removed, then published again) each come:
            // finishing a removal checks the live record, so both are handled right, in either order
            int done = cleanup.finishCrate(e.canonicalName(), e.name());
            counts.cleaned += Math.max(0, done);
            if (!e.removed()) {
                cleanup.dropOutranking(e.canonicalName());
                List<List<MetadataStore.VersionRecord>> read = new ArrayList<>(1);
                IndexSync.Outcome synced = index.sync(e.canonicalName(), true, versions -> {
                    read.clear();
                    read.add(versions);
                });
                if (synced == IndexSync.Outcome.NO_SUCH_CRATE) {
                    // removed since the page was read: nothing to rebuild, and its removal cleans up after itself
                    return;
                }
                // crates created before ownership items existed get theirs (GET /api/v1/me lists them)
                store.recordOwnership(e.canonicalName());
                // and the reverse dependencies its versions declare (derived data a publish may have missed), from
                // the versions the index file was rendered from (the cleanup's read comes before, as it must, so a
                // crate's versions are read twice, not three times), in one call so the store batches across versions
                List<MetadataStore.DependencyEdge> edges = new ArrayList<>();
                (read.isEmpty() ? store.listVersions(e.canonicalName()) : read.get(0))
                        .forEach(v -> edges.addAll(DependencyEdges.of(v)));
                store.recordDependents(edges);
                counts.rebuilt++;
            }
        } catch (RuntimeException ex) {
            counts.failed++;
            LOG.log(Level.WARNING, "reindex of " + e.canonicalName() + " failed", ex);
        }
    }

    private static final class Counts {
        int rebuilt;
        int cleaned;
        int failed;

        ReindexReport report(String next) {
            return new ReindexReport(rebuilt, cleaned, failed, next);
        }
    }
}
