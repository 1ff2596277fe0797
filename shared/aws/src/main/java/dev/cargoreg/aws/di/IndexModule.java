package dev.cargoreg.aws.di;

import dagger.Module;
import dagger.Provides;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;

import javax.inject.Singleton;

/** Index regeneration, for every function that changes what the index shows. */
@Module
public final class IndexModule {
    private IndexModule() {
    }

    @Provides
    @Singleton
    static IndexSync indexSync(MetadataStore store, BlobStore blobs, CdnInvalidator cdn, RegistryConfig config) {
        return new IndexSync(store, blobs, cdn, config);
    }
}
