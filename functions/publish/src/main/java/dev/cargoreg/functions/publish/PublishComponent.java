package dev.cargoreg.functions.publish;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.admin.ImportService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.publish.StagedPush;
import dev.cargoreg.core.wiring.ServicesModule;

import java.util.Set;
import javax.inject.Singleton;

/**
 * The publish function's wiring: DynamoDB and S3 adapters, and its services (publish, push) from the composition root. No CloudFront:
 * index files refresh at the edge by their max-age (see IndexSync), so publish never waits on an invalidation.
 */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, ServicesModule.class})
public interface PublishComponent {
    PublishService publish();

    ImportService imports();

    StagedPush stagedPush();

    /** For the SnapStart priming hook: the SDK's first call (StoragePriming). */
    MetadataStore store();

    BlobStore blobs();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
