package dev.cargoreg.functions.yank;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.wiring.ServicesModule;
import dev.cargoreg.core.yank.YankService;

import java.util.Set;
import javax.inject.Singleton;

/** The yank function's wiring: it rewrites index files, so it needs S3 (no CloudFront: see IndexSync). */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, ServicesModule.class})
public interface YankComponent {
    YankService yank();

    /** For the SnapStart priming hook: the SDK's first call (StoragePriming). */
    MetadataStore store();

    BlobStore blobs();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
