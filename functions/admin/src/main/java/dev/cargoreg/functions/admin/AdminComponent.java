package dev.cargoreg.functions.admin;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.CloudFrontModule;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.IndexModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.admin.BootstrapService;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.admin.UserAdminService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;

import javax.inject.Singleton;
import java.time.Clock;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, CloudFrontModule.class, IndexModule.class,
        AdminComponent.AdminModule.class})
interface AdminComponent {
    RemovalService removalService();

    UserAdminService userAdminService();

    ReindexService reindexService();

    BootstrapService bootstrapService();

    @Module
    final class AdminModule {
        private AdminModule() {
        }

        @Provides
        @Singleton
        static RemovalService removalService(MetadataStore store, BlobStore blobs, IndexSync index, Clock clock) {
            return new RemovalService(store, blobs, index, clock);
        }

        @Provides
        @Singleton
        static UserAdminService userAdminService(MetadataStore store, Clock clock) {
            return new UserAdminService(store, clock);
        }

        @Provides
        @Singleton
        static ReindexService reindexService(SearchSource crates, IndexSync index) {
            return new ReindexService(crates, index);
        }

        @Provides
        @Singleton
        static BootstrapService bootstrapService(MetadataStore store, IndexSync index, Clock clock) {
            return new BootstrapService(store, index, clock);
        }
    }
}
