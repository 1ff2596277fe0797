package dev.cargoreg.functions.publish;

import dagger.Component;
import dev.cargoreg.aws.di.CloudFrontModule;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.admin.ImportService;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.publish.StagedPush;
import dev.cargoreg.core.wiring.ServicesModule;

import javax.inject.Singleton;

/** The publish function's wiring: DynamoDB, S3 and CloudFront adapters, and its services from the composition root. */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, CloudFrontModule.class, ServicesModule.class})
public interface PublishComponent {
    PublishService publish();

    ImportService imports();

    StagedPush stagedPush();
}
