package dev.cargoreg.core.testing;

import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;

/** The in-memory fake of the unit tests keeps the contract of the DynamoDB store. */
class InMemoryMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }

    @Override
    protected SearchSource searchSourceOf(MetadataStore store) {
        return InMemorySearchSource.of((InMemoryMetadataStore) store);
    }
}
