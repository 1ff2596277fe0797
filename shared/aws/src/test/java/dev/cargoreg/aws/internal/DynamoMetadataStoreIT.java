package dev.cargoreg.aws.internal;

import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.testing.MetadataStoreContract;
import dev.cargoreg.embedded.EmbeddedBackends;

import java.util.UUID;

/** The DynamoDB store keeps the contract the services rely on, over DynamoDB Local (a fresh table per test). */
class DynamoMetadataStoreIT extends MetadataStoreContract {
    private String table;

    @Override
    protected MetadataStore newStore() {
        EmbeddedBackends b = EmbeddedBackends.shared();
        table = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        Provisioning.ensureTable(b.dynamo(), table);
        return new DynamoMetadataStore(b.dynamo(), table);
    }

    @Override
    protected SearchSource searchSourceOf(MetadataStore store) {
        return new DynamoSearchSource(EmbeddedBackends.shared().dynamo(), table);
    }
}
