package dev.cargoreg.functions.crates;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.audit.AuditService;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.wiring.ServicesModule;

import java.util.Set;
import javax.inject.Singleton;

/** The read API's wiring: DynamoDB, and S3 for readmes. */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, ServicesModule.class})
public interface CratesComponent {
    CrateReadService crates();

    OwnerService owners();

    AuditService audit();

    /** For the SnapStart priming hook: the SDK's first call (StoragePriming). */
    MetadataStore store();

    BlobStore blobs();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
