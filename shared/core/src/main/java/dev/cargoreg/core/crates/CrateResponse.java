package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** GET /api/v1/crates/{name}: {"crate":…,"versions":[…],"keywords":[…],"categories":[]}, versions newest first. */
@JsonPropertyOrder(alphabetic = true)
public record CrateResponse(
        @JsonProperty("crate") CrateView crate,
        List<VersionView> versions,
        List<Keyword> keywords,
        /** Always empty: no category records here. */
        List<String> categories) {

    /** crates.io's Keyword object (no per-keyword counts here). */
    @JsonPropertyOrder(alphabetic = true)
    public record Keyword(String id, String keyword, @JsonProperty("crates_cnt") long cratesCnt,
                          @JsonProperty("created_at") String createdAt) {
    }
}
