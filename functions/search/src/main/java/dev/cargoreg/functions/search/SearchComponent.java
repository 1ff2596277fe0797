package dev.cargoreg.functions.search;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.cargoreg.aws.di.ConfigModule;
import dev.cargoreg.aws.di.DynamoModule;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.search.SearchService;

import javax.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

@Singleton
@Component(modules = {ConfigModule.class, DynamoModule.class, SearchComponent.SearchModule.class})
interface SearchComponent {
    SearchService searchService();

    @Module
    final class SearchModule {
        private SearchModule() {
        }

        @Provides
        @Singleton
        static SearchService searchService(SearchSource source, Clock clock) {
            return new SearchService(source, clock, Duration.ofSeconds(1));
        }
    }
}
