package dev.cargoreg.functions.yank;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.CloudFrontModule;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.aws.di.IndexModule;
import dev.cargoreg.aws.di.S3Module;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.yank.YankService;
import dev.cargoreg.core.port.MetadataStore;

import javax.inject.Singleton;
import java.time.Clock;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, S3Module.class, CloudFrontModule.class, IndexModule.class,
        YankComponent.YankModule.class})
interface YankComponent {
    YankService yankService();

    @Module
    final class YankModule {
        private YankModule() {
        }

        @Provides
        @Singleton
        static YankService yankService(MetadataStore store, IndexSync index, Clock clock) {
            return new YankService(store, index, clock);
        }
    }
}
