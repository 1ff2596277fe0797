package dev.cargoreg.core.wiring;

import dagger.Module;
import dagger.Provides;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.admin.BootstrapService;
import dev.cargoreg.core.admin.ImportService;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.admin.UserAdminService;
import dev.cargoreg.core.audit.AuditService;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.downloads.DownloadCounter;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.mirror.JdkUpstream;
import dev.cargoreg.core.mirror.MirrorPolicyService;
import dev.cargoreg.core.mirror.MirrorPolicySource;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.port.Upstream;
import dev.cargoreg.core.port.UpstreamNames;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.publish.StagedPush;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.search.SnapshotInBlobStore;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.tokens.TokenMint;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.trustpub.OidcVerifier;
import dev.cargoreg.core.trustpub.TrustedPublishingService;
import dev.cargoreg.core.yank.YankService;

import java.time.Clock;
import javax.inject.Singleton;

/**
 * The composition root: the one place each service is built from the ports. Every Lambda function's component, the
 * local runner, the test fixtures and the benchmarks get their services from here (a function's component pairs this
 * module with the adapter modules it needs; Dagger generates code only for the services a component asks for, so a
 * function without S3 never needs a blob store).
 */
@Module
public final class ServicesModule {
    private ServicesModule() {
    }

    @Provides
    @Singleton
    static IndexSync index(MetadataStore store, BlobStore blobs, RegistryConfig config) {
        return new IndexSync(store, blobs, config);
    }

    @Provides
    @Singleton
    static TokenMint tokenMint(MetadataStore store, Clock clock) {
        return new TokenMint(store, clock);
    }

    @Provides
    @Singleton
    static Authenticator authenticator(MetadataStore store, Clock clock) {
        return new Authenticator(store, clock);
    }

    @Provides
    @Singleton
    static PublishService publish(RegistryConfig config, MetadataStore store, BlobStore blobs, IndexSync index, Clock clock,
                                  MirrorService mirror) {
        UpstreamNames names = config.mirror().enabled() ? mirror : UpstreamNames.NONE;
        return new PublishService(config, store, blobs, index, clock, names);
    }

    /** The mirror's upstream over HTTP (the JDK's client: no library, in every Lambda runtime). */
    @Provides
    @Singleton
    static Upstream upstream() {
        return new JdkUpstream();
    }

    @Provides
    @Singleton
    static MirrorService mirror(RegistryConfig config, MetadataStore store, BlobStore blobs, Upstream upstream, Clock clock,
                                MirrorPolicySource policy) {
        return new MirrorService(config, store, blobs, upstream, clock, policy);
    }

    /** The mirror's policy, read through a short cache (one per instance, shared by the mirror and its admin API). */
    @Provides
    @Singleton
    static MirrorPolicySource mirrorPolicySource(RegistryConfig config, MetadataStore store, Clock clock) {
        return new MirrorPolicySource(store, config.mirror(), clock);
    }

    @Provides
    @Singleton
    static MirrorPolicyService mirrorPolicy(MetadataStore store, BlobStore blobs, CdnInvalidator cdn, MirrorPolicySource source,
                                            Clock clock) {
        return new MirrorPolicyService(store, blobs, cdn, source, clock);
    }

    @Provides
    @Singleton
    static YankService yank(MetadataStore store, IndexSync index, Clock clock) {
        return new YankService(store, index, clock);
    }

    @Provides
    @Singleton
    static OwnerService owners(MetadataStore store, Clock clock) {
        return new OwnerService(store, clock);
    }

    @Provides
    @Singleton
    static CrateReadService crates(MetadataStore store, BlobStore blobs, RegistryConfig config, Clock clock) {
        return new CrateReadService(store, blobs, config, clock);
    }

    @Provides
    @Singleton
    static SearchService search(SearchSource source, BlobStore blobs, Clock clock, RegistryConfig config) {
        return new SearchService(new SnapshotInBlobStore(source, blobs), clock, config.searchRefresh());
    }

    @Provides
    @Singleton
    static TokenService tokens(MetadataStore store, TokenMint mint, Clock clock) {
        return new TokenService(store, mint, clock);
    }

    @Provides
    @Singleton
    static RemovalService removal(MetadataStore store, BlobStore blobs, IndexSync index, CdnInvalidator cdn, Clock clock) {
        return new RemovalService(store, blobs, index, cdn, clock);
    }

    @Provides
    @Singleton
    static UserAdminService users(MetadataStore store, TokenMint mint, Clock clock) {
        return new UserAdminService(store, mint, clock);
    }

    @Provides
    @Singleton
    static ReindexService reindex(SearchSource crates, MetadataStore store, BlobStore blobs, IndexSync index,
                                  CdnInvalidator cdn, Clock clock) {
        return new ReindexService(crates, store, blobs, index, cdn, clock);
    }

    @Provides
    @Singleton
    static BootstrapService bootstrap(MetadataStore store, IndexSync index, TokenMint mint, Clock clock) {
        return new BootstrapService(store, index, mint, clock);
    }

    /**
     * Trusted publishing: the audience a CI token must name is the API URL without its scheme (host, and port or path
     * if any), which is what rust-lang/crates-io-auth-action asks the CI provider for, given that URL as `url:`.
     */
    @Provides
    @Singleton
    static TrustedPublishingService trustedPublishing(MetadataStore store, TokenMint mint, RegistryConfig config, Clock clock) {
        String audience = config.apiUrl().replaceFirst("^https?://", "");
        return new TrustedPublishingService(store, mint, new OidcVerifier(config.trustedIssuers(), audience, clock), clock);
    }

    @Provides
    @Singleton
    static StagedPush stagedPush(PublishService publish, BlobStore blobs, RegistryConfig config, Clock clock) {
        return new StagedPush(publish, blobs, config, clock);
    }

    @Provides
    @Singleton
    static AuditService audit(MetadataStore store) {
        return new AuditService(store);
    }

    @Provides
    @Singleton
    static ImportService imports(PublishService publish, YankService yank) {
        return new ImportService(publish, yank);
    }

    @Provides
    @Singleton
    static DownloadCounter downloadCounter(MetadataStore store, Clock clock) {
        return new DownloadCounter(store, clock);
    }
}
