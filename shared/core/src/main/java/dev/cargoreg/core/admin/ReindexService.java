package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Recovery: makes every index file (and config.json) equal to DynamoDB, whatever the files say now, and finishes
 * removals that a crash or a failure interrupted: pending removals are cleaned up (tarball, index line, CDN), files of
 * removed crates are deleted, tarballs of versions an index file lists but the truth no longer has are deleted, and a
 * file labelled above its crate's revision (left by a removed crate of the same name) is replaced.
 * The search data needs no rebuild: it is the crate records themselves.
 */
public final class ReindexService {
    private static final Logger LOG = Logger.getLogger(ReindexService.class.getName());

    private final SearchSource crates;
    private final IndexSync index;
    private final CdnInvalidator cdn;
    private final RemovalCleanup cleanup;

    public ReindexService(SearchSource crates, MetadataStore store, BlobStore blobs, IndexSync index, CdnInvalidator cdn) {
        this.crates = crates;
        this.index = index;
        this.cdn = cdn;
        this.cleanup = new RemovalCleanup(store, blobs, index, cdn);
    }

    public ReindexReport reindex(Principal principal) {
        principal.requireAdmin();
        int rebuilt = 0;
        int cleaned = 0;
        int failed = 0;
        index.ensureConfig();
        // a crate removed and published again has both a tombstone and a record: it is live
        Map<String, SearchSource.Entry> byCrate = new LinkedHashMap<>();
        for (SearchSource.Entry e : crates.loadAll()) {
            byCrate.merge(e.canonicalName(), e, (a, b) -> a.removed() ? b : a);
        }
        for (SearchSource.Entry e : byCrate.values()) {
            try {
                int done = cleanup.finishCrate(e.canonicalName(), e.name());
                cleaned += Math.max(0, done);
                if (!e.removed()) {
                    cleanup.dropOutranking(e.canonicalName());
                    index.sync(e.canonicalName(), true);
                    rebuilt++;
                }
            } catch (RuntimeException ex) {
                failed++;
                LOG.log(Level.WARNING, "reindex of " + e.canonicalName() + " failed", ex);
            }
        }
        // Index files refresh at the edge by their max-age; a repair also drops whatever an edge holds (a file written by
        // an older release with other headers), with one wildcard path for every file rather than one per crate. Best
        // effort: the files at the origin are already right.
        if (rebuilt > 0) {
            try {
                cdn.invalidate(List.of(IndexPaths.CDN_WILDCARD));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "CDN invalidation of " + IndexPaths.CDN_WILDCARD + " failed", e);
            }
        }
        return new ReindexReport(rebuilt, cleaned, failed);
    }
}
