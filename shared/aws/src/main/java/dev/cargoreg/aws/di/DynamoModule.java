package dev.cargoreg.aws.di;

import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.DynamoSearchSource;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import javax.inject.Singleton;

@Module
public final class DynamoModule {
    private DynamoModule() {
    }

    @Provides
    @Singleton
    static DynamoDbClient dynamo(AwsClients.Settings settings) {
        return AwsClients.dynamo(settings);
    }

    @Provides
    @Singleton
    static SearchSource searchSource(DynamoDbClient dynamo, RegistryConfig config) {
        return new DynamoSearchSource(dynamo, config.tableName());
    }

    @Provides
    @Singleton
    static MetadataStore metadataStore(DynamoDbClient dynamo, RegistryConfig config) {
        return new DynamoMetadataStore(dynamo, config.tableName());
    }
}
