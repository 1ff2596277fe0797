package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * POST /api/v1/admin/reindex: {"cleaned":n,"failed":n,"next":…,"ok":…,"rebuilt":n}: index files rebuilt, interrupted
 * removals and leftovers cleaned up, crates that failed, in this request; {@code next} is where to go on from (call
 * again with {@code ?after=} it), null when the whole registry is done.
 */
@JsonPropertyOrder({"cleaned", "failed", "next", "ok", "rebuilt"})
public record ReindexReport(int rebuilt, int cleaned, int failed, String next) {

    /** True when no crate failed. */
    @JsonProperty("ok")
    public boolean ok() {
        return failed == 0;
    }
}
