package dev.cargoreg.core.audit;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The changes recorded since the first audit work: push and import, user disable / enable / delete, an
 * administrator's token revocations. Each record names the actor as the authorizer resolved it (login, token id and
 * name) and where the request came from. (Trusted publishing: TrustedPublishingServiceTest; the transaction and the
 * stores: MetadataStoreContract.)
 */
class AuditCoverageTest {
    private FakeRegistry r;
    private Principal root;
    private long rootTokenId;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice", "bob").admin("root");
        var minted = r.services.tokenMint().mint("root", "ops laptop", null, null, null);
        rootTokenId = minted.record().id();
        root = r.services.authenticator().resolve(minted.secret(), false);
        RequestOrigin.bind(new RequestOrigin("198.51.100.7", "registry-admin/1 curl/8.14.1"));
        r.clock.advance(Duration.ofMillis(1));
    }

    @AfterEach
    void tearDown() {
        RequestOrigin.clear();
    }

    /** The newest record of {@code action}; then the clock moves on, so that the next change's records come later. */
    private AuditRecord newest(String action) {
        List<AuditRecord> rs = r.store.auditTrail(new AuditQuery(null, null, null, action, null, 10, null)).records();
        r.clock.advance(Duration.ofMillis(1));
        return rs.isEmpty() ? null : rs.get(0);
    }

    private void assertByRoot(AuditRecord rec, String detail) {
        assertEquals("root", rec.actor());
        assertEquals(rootTokenId, rec.tokenId());
        assertEquals("ops laptop", rec.tokenName());
        assertNull(rec.provenance());
        assertEquals("198.51.100.7", rec.sourceIp());
        assertEquals("registry-admin/1 curl/8.14.1", rec.userAgent());
        assertEquals(detail, rec.detail());
    }

    @Test
    void disable_enable_and_delete_write_a_record_each_with_the_administrator_and_the_token_used() {
        r.services.users().setDisabled(root, "bob", true);
        assertByRoot(newest("user.disabled"), "user bob");
        r.services.users().setDisabled(root, "bob", false);
        assertByRoot(newest("user.enabled"), "user bob");
        r.services.users().delete(root, "bob");
        assertByRoot(newest("user.deleted"), "user bob");
        // a refused change (no such user) writes nothing
        assertThrows(RegistryException.class, () -> r.services.users().delete(root, "bob"));
        assertEquals(1, r.store.auditTrail(new AuditQuery(null, null, null, "user.deleted", null, 10, null)).records().size());
    }

    @Test
    void an_administrators_token_revocations_are_recorded() {
        long laptop = r.services.tokenMint().mint("alice", "laptop", null, null, null).record().id();
        r.services.tokenMint().mint("alice", "ci", null, null, null);
        r.services.users().revokeToken(root, "alice", Long.toString(laptop));
        assertByRoot(newest("token.revoked"), "token id " + laptop + " of alice (by an administrator)");
        assertEquals(1, r.services.users().revokeTokens(root, "alice"));
        AuditRecord all = newest("token.revoked");
        assertEquals("root", all.actor());
        assertEquals("ops laptop", all.tokenName());
    }

    @Test
    void push_and_import_are_publishes_that_say_how_they_came() {
        Principal alice = r.as("alice");
        r.publisher.push(alice, TarballBuilder.valid("pushed", "1.0.0"));
        AuditRecord push = newest("crate.published");
        assertEquals("alice", push.actor());
        assertEquals("pushed", push.crate());
        assertEquals("1.0.0", push.version());
        assertEquals("push", push.detail());
        assertEquals("198.51.100.7", push.sourceIp());

        Instant pubtime = Instant.parse("2020-01-02T03:04:05Z");
        r.services.imports().importCrate(root, TarballBuilder.valid("imported", "0.1.0"), pubtime, null);
        AuditRecord imported = newest("crate.published");
        assertEquals("imported", imported.crate());
        assertByRoot(imported, "import (pubtime 2020-01-02T03:04:05Z)");
        // the same bytes again: nothing imported, nothing recorded
        r.services.imports().importCrate(root, TarballBuilder.valid("imported", "0.1.0"), pubtime, null);
        assertEquals(2, r.store.auditTrail(new AuditQuery(null, null, null, "crate.published", null, 10, null)).records().size());
    }
}
