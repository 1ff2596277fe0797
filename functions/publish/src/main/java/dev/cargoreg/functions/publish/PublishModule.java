package dev.cargoreg.functions.publish;

import dagger.Module;
import dagger.Provides;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishService;

import javax.inject.Singleton;
import java.time.Clock;

@Module
final class PublishModule {
    private PublishModule() {
    }

    @Provides
    @Singleton
    static PublishService publishService(RegistryConfig config, MetadataStore store, BlobStore blobs, IndexSync index,
                                         Clock clock) {
        return new PublishService(config, store, blobs, index, clock);
    }
}
