package dev.cargoreg.functions.authorizer;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.port.MetadataStore;

import javax.inject.Singleton;
import java.time.Clock;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, AuthorizerComponent.AuthorizerModule.class})
interface AuthorizerComponent {
    Authenticator authenticator();

    RegistryConfig config();

    @Module
    final class AuthorizerModule {
        private AuthorizerModule() {
        }

        @Provides
        @Singleton
        static Authenticator authenticator(MetadataStore store, Clock clock) {
            return new Authenticator(store, clock);
        }
    }
}
