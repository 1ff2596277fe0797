package dev.cargoreg.core.publish;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.crate.VersionDetails;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.DependencyEdges;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CommitConflict;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.port.OptimisticRetry;
import dev.cargoreg.core.port.UpstreamNames;
import dev.cargoreg.core.readme.ReadmeObjects;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The publish policy: validate everything in memory, then write in an order that never shows half a publish
 * (tarball if absent → one transaction for version, crate and first owner → index file).
 */
public final class PublishService {
    private static final Logger LOG = Logger.getLogger(PublishService.class.getName());

    private final RegistryConfig config;
    private final MetadataStore store;
    private final BlobStore blobs;
    private final IndexSync index;
    private final MetadataValidator validator;
    private final TarballInspector inspector;
    /** The same checks with the rules an administrator's import relaxes ({@link PublishRules#adminImport}). */
    private final MetadataValidator importValidator;
    private final ManifestMetadata manifests;
    private final Clock clock;
    private final UpstreamNames upstreamNames;
    /** config.json is checked once per instance (a Lambda container), on its first publish. */
    private final AtomicBoolean configChecked = new AtomicBoolean();

    /** A registry without a mirror: no upstream names to collide with. */
    public PublishService(RegistryConfig config, MetadataStore store, BlobStore blobs, IndexSync index, Clock clock) {
        this(config, store, blobs, index, clock, UpstreamNames.NONE);
    }

    public PublishService(RegistryConfig config, MetadataStore store, BlobStore blobs, IndexSync index, Clock clock,
                          UpstreamNames upstreamNames) {
        this.upstreamNames = upstreamNames;
        this.config = config;
        this.store = store;
        this.blobs = blobs;
        this.index = index;
        this.validator = new MetadataValidator(config.limits());
        this.inspector = new TarballInspector(config.limits());
        this.importValidator = new MetadataValidator(config.limits(), PublishRules.adminImport(null));
        this.manifests = new ManifestMetadata(config.indexUrl());
        this.clock = clock;
    }

    /** The crate's revision after the commit, and the new version's sequence number. */
    private record Committed(long revision, long seq, VersionRecord version) {
    }

    /** What cargo prints after a successful publish; {@code cksum} is the SHA-256 of the .crate, as in the index. */
    public record Result(String name, String version, String cksum, List<String> otherWarnings) {
    }

    /** What an administrator's import did with one .crate: {@code alreadyPresent} when these very bytes were there. */
    public record Imported(String name, String version, String cksum, boolean alreadyPresent) {
    }

    /** `cargo publish`: the envelope of metadata JSON and .crate. */
    public Result publish(Principal principal, byte[] body) {
        principal.requireLogin();
        PublishEnvelope envelope = PublishEnvelope.parse(body, config.limits());
        NewCrateMetadata meta = validator.parse(envelope.metadataJson());
        return commit(principal, meta, envelope.crateArray(), validator, PublishRules.NEW_PUBLISH, null);
    }

    /**
     * A bare .crate file, kept byte for byte: the metadata is what cargo would have sent for it, read from its
     * normalized Cargo.toml; then every check and write of {@link #publish} applies unchanged.
     */
    public Result push(Principal principal, byte[] crate) {
        principal.requireLogin();
        return commit(principal, metadataOf(crate), crate, validator, PublishRules.NEW_PUBLISH, "push");
    }

    /**
     * An administrator's import of a .crate that exists elsewhere: the rules {@link PublishRules#adminImport} names are
     * relaxed, the rest is {@link #push}. Idempotent: the same bytes again are {@link Imported#alreadyPresent};
     * other bytes for a version that is there are refused as a publish would be.
     */
    public Imported importCrate(Principal principal, byte[] crate, Instant publishedAt) {
        principal.requireAdmin();
        NewCrateMetadata meta = metadataOf(crate);
        String cksum = Digests.sha256Hex(crate);
        String canonical = CrateName.canonical(meta.name());
        Optional<VersionRecord> there = store.findCrate(canonical).isEmpty() ? Optional.empty()
                : store.findVersion(canonical, withoutBuild(meta.vers()));
        if (there.isPresent() && there.get().version().equals(meta.vers()) && there.get().cksum().equals(cksum)) {
            return new Imported(meta.name(), meta.vers(), cksum, true);
        }
        commit(principal, meta, crate, importValidator, PublishRules.adminImport(publishedAt),
                "import" + (publishedAt == null ? "" : " (pubtime " + publishedAt + ")"));
        return new Imported(meta.name(), meta.vers(), cksum, false);
    }

    /** The metadata of a bare .crate, after the same size limit the publish envelope applies. */
    private NewCrateMetadata metadataOf(byte[] crate) {
        PublishEnvelope.checkCrateSize(crate.length, config.limits());
        return manifests.read(inspector.manifestOf(ByteBuffer.wrap(crate)));
    }

    private static String withoutBuild(String vers) {
        int plus = vers == null ? -1 : vers.indexOf('+');
        return plus < 0 ? vers : vers.substring(0, plus);
    }

    private Result commit(Principal principal, NewCrateMetadata meta, byte[] crate, MetadataValidator checks,
                          PublishRules rules, String how) {
        String login = principal.requireLogin();
        CrateVersion version = checks.validate(meta);
        inspector.inspect(ByteBuffer.wrap(crate), meta.name(), meta.vers());
        String cksum = Digests.sha256Hex(crate);
        String canonical = CrateName.canonical(meta.name());

        Optional<CrateRecord> before = store.findCrate(canonical);
        principal.require(before.isPresent() ? Scope.PUBLISH_UPDATE : Scope.PUBLISH_NEW, meta.name());
        checkAllowed(before, meta.name(), login);
        if (before.isEmpty()) {
            // a new name must not shadow a crate of the mirrored upstream (dependency confusion)
            upstreamNames.requireFreeForPrivatePublish(meta.name());
        }
        refuseDuplicate(canonical, before, version, meta.name(), meta.vers(), crate, cksum);

        storeTarball(meta.name(), meta.vers(), crate, cksum);

        Instant now = clock.instant();
        // an import keeps the source's publish time (`pubtime`); the commit itself happens now
        Instant publishedAt = rules.publishedAt() != null ? rules.publishedAt() : now;
        String line = IndexLines.serialize(IndexEntries.of(meta, cksum, publishedAt));
        // a trusted-publishing token (always crate-scoped) carries where it came from: the version keeps it
        VersionDetails details = principal.crateScopes() == null ? details(meta)
                : store.tokenProvenance(principal.tokenId()).map(details(meta)::withProvenance).orElse(details(meta));
        Committed committed = OptimisticRetry.run(meta.name(), "publish again", attempt -> {
            Optional<CrateRecord> existing = before;
            if (attempt > 1) {
                existing = store.findCrate(canonical);
                principal.require(existing.isPresent() ? Scope.PUBLISH_UPDATE : Scope.PUBLISH_NEW, meta.name());
                checkAllowed(existing, meta.name(), login);
            }
            long revision = existing.map(CrateRecord::revision).orElse(0L);
            long count = existing.map(CrateRecord::versionCount).orElse(0L);
            VersionRecord record = new VersionRecord(canonical, meta.vers(), version.withoutBuild(), count + 1, line, false,
                    cksum, crate.length, login, publishedAt, details);
            CrateSummary summary = CrateSummary.afterPublish(existing.map(CrateRecord::summary).orElse(null),
                    descriptive(meta), meta.vers());
            try {
                store.commitPublish(new MetadataStore.PublishCommit(canonical, meta.name(), revision, count, login, record,
                        summary, now), AuditRecord.of(Action.CRATE_PUBLISHED, principal, meta.name(), meta.vers(), how, now));
            } catch (CommitConflict conflict) {
                if (conflict.versionTaken()) {
                    throw alreadyUploaded(store.findVersion(canonical, version.withoutBuild())
                            .map(VersionRecord::version).orElse(meta.vers()));
                }
                if (conflict.removalPending()) {
                    throw RegistryException.conflict("version `" + version.withoutBuild() + "` of `" + meta.name()
                            + "` was removed by an administrator and the removal is still being completed; publish again in two"
                            + " minutes"
                            + " (if this persists, an administrator can finish it by removing the version again)");
                }
                throw conflict;
            }
            return new Committed(revision + 1, count + 1, record);
        });
        recordDependents(committed.version());
        // A removal of this version that committed first may have deleted the tarball after it was stored: its pending
        // record held this commit back until the delete was done, so looking now sees it.
        ensureTarball(meta.name(), meta.vers(), crate, cksum);
        storeReadmeText(meta, committed.version());

        index.afterPublish(canonical, meta.name(), committed.revision(), committed.seq(), line, "`" + meta.name() + "@" + meta.vers() + "` was recorded,"
                + " but its index file could not be written; run the same `cargo publish` again: it will report the version"
                + " as already uploaded and bring the index up to date");
        if (!configChecked.get()) {
            try {
                index.ensureConfig();
                configChecked.set(true);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not check config.json", e);
            }
        }
        return new Result(meta.name(), meta.vers(), cksum, List.of());
    }

    private void checkAllowed(Optional<CrateRecord> existing, String name, String login) {
        if (existing.isEmpty()) {
            return;
        }
        CrateRecord crate = existing.get();
        if (!crate.owners().contains(login)) {
            throw RegistryException.forbidden("crate `" + crate.name() + "` exists and `" + login
                    + "` is not one of its owners; an owner can add you with `cargo owner --add " + login + " " + crate.name() + "`");
        }
        if (!crate.name().equals(name)) {
            throw RegistryException.badRequest("crate was previously named `" + crate.name() + "`; publish it under that name");
        }
    }

    /**
     * Reverse dependencies are derived data (like the index file): recorded after the commit, repaired by publishing the
     * same version again or by a reindex, so a failure here does not fail the publish.
     */
    private void recordDependents(VersionRecord v) {
        try {
            store.recordDependents(DependencyEdges.of(v));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record the reverse dependencies of " + v.canonicalName() + "@" + v.version(), e);
        }
    }

    private void refuseDuplicate(String canonical, Optional<CrateRecord> existing, CrateVersion version, String name,
                                 String vers, byte[] crate, String cksum) {
        if (existing.isEmpty()) {
            return;
        }
        Optional<VersionRecord> taken = store.findVersion(canonical, version.withoutBuild());
        if (taken.isPresent()) {
            // A retry after a failure past the commit lands here: make sure the index shows what was committed,
            // and that the tarball of these very bytes is there.
            try {
                index.sync(canonical, false);
                if (taken.get().version().equals(vers) && cksum.equals(taken.get().cksum())) {
                    ensureTarball(name, vers, crate, cksum);
                }
                recordDependents(taken.get());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "index or tarball repair failed for " + canonical, e);
            }
            throw alreadyUploaded(taken.get().version());
        }
    }

    /**
     * After the commit: the committed version's tarball must exist. A removal of the same version that committed
     * before this publish deletes the tarball before it lets this commit through (its pending record blocks it), so
     * it may have deleted the very object this publish stored or reused: write it again.
     */
    private void ensureTarball(String name, String vers, byte[] crate, String cksum) {
        String key = IndexPaths.crateKey(name, vers);
        if (blobs.head(key).isEmpty()) {
            LOG.warning("tarball " + key + " vanished before its commit (a concurrent removal); writing it again");
            blobs.putIfAbsent(key, crate, new BlobStore.Attributes("application/gzip", config.cache().crate(),
                    Map.of(IndexPaths.SHA256_METADATA, cksum)));
        }
    }

    private static RegistryException alreadyUploaded(String existingVersion) {
        return RegistryException.badRequest("crate version `" + existingVersion + "` is already uploaded");
    }

    /** Writes the tarball only if absent. A leftover of a failed publish with other bytes is replaced only once stale. */
    private void storeTarball(String name, String vers, byte[] crate, String cksum) {
        String key = IndexPaths.crateKey(name, vers);
        BlobStore.Attributes attrs = new BlobStore.Attributes("application/gzip", config.cache().crate(), Map.of(IndexPaths.SHA256_METADATA, cksum));
        if (blobs.putIfAbsent(key, crate, attrs)) {
            return;
        }
        Optional<BlobStore.BlobInfo> there = blobs.head(key);
        if (there.isEmpty()) {
            if (blobs.putIfAbsent(key, crate, attrs)) {
                return;
            }
            throw concurrentPublish(name, vers);
        }
        if (cksum.equals(there.get().metadata().get(IndexPaths.SHA256_METADATA))) {
            return;
        }
        Duration age = Duration.between(there.get().lastModified(), clock.instant());
        if (age.getSeconds() >= config.limits().stalePublishSeconds()
                && blobs.putIfMatch(key, crate, attrs, there.get().etag())) {
            return;
        }
        throw concurrentPublish(name, vers);
    }

    /**
     * The README text cargo sent, as sent, beside the tarball, marked with the tarball's SHA-256: what the readme
     * endpoint renders on its first request (CrateReadService#readmeHtml). Not rendered here, as crates.io renders in a
     * background job: a publish neither waits for the renderer nor fails on it. Written after the commit, so only the
     * publish that committed writes it (not a concurrent one that lost), and best effort, like the reverse
     * dependencies: without it the readme endpoint reads the README file from the tarball. An admin removal that ran
     * since the commit deleted the text before it was written, so it is looked for again and taken back.
     */
    private void storeReadmeText(NewCrateMetadata meta, VersionRecord committed) {
        if (meta.readme() == null || meta.readme().isBlank()) {
            return;
        }
        ReadmeObjects.putForVersion(blobs, store, committed, IndexPaths.readmeTextKey(meta.name(), meta.vers()),
                meta.readme().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", config.cache().crate());
    }

    private RegistryException concurrentPublish(String name, String vers) {
        return RegistryException.conflict("another publish of `" + name + "@" + vers + "` with different content is in"
                + " progress or failed moments ago; try again in " + Math.max(1, config.limits().stalePublishSeconds() / 60) + " minutes");
    }

    private static CrateSummary.Descriptive descriptive(NewCrateMetadata m) {
        return new CrateSummary.Descriptive(m.description(), m.homepage(), m.documentation(), m.repository(),
                m.keywords(), m.categories());
    }

    private static VersionDetails details(NewCrateMetadata m) {
        return new VersionDetails(m.description(), m.license(), m.licenseFile(), m.homepage(), m.documentation(),
                m.repository(), m.readmeFile(), m.keywords(), m.categories(), m.authors());
    }
}
