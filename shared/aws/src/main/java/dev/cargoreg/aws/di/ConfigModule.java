package dev.cargoreg.aws.di;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
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

    /** The HTTP client every SDK client shares: its TLS set-up on a thread of its own at init (see AwsClients). */
    @Provides
    @IntoSet
    static ClientBuild httpBuild() {
        return new ClientBuild("HTTP", AwsClients::httpClient);
    }

    @Provides
    @Singleton
    static Clock clock() {
        return Clock.systemUTC();
    }
}
