package dev.cargoreg.aws.di;

import dagger.Module;
import dagger.Provides;
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
    static BlobStore blobStore(S3Client s3, RegistryConfig config) {
        return new S3BlobStore(s3, config.bucketName());
    }
}
