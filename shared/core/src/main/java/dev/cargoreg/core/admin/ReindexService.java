package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.SearchSource;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Recovery: rebuilds every crate's index file (and config.json) from DynamoDB, whatever the files say now.
 * The search data needs no rebuild: it is the crate records themselves.
 */
public final class ReindexService {
    private static final Logger LOG = Logger.getLogger(ReindexService.class.getName());

    private final SearchSource crates;
    private final IndexSync index;

    public ReindexService(SearchSource crates, IndexSync index) {
        this.crates = crates;
        this.index = index;
    }

    public ReindexReport reindex(Principal principal) {
        principal.requireAdmin();
        int rebuilt = 0;
        int failed = 0;
        index.ensureConfig();
        for (SearchSource.Entry e : crates.loadAll()) {
            if (e.removed()) {
                continue;
            }
            try {
                index.sync(e.canonicalName(), true);
                rebuilt++;
            } catch (RuntimeException ex) {
                failed++;
                LOG.log(Level.WARNING, "reindex of " + e.canonicalName() + " failed", ex);
            }
        }
        return new ReindexReport(rebuilt, failed);
    }
}
