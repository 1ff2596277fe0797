package dev.cargoreg.aws.di;

import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.CdnInvalidator;

import javax.inject.Singleton;

@Module
public final class CloudFrontModule {
    private CloudFrontModule() {
    }

    /** Without a distribution (local runs, tests) there is no CDN cache to invalidate. */
    @Provides
    @Singleton
    static CdnInvalidator invalidator(RegistryConfig config, AwsClients.Settings settings) {
        if (config.distributionId() == null) {
            return CdnInvalidator.NONE;
        }
        return AwsClients.cloudFrontInvalidator(settings, config.distributionId());
    }
}
