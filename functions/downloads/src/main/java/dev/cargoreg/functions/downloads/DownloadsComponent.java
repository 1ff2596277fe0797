package dev.cargoreg.functions.downloads;

import dagger.Component;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.downloads.DownloadCounter;
import dev.cargoreg.core.wiring.ServicesModule;
import software.amazon.awssdk.services.s3.S3Client;

import javax.inject.Singleton;

/** The download counter's wiring: the table (counts) and S3 (it reads the log file the event names). */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, ServicesModule.class})
public interface DownloadsComponent {
    DownloadCounter counter();

    S3Client s3();
}
