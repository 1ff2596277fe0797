package dev.cargoreg.functions.mirror;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.wiring.ServicesModule;

import java.util.Set;
import javax.inject.Singleton;

/**
 * The mirror function's wiring: the private-name check reads DynamoDB, the mirror's objects are in S3, upstream is the
 * JDK's HttpClient (ServicesModule). No CloudFront: nothing it stores is ever invalidated (index files carry their TTL).
 */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, ServicesModule.class})
public interface MirrorComponent {
    MirrorService mirror();

    /** For the SnapStart priming hook: the SDK's first calls (StoragePriming). */
    MetadataStore store();

    BlobStore blobs();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
