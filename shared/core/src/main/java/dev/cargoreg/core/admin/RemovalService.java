package dev.cargoreg.core.admin;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.port.OptimisticRetry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Admin removal of a version or a whole crate, for what must not stay published (a leaked secret, a licence
 * problem). Its index line goes (the index file with the last version), its tarball goes, the CDN paths are
 * invalidated, and search forgets a removed crate. Nothing else is touched. Unlike yank, this breaks lockfiles that
 * pin the version: that is the point.
 *
 * <p>The commit records what is left to clean up ({@link MetadataStore.PendingRemoval}) and the record goes only when
 * the cleanup is done, so removal is idempotent: removing again a version or crate that is already gone from the
 * truth finishes the job (tarball, index file, CDN) instead of answering 404, and a reindex finishes it too.
 */
public final class RemovalService {
    private final MetadataStore store;
    private final CrateLookup access;
    private final RemovalCleanup cleanup;
    private final Clock clock;

    public RemovalService(MetadataStore store, BlobStore blobs, IndexSync index, CdnInvalidator cdn, Clock clock) {
        this.store = store;
        this.access = new CrateLookup(store);
        this.cleanup = new RemovalCleanup(store, blobs, index, cdn, clock);
        this.clock = clock;
    }

    /** Removes a version; when it is already gone from the truth, finishes what its removal left (404 if nothing). */
    public void removeVersion(Principal principal, String name, String version) {
        principal.requireAdmin();
        CrateRecord crate;
        VersionRecord target;
        try {
            crate = access.crate(name);
            target = access.version(crate, version);
        } catch (RegistryException notFound) {
            if (notFound.status() != 404 || !RemovalCleanup.plausibleName(name)
                    || !cleanup.finishVersion(CrateName.canonical(name), name, version)) {
                throw notFound;
            }
            return;
        }
        remove(principal, crate, target);
    }

    /**
     * Removes every version, newest first, then the crate; running it again after a failure finishes the job, also
     * once the crate is gone from the truth (404 only when nothing is left). Returns how many versions it removed or
     * cleaned up.
     */
    public int removeCrate(Principal principal, String name) {
        principal.requireAdmin();
        CrateRecord crate;
        try {
            crate = access.crate(name);
        } catch (RegistryException notFound) {
            int cleaned = notFound.status() == 404 && RemovalCleanup.plausibleName(name)
                    ? cleanup.finishCrate(CrateName.canonical(name), name) : -1;
            if (cleaned < 0) {
                throw notFound;
            }
            return cleaned;
        }
        // an earlier removal of one of its versions may be unfinished
        int cleaned = Math.max(0, cleanup.finishCrate(crate.canonicalName(), crate.name()));
        List<VersionRecord> versions = new ArrayList<>(store.listVersions(crate.canonicalName()));
        versions.sort(Comparator.comparingLong(VersionRecord::seq).reversed());
        int removed = 0;
        // until none is left: a version published meanwhile is not in the list read first
        while (!versions.isEmpty()) {
            for (VersionRecord v : versions) {
                remove(principal, access.crate(name), v);
                removed++;
            }
            if (store.findCrate(crate.canonicalName()).filter(c -> c.createdAt().equals(crate.createdAt())).isEmpty()) {
                break; // gone, or a new crate under the name: not this removal's
            }
            versions = new ArrayList<>(store.listVersions(crate.canonicalName()));
            versions.sort(Comparator.comparingLong(VersionRecord::seq).reversed());
        }
        return removed + cleaned;
    }

    /** The crate page describes its newest remaining version, as after a publish. */
    private CrateSummary.Descriptive descriptiveOfNewest(CrateRecord crate, VersionRecord removed) {
        return store.listVersions(crate.canonicalName()).stream()
                .filter(v -> !v.versionWithoutBuild().equals(removed.versionWithoutBuild()))
                .max(Comparator.comparingLong(VersionRecord::seq))
                .map(v -> v.details().descriptive())
                .orElse(crate.summary().descriptive());
    }

    private void remove(Principal principal, CrateRecord crate, VersionRecord target) {
        CrateRecord committed = OptimisticRetry.run(crate.name(), "try again", attempt -> {
            CrateRecord current = attempt == 1 ? crate : access.crate(crate.name());
            if (attempt > 1 && store.findVersion(current.canonicalName(), target.versionWithoutBuild())
                    .filter(v -> v.version().equals(target.version()) && v.seq() == target.seq()).isEmpty()) {
                return null; // removed meanwhile (and maybe published again): not this removal's to take
            }
            List<CrateSummary.VersionFacts> rest = store.listVersions(current.canonicalName()).stream()
                    .filter(v -> !v.versionWithoutBuild().equals(target.versionWithoutBuild()))
                    .map(v -> new CrateSummary.VersionFacts(v.version(), v.seq(), v.yanked()))
                    .toList();
            CrateSummary summary = rest.isEmpty() ? null : CrateSummary.of(descriptiveOfNewest(current, target), rest);
            Instant now = clock.instant();
            store.commitRemoval(new MetadataStore.RemovalCommit(current.canonicalName(), current.name(),
                    target.version(), target.versionWithoutBuild(), current.revision(), summary, now),
                    AuditRecord.of(summary == null ? Action.CRATE_REMOVED : Action.VERSION_REMOVED, principal,
                            current.name(), target.version(), null, now));
            return current;
        });
        if (committed == null) {
            return;
        }
        // the commit recorded this; until the cleanup forgets it, removing again or reindexing finishes it
        cleanup.finish(new MetadataStore.PendingRemoval(committed.canonicalName(), committed.name(), target.version(),
                target.versionWithoutBuild(), clock.instant()));
    }
}
