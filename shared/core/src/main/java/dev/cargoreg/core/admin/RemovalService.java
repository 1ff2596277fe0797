package dev.cargoreg.core.admin;

import dev.cargoreg.core.port.OptimisticRetry;
import dev.cargoreg.core.port.CrateLookup;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CommitConflict;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Admin removal of a version or a whole crate, for what must not stay published (a leaked secret, a licence
 * problem). Its index line goes (the index file with the last version), its tarball goes, the CDN paths are
 * invalidated, and search forgets a removed crate. Nothing else is touched. Unlike yank, this breaks lockfiles that
 * pin the version: that is the point.
 */
public final class RemovalService {
    private static final Logger LOG = Logger.getLogger(RemovalService.class.getName());

    private final MetadataStore store;
    private final BlobStore blobs;
    private final IndexSync index;
    private final CrateLookup access;
    private final Clock clock;

    public RemovalService(MetadataStore store, BlobStore blobs, IndexSync index, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.index = index;
        this.access = new CrateLookup(store);
        this.clock = clock;
    }

    public void removeVersion(Principal principal, String name, String version) {
        principal.requireAdmin();
        CrateRecord crate = access.crate(name);
        VersionRecord target = access.version(crate, version);
        remove(crate, target);
    }

    /** Removes every version, newest first, then the crate; running it again after a failure finishes the job. */
    public int removeCrate(Principal principal, String name) {
        principal.requireAdmin();
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = new ArrayList<>(store.listVersions(crate.canonicalName()));
        versions.sort(Comparator.comparingLong(VersionRecord::seq).reversed());
        for (VersionRecord v : versions) {
            remove(access.crate(name), v);
        }
        return versions.size();
    }

    /** The crate page describes its newest remaining version, as after a publish. */
    private CrateSummary.Descriptive descriptiveOfNewest(CrateRecord crate, VersionRecord removed) {
        return store.listVersions(crate.canonicalName()).stream()
                .filter(v -> !v.versionWithoutBuild().equals(removed.versionWithoutBuild()))
                .max(Comparator.comparingLong(VersionRecord::seq))
                .map(v -> v.details().descriptive())
                .orElse(crate.summary().descriptive());
    }

    private void remove(CrateRecord crate, VersionRecord target) {
        CrateRecord committed = OptimisticRetry.run(crate.name(), "try again", attempt -> {
            CrateRecord current = attempt == 1 ? crate : access.crate(crate.name());
            List<CrateSummary.VersionFacts> rest = store.listVersions(current.canonicalName()).stream()
                    .filter(v -> !v.versionWithoutBuild().equals(target.versionWithoutBuild()))
                    .map(v -> new CrateSummary.VersionFacts(v.version(), v.seq(), v.yanked()))
                    .toList();
            CrateSummary summary = rest.isEmpty() ? null : CrateSummary.of(descriptiveOfNewest(current, target), rest);
            store.commitRemoval(new MetadataStore.RemovalCommit(current.canonicalName(), current.name(),
                    target.versionWithoutBuild(), current.revision(), summary, clock.instant()));
            return current;
        });
        String tarball = IndexPaths.crateKey(committed.name(), target.version());
        index.afterCommit(committed.canonicalName(), committed.name(), IndexSync.repeatToRepair(committed.name(), "remove it"), List.of());
        try {
            blobs.delete(tarball);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "tarball deletion failed for " + tarball, e);
            throw RegistryException.unavailable("`" + committed.name() + "@" + target.version() + "` is gone from the index,"
                    + " but its tarball could not be deleted; delete the object " + tarball + " from the bucket");
        }
        // only after the delete, or the CDN could fetch and keep the tarball again
        index.invalidatePaths(List.of("/" + tarball));
    }
}
