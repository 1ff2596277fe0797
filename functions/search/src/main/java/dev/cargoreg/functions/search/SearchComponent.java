package dev.cargoreg.functions.search;

import dagger.Component;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.wiring.ServicesModule;

import javax.inject.Singleton;

/** The search function's wiring: DynamoDB only (the search GSI). */
@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, ServicesModule.class})
public interface SearchComponent {
    SearchService search();

    /** For the SnapStart priming hook: the SDK's first call (StoragePriming). */
    MetadataStore store();
}
