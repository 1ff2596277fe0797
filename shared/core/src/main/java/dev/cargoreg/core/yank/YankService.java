package dev.cargoreg.core.yank;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.port.OptimisticRetry;

import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;

/**
 * Yank and unyank: only the line's `yanked` flag changes (checksum, deps and order stay), owners only, idempotent.
 * A yanked version stays downloadable, so lockfiles that pin it keep building. A registry administrator may yank
 * and unyank any crate (recorded as the version's yankChangedBy, and logged).
 */
public final class YankService {
    private static final Logger LOG = Logger.getLogger(YankService.class.getName());

    private final MetadataStore store;
    private final IndexSync index;
    private final CrateLookup access;
    private final Clock clock;

    public YankService(MetadataStore store, IndexSync index, Clock clock) {
        this.store = store;
        this.index = index;
        this.access = new CrateLookup(store);
        this.clock = clock;
    }

    public void setYanked(Principal principal, String name, String version, boolean yanked) {
        String login = principal.require(Scope.YANK, name);
        String verb = yanked ? "yank" : "unyank";
        String again = "run `cargo yank" + (yanked ? "" : " --undo") + "`";
        OptimisticRetry.run(name, "try again", attempt -> {
            CrateRecord crate = access.crate(name);
            boolean byAdmin = CrateLookup.requireOwnerOrAdmin(crate, principal, verb + " its versions");
            VersionRecord target = access.version(crate, version);
            if (target.yanked() != yanked) {
                List<CrateSummary.VersionFacts> facts = store.listVersions(crate.canonicalName()).stream()
                        .map(v -> new CrateSummary.VersionFacts(v.version(), v.seq(),
                                v.versionWithoutBuild().equals(target.versionWithoutBuild()) ? yanked : v.yanked()))
                        .toList();
                CrateSummary summary = CrateSummary.of(crate.summary().descriptive(), facts);
                store.commitYank(new MetadataStore.YankCommit(crate.canonicalName(), target.versionWithoutBuild(), yanked,
                        crate.revision(), login, summary, clock.instant(), byAdmin));
                if (byAdmin) {
                    // the version item keeps yankChangedBy; the log says it was an administrator's override
                    LOG.info(() -> "admin `" + login + "` " + verb + "ed " + crate.name() + "@" + target.version()
                            + " (not an owner)");
                }
            }
            // Also when nothing changed: the index must show the truth (repairs an earlier failed write).
            index.afterCommit(crate.canonicalName(), crate.name(), IndexSync.repeatToRepair(crate.name(), again));
            return null;
        });
    }
}
