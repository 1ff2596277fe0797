package dev.cargoreg.functions.tokens;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.port.MetadataStore;

import javax.inject.Singleton;
import java.time.Clock;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, TokensComponent.TokensModule.class})
interface TokensComponent {
    TokenService tokenService();

    @Module
    final class TokensModule {
        private TokensModule() {
        }

        @Provides
        @Singleton
        static TokenService tokenService(MetadataStore store, Clock clock) {
            return new TokenService(store, clock);
        }
    }
}
