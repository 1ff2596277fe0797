package dev.cargoreg.aws.di;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import javax.inject.Singleton;

@Module
public final class S3Module {
    private S3Module() {
    }

    @Provides
    @Singleton
    static S3Client s3(AwsClients.Settings settings) {
        return AwsClients.s3(settings);
    }

    @Provides
    @Singleton
    static BlobStore blobStore(Lazy<S3Client> s3, RegistryConfig config) {
        // built on first use (see S3BlobStore): Dagger's Lazy builds the one singleton once, thread-safely
        return new S3BlobStore(s3::get, config.bucketName());
    }

    @Provides
    @IntoSet
    static ClientBuild s3Build(Lazy<S3Client> s3) {
        return new ClientBuild("S3", s3::get);
    }
}
