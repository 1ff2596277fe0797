package dev.cargoreg.functions.tokens;

import dagger.Component;
import dev.cargoreg.aws.di.ClientBuild;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.tokens.TokenService;
import dev.cargoreg.core.trustpub.TrustedPublishingService;
import dev.cargoreg.core.wiring.ServicesModule;

import java.util.Set;
import javax.inject.Singleton;

/** The tokens function's wiring: DynamoDB only. */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, ServicesModule.class})
public interface TokensComponent {
    TokenService tokens();

    TrustedPublishingService trustedPublishing();

    /** For the SnapStart priming hook: the SDK's first call (StoragePriming). */
    MetadataStore store();

    /** Its SDK clients' builds, which the Lambda constructor runs side by side (ClientBuilds). */
    Set<ClientBuild> clientBuilds();
}
