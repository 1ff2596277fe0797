package dev.cargoreg.functions.publish;

import dagger.Component;
import dev.cargoreg.aws.di.CloudFrontModule;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.IndexModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.publish.PublishService;

import javax.inject.Singleton;

/** Compile-time wiring of the publish function: no reflection at cold start. */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, CloudFrontModule.class, IndexModule.class, PublishModule.class})
interface PublishComponent {
    PublishService publishService();
}
