package dev.cargoreg.core.audit;

import java.util.List;

/** One page of audit records, newest first; {@code cursor} continues after the last one (null: no more). */
public record AuditPage(List<AuditRecord> records, String cursor) {

    public AuditPage {
        records = List.copyOf(records);
    }
}
