package dev.cargoreg.core.audit;

import java.time.Instant;

/**
 * Which audit records to read, newest first: every filter null means any. {@code cursor} is the
 * {@link AuditRecord#sortKey()} of the last record of the previous page.
 */
public record AuditQuery(String crateCanonical, String version, String actor, String action, Instant since,
                         int limit, String cursor) {
}
