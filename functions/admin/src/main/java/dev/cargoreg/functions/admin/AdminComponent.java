package dev.cargoreg.functions.admin;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.CloudFrontModule;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.admin.BootstrapService;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.admin.UserAdminService;
import dev.cargoreg.core.audit.AuditService;
import dev.cargoreg.core.mirror.MirrorPolicyService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.wiring.ServicesModule;

import java.util.Set;
import javax.inject.Singleton;

/** The admin and bootstrap functions' wiring. */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, CloudFrontModule.class, ServicesModule.class})
public interface AdminComponent {
    RemovalService removal();

    UserAdminService users();

    ReindexService reindex();

    BootstrapService bootstrap();

    AuditService audit();

    MirrorPolicyService mirrorPolicy();

    /** For the SnapStart priming hook: the SDK's first call (StoragePriming). */
    MetadataStore store();

    BlobStore blobs();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
