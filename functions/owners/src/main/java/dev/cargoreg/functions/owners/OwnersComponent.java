package dev.cargoreg.functions.owners;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.port.MetadataStore;

import javax.inject.Singleton;
import java.time.Clock;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, OwnersComponent.OwnersModule.class})
interface OwnersComponent {
    OwnerService ownerService();

    @Module
    final class OwnersModule {
        private OwnersModule() {
        }

        @Provides
        @Singleton
        static OwnerService ownerService(MetadataStore store, Clock clock) {
            return new OwnerService(store, clock);
        }
    }
}
