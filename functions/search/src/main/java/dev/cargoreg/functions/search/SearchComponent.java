package dev.cargoreg.functions.search;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.wiring.ServicesModule;

import java.util.Set;
import javax.inject.Singleton;

/** The search function's wiring: DynamoDB (the search GSI) and S3 (the search snapshot, search/snapshot only). */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, ServicesModule.class})
public interface SearchComponent {
    SearchService search();

    /** For the SnapStart priming hook: the SDK's first calls, within what the role allows (a Query, S3 reads of a key that never exists). */
    SearchSource source();

    BlobStore blobs();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
