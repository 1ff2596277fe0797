package dev.cargoreg.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.PendingRemoval;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * What a removal does outside the table, after its commit: the index file re-rendered (or deleted with the crate), the
 * tarball deleted, the CDN told, and then the {@link PendingRemoval} forgotten. Every step is idempotent, so running it
 * again (a repeated removal, a reindex) finishes what a crash or a failure interrupted.
 *
 * <p>It also repairs what removals left before they were recorded: versions that an index file still lists but the
 * truth no longer has (their tarballs are deleted), and index files of crates that no longer exist.
 *
 * <p>The tarball is deleted only while the version is absent from the truth and, for a recorded removal, while the
 * record still exists: a publish of that version cannot commit before the record is gone (see
 * {@link MetadataStore#commitPublish}), and a publish re-writes its tarball after its commit if it finds it missing.
 */
final class RemovalCleanup {
    private static final Logger LOG = Logger.getLogger(RemovalCleanup.class.getName());
    /** Names as crates are published: anything else cannot have a file (and must not build object keys). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final MetadataStore store;
    private final BlobStore blobs;
    private final IndexSync index;
    private final CdnInvalidator cdn;
    private final Clock clock;

    RemovalCleanup(MetadataStore store, BlobStore blobs, IndexSync index, CdnInvalidator cdn, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.blobs = blobs;
        this.index = index;
        this.cdn = cdn;
    }

    static boolean plausibleName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Finishes one recorded removal. */
    void finish(PendingRemoval p) {
        clean(p.canonicalName(), p.name(), p.version(), p.versionWithoutBuild(), true);
    }

    /**
     * Finishes the removal of one version that is already gone from the truth: its record, or else (a removal from
     * before they were recorded) its tarball, index line or README (one kept by a reader while the removal ran, whose
     * taking back failed) if any is still there. False when nothing is left.
     */
    boolean finishVersion(String canonical, String requestedName, String version) {
        String withoutBuild;
        try {
            withoutBuild = CrateVersion.parse(version, 256).withoutBuild();
        } catch (RegistryException notSemver) {
            return false;
        }
        for (PendingRemoval p : store.pendingRemovals(canonical)) {
            if (p.versionWithoutBuild().equals(withoutBuild)) {
                finish(p);
                return true;
            }
        }
        if (liveVersion(canonical, withoutBuild, version)) {
            return false;
        }
        Map<String, String> listed = listedVersions(canonical, requestedName);
        String name = listed.getOrDefault(version, nameOf(canonical, requestedName, listed));
        if (listed.containsKey(version) || blobs.head(IndexPaths.crateKey(name, version)).isPresent()
                || blobs.head(IndexPaths.readmeKey(name, version)).isPresent()
                || blobs.head(IndexPaths.readmeTextKey(name, version)).isPresent()) {
            clean(canonical, name, version, withoutBuild, false);
            return true;
        }
        return false;
    }

    /**
     * Finishes every removal of the crate that is still to clean up: its records, and the versions its index file
     * lists that the truth does not have; deletes the file of a crate that no longer exists. Returns how many versions
     * it cleaned up, or -1 when there was nothing at all to do.
     */
    int finishCrate(String canonical, String requestedName) {
        int cleaned = 0;
        Set<String> done = new HashSet<>();
        for (PendingRemoval p : store.pendingRemovals(canonical)) {
            finish(p);
            done.add(p.version());
            cleaned++;
        }
        Map<String, String> listed = listedVersions(canonical, requestedName);
        if (!listed.isEmpty()) {
            Set<String> live = new HashSet<>();
            for (VersionRecord v : store.listVersions(canonical)) {
                live.add(v.version());
            }
            for (Map.Entry<String, String> e : listed.entrySet()) {
                if (live.contains(e.getKey()) || done.contains(e.getKey())) {
                    continue;
                }
                String withoutBuild;
                try {
                    withoutBuild = CrateVersion.parse(e.getKey(), 256).withoutBuild();
                } catch (RegistryException notSemver) {
                    continue;
                }
                clean(canonical, e.getValue(), e.getKey(), withoutBuild, false);
                cleaned++;
            }
        }
        if (cleaned > 0) {
            return cleaned;
        }
        // nothing to delete, but a removed crate's file may still be there (a removal interrupted after its last
        // tarball, or a file that no longer parses)
        Optional<CrateRecord> crate = store.findCrate(canonical);
        String name = crate.map(CrateRecord::name).orElse(requestedName);
        if (crate.isEmpty() && plausibleName(name) && blobs.head(IndexPaths.keyOf(name)).isPresent()) {
            syncIndex(canonical, name);
            return 0;
        }
        return -1;
    }

    /**
     * Brings the index file in line with the truth after a removal (deleting it when the crate is gone), replacing a
     * file labelled with a higher revision than the crate's: revisions never go backwards, so that file was left by
     * a removed crate of the same name (before the revision survived removal).
     */
    void syncIndex(String canonical, String name) {
        try {
            dropOutranking(canonical);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not check the index file of " + canonical, e);
            throw RegistryException.unavailable(IndexSync.repeatToRepair(name, "remove it"));
        }
        index.afterCommit(canonical, name, IndexSync.repeatToRepair(name, "remove it"));
        // created again under another `-`/`_` spelling (`my_crate` after `my-crate`): index paths keep the spelling, so
        // the live crate's file is at another key, and the removed spelling's file would list its versions for ever
        try {
            store.findCrate(canonical).map(CrateRecord::name)
                    .filter(live -> !IndexPaths.keyOf(live).equals(IndexPaths.keyOf(name)) && plausibleName(name))
                    .ifPresent(live -> blobs.delete(IndexPaths.keyOf(name)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete the index file of the removed spelling " + name, e);
            throw RegistryException.unavailable(IndexSync.repeatToRepair(name, "remove it"));
        }
    }

    /** Deletes the crate's index file when its label is above the crate's revision (see {@link #syncIndex}). */
    void dropOutranking(String canonical) {
        Optional<CrateRecord> before = store.findCrate(canonical);
        if (before.isEmpty()) {
            return;
        }
        String key = IndexPaths.keyOf(before.get().name());
        Optional<BlobStore.BlobInfo> file = blobs.head(key);
        // the revision read after the file: a label written since the first read is never above it
        Optional<CrateRecord> crate = store.findCrate(canonical);
        if (crate.isEmpty()) {
            return;
        }
        if (file.isPresent() && labelOf(file.get()) > crate.get().revision()) {
            LOG.warning("index file " + key + " is labelled above the crate's revision " + crate.get().revision()
                    + ": a removed crate's; replacing it");
            blobs.delete(key);
        }
    }

    private void clean(String canonical, String name, String version, String withoutBuild, boolean recorded) {
        syncIndex(canonical, name);
        String tarball = IndexPaths.crateKey(name, version);
        // Checked again right before the delete: another cleanup may have finished and the version been published again.
        boolean stillToDo = recorded
                ? store.pendingRemovals(canonical).stream().anyMatch(p -> p.versionWithoutBuild().equals(withoutBuild))
                : !liveVersion(canonical, withoutBuild, version);
        if (stillToDo) {
            String readme = IndexPaths.readmeKey(name, version);
            String readmeText = IndexPaths.readmeTextKey(name, version);
            try {
                // the readmes first: a tarball still there means the removal is not finished, and it is run again
                blobs.delete(readme);
                blobs.delete(readmeText);
                blobs.delete(tarball);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "tarball deletion failed for " + tarball, e);
                throw RegistryException.unavailable("`" + name + "@" + version + "` is gone from the index,"
                        + " but its tarball could not be deleted; remove it again to finish, or delete the object "
                        + tarball + " from the bucket");
            }
            // only after the delete, or the CDN could fetch and keep the tarball again (edges keep tarballs for a year)
            try {
                cdn.invalidate(List.of("/" + tarball, "/" + readme, "/" + readmeText));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "CDN invalidation failed for /" + tarball + " and its readme", e);
                throw RegistryException.unavailable("`" + name + "@" + version + "` is removed, but the CDN could not be"
                        + " asked to drop its cached tarball; remove it again to finish");
            }
        }
        if (recorded) {
            store.finishRemoval(canonical, withoutBuild, clock.instant());
        }
    }

    private boolean liveVersion(String canonical, String withoutBuild, String version) {
        return store.findVersion(canonical, withoutBuild).filter(v -> v.version().equals(version)).isPresent();
    }

    /** The versions the crate's index file lists, each with the crate name its line gives; empty without a file. */
    private Map<String, String> listedVersions(String canonical, String requestedName) {
        String name = store.findCrate(canonical).map(CrateRecord::name).orElse(requestedName);
        Map<String, String> out = new LinkedHashMap<>();
        if (!plausibleName(name)) {
            return out;
        }
        Optional<BlobStore.Blob> file = blobs.get(IndexPaths.keyOf(name));
        if (file.isEmpty()) {
            return out;
        }
        for (String line : new String(file.get().body(), StandardCharsets.UTF_8).split("\n")) {
            try {
                JsonNode n = Json.readTree(line);
                if (n != null && n.path("vers").isTextual() && plausibleName(n.path("name").asText())
                        && CrateName.canonical(n.path("name").asText()).equals(canonical)) {
                    out.put(n.get("vers").asText(), n.get("name").asText());
                }
            } catch (IOException | RuntimeException unreadable) {
                // a damaged line names nothing
            }
        }
        return out;
    }

    private String nameOf(String canonical, String requestedName, Map<String, String> listed) {
        return store.findCrate(canonical).map(CrateRecord::name)
                .orElse(listed.isEmpty() ? requestedName : listed.values().iterator().next());
    }

    private static long labelOf(BlobStore.BlobInfo info) {
        String r = info.metadata().get(IndexSync.REVISION_METADATA);
        try {
            return r == null ? -1 : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
