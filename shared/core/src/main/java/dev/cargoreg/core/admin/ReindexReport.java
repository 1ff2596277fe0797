package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * POST /api/v1/admin/reindex: {"cleaned":n,"failed":n,"ok":…,"rebuilt":n}: index files rebuilt, interrupted removals
 * and leftovers cleaned up, crates that failed.
 */
@JsonPropertyOrder({"cleaned", "failed", "ok", "rebuilt"})
public record ReindexReport(int rebuilt, int cleaned, int failed) {

    /** True when no crate failed. */
    @JsonProperty("ok")
    public boolean ok() {
        return failed == 0;
    }
}
