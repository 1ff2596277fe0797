package dev.cargoreg.aws.di;

import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.core.RegistryConfig;

import java.time.Clock;
import javax.inject.Singleton;

/** Configuration from the function's environment, read once at init. */
@Module
public final class ConfigModule {
    private ConfigModule() {
    }

    @Provides
    @Singleton
    static RegistryConfig config() {
        return RegistryConfig.fromEnvironment(System.getenv());
    }

    @Provides
    @Singleton
    static AwsClients.Settings settings() {
        return AwsClients.Settings.fromEnvironment(System.getenv());
    }

    @Provides
    @Singleton
    static Clock clock() {
        return Clock.systemUTC();
    }
}
