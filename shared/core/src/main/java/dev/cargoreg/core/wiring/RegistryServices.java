package dev.cargoreg.core.wiring;

import dagger.BindsInstance;
import dagger.Component;
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
import dev.cargoreg.core.mirror.MirrorPolicyService;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.publish.StagedPush;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.tokens.TokenMint;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.trustpub.TrustedPublishingService;
import dev.cargoreg.core.yank.YankService;

import java.time.Clock;
import javax.inject.Singleton;

/**
 * Every service of the registry over ports given as instances: what the local runner, the test fixtures and the
 * benchmarks build (Lambda functions build only their own services, from {@link ServicesModule} too). The local
 * runner also builds each handler named in template.yaml from these, by the types its constructor takes.
 */
@Singleton
@Component(modules = ServicesModule.class)
public interface RegistryServices {
    RegistryConfig config();

    Clock clock();

    MetadataStore store();

    IndexSync index();

    TokenMint tokenMint();

    Authenticator authenticator();

    PublishService publish();

    YankService yank();

    OwnerService owners();

    CrateReadService crates();

    SearchService search();

    TokenService tokens();

    RemovalService removal();

    UserAdminService users();

    ReindexService reindex();

    BootstrapService bootstrap();

    TrustedPublishingService trustedPublishing();

    AuditService audit();

    ImportService imports();

    StagedPush stagedPush();

    MirrorService mirror();

    DownloadCounter downloadCounter();
    MirrorPolicyService mirrorPolicy();

    static Builder builder() {
        return DaggerRegistryServices.builder();
    }

    @Component.Builder
    interface Builder {
        @BindsInstance
        Builder config(RegistryConfig config);

        @BindsInstance
        Builder clock(Clock clock);

        @BindsInstance
        Builder store(MetadataStore store);

        @BindsInstance
        Builder blobs(BlobStore blobs);

        @BindsInstance
        Builder cdn(CdnInvalidator cdn);

        @BindsInstance
        Builder searchSource(SearchSource searchSource);

        RegistryServices build();
    }
}
