package dev.cargoreg.functions.crates;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.crates.CrateReadService;

import javax.inject.Singleton;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, CratesComponent.CratesModule.class})
interface CratesComponent {
    CrateReadService readService();

    @Module
    final class CratesModule {
        private CratesModule() {
        }

        @Provides
        @Singleton
        static CrateReadService readService(MetadataStore store, BlobStore blobs, RegistryConfig config) {
            return new CrateReadService(store, blobs, config);
        }
    }
}
