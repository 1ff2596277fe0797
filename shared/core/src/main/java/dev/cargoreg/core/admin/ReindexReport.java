package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** POST /api/v1/admin/reindex: {"ok":…,"rebuilt":n,"failed":n}, how many index files were rebuilt and failed. */
@JsonPropertyOrder({"failed", "ok", "rebuilt"})
public record ReindexReport(int rebuilt, int failed) {

    /** True when no crate failed. */
    @JsonProperty("ok")
    public boolean ok() {
        return failed == 0;
    }
}
