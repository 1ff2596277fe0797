package dev.cargoreg.aws.di;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
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
    static SearchSource searchSource(Lazy<DynamoDbClient> dynamo, RegistryConfig config) {
        return new DynamoSearchSource(dynamo::get, config.tableName());
    }

    @Provides
    @Singleton
    static MetadataStore metadataStore(Lazy<DynamoDbClient> dynamo, RegistryConfig config) {
        // built at a Lambda function's init beside the other clients (ClientBuild), or on first use; Dagger's Lazy builds it once
        return new DynamoMetadataStore(dynamo::get, config.tableName());
    }

    @Provides
    @IntoSet
    static ClientBuild dynamoBuild(Lazy<DynamoDbClient> dynamo) {
        return new ClientBuild("DynamoDB", dynamo::get);
    }
}
