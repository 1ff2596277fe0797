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
 * Crate by crate, a page of the search data at a time: an API request stops after {@link Limits#API_REQUEST_WORK}
 * and answers where to go on from ({@link ReindexReport#next}), so a registry of any size is reindexed in requests
 * API Gateway does not cut off. Every step is idempotent, so a page done twice (a retried request) is harmless.
 */
public final class ReindexService {
    private static final Logger LOG = Logger.getLogger(ReindexService.class.getName());
    /**
     * Search entries read per page (one DynamoDB Query). A request stops between pages, so its last page may run past
     * {@link Limits#API_REQUEST_WORK} by a page's work (a crate costs about ten storage calls, plus one write per
     * version for its reverse dependencies): a small page keeps that inside API Gateway's 30 seconds for crates of up to
     * a few hundred versions.
     */
    static final int PAGE = 5;

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
        this.cleanup = new RemovalCleanup(store, blobs, index, cdn);
    }

    /** The whole registry in one call (the local runner, tests); the API pages with {@link #reindex(Principal, String)}. */
    public ReindexReport reindex(Principal principal) {
        principal.requireAdmin();
        return run(null, null);
    }

    /**
     * What one API request does: from {@code after} (a previous answer's {@code next}; null to start), until the walk
     * ends or {@link Limits#API_REQUEST_WORK} has passed. A {@code next} in the answer means: call again with it.
     */
    public ReindexReport reindex(Principal principal, String after) {
        principal.requireAdmin();
        return run(after, clock.instant().plus(Limits.API_REQUEST_WORK));
    }

    private ReindexReport run(String after, Instant deadline) {
        int rebuilt = 0;
        int cleaned = 0;
        int failed = 0;
        if (after == null) {
            index.ensureConfig();
        }
        String cursor = after;
        do {
            SearchSource.Page page;
            try {
                page = crates.page(cursor, PAGE);
            } catch (IllegalArgumentException notOurs) {
                throw RegistryException.badRequest("`after` is not a cursor a reindex answered: start again without it");
            }
            for (SearchSource.Entry e : page.entries()) {
                if (e.isCounts()) {
                    // a crate's download counts: its crate has an entry of its own (or had, and its tombstone)
                    continue;
                }
                try {
                    // a tombstone and a live record of the same name (removed, then published again) each come:
                    // finishing a removal checks the live record, so both are handled right, in either order
                    int done = cleanup.finishCrate(e.canonicalName(), e.name());
                    cleaned += Math.max(0, done);
                    if (!e.removed()) {
                        cleanup.dropOutranking(e.canonicalName());
                        index.sync(e.canonicalName(), true);
                        // crates created before ownership items existed get theirs (GET /api/v1/me lists them)
                        store.recordOwnership(e.canonicalName());
                        // and the reverse dependencies its versions declare (derived data a publish may have missed)
                        store.listVersions(e.canonicalName()).forEach(v -> store.recordDependents(v,
                                DependencyEdges.of(v)));
                        rebuilt++;
                    }
                } catch (RuntimeException ex) {
                    failed++;
                    LOG.log(Level.WARNING, "reindex of " + e.canonicalName() + " failed", ex);
                }
            }
            cursor = page.next();
        } while (cursor != null && (deadline == null || clock.instant().isBefore(deadline)));
        // Index files refresh at the edge by their max-age; a repair also drops whatever an edge holds (a file written by
        // an older release with other headers), with one wildcard path for every file rather than one per crate (and
        // one per walk, at its end, rather than one per request). Best effort: the files at the origin are already right.
        if (cursor == null && (rebuilt > 0 || after != null)) {
            try {
                cdn.invalidate(List.of(IndexPaths.CDN_WILDCARD));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "CDN invalidation of " + IndexPaths.CDN_WILDCARD + " failed", e);
            }
        }
        return new ReindexReport(rebuilt, cleaned, failed, cursor);
    }
}
