package dev.cargoreg.aws.internal;

import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.testing.MetadataStoreContract;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * The transaction fails at the audit record itself (its items exist already: a Put conditional on a new key, the
     * last items of the transaction): the change before it in the same transaction does not happen either.
     */
    @Test
    void a_change_whose_audit_record_cannot_be_written_does_not_happen() {
        Unaudited.of(store).createUser("alice", "Alice", false, T0).orElseThrow();
        AuditRecord once = new AuditRecord(UUID.randomUUID().toString(), T0, "user.disabled", "root", 1, null, null,
                "user alice", null, null, null, null);
        assertTrue(store.setUserDisabled("alice", true, T0, once));
        // the same record again: its items exist, the transaction is cancelled (an error, not "no such user")
        assertThrows(TransactionCanceledException.class, () -> store.setUserDisabled("alice", false, T0, once));
        assertTrue(store.findUser("alice").orElseThrow().disabled(), "and the user's flag did not change");

        AuditRecord config = new AuditRecord(UUID.randomUUID().toString(), T0, "trustpub.config_created", "alice", 1,
                "foo", null, "d", null, null, null, null);
        store.createTrustConfig(new MetadataStore.TrustConfig(1, "github", "foo", "foo", "acme", null, "widget",
                "release.yml", null, "alice", T0), config);
        assertThrows(TransactionCanceledException.class, () -> store.createTrustConfig(new MetadataStore.TrustConfig(2,
                "github", "foo", "foo", "acme", null, "other", "release.yml", null, "alice", T0), config));
        assertTrue(store.findTrustConfig(2).isEmpty(), "no configuration without its record");
        assertEquals(2, store.auditTrail(new AuditQuery(null, null, null, null, null, 100, null)).records().size());
    }

    /** A cursor is parsed before DynamoDB sees it: anything not made by a page is refused, never a DynamoDB error. */
    @Test
    void a_search_page_cursor_not_made_by_a_page_is_refused() {
        SearchSource search = searchSourceOf(store);
        String first = search.page(null, 1).next();
        assertTrue(first.startsWith("p1."), first);
        for (String forged : new String[]{"", "x", "p1", "p1.g", "p1.10", "p2.0", "p1.0.", "p1.0.a.b", "p1.0.!!.b.c",
                "p1.0.a.b.c.d", "p1.0..YQ.YQ", "p1.0.YQ.YQ.YQ.YQ"}) {
            assertThrows(IllegalArgumentException.class, () -> search.page(forged, 5), forged);
        }
        // 400 three-byte characters: 400 characters, 1,200 bytes, more than DynamoDB takes in a sort key
        String tooLong = Base64.getUrlEncoder().withoutPadding().encodeToString("\u20ac".repeat(400).getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> search.page("p1.0." + tooLong + ".YQ.YQ", 5));
        // a well-formed key that matches no item is only a place to start from
        assertEquals(0, search.page("p1.f.YQ.YQ.YQ", 5).entries().size());
    }

    @Override
    protected SearchSource searchSourceOf(MetadataStore store) {
        return new DynamoSearchSource(EmbeddedBackends.shared().dynamo(), table);
    }
}
