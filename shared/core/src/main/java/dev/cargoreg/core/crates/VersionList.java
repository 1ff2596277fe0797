package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** GET /api/v1/crates/{name}/versions: {"versions":[…],"meta":{"total":n,"next_page":null}}, newest first, one page. */
@JsonPropertyOrder(alphabetic = true)
public record VersionList(List<VersionView> versions, Meta meta) {

    @JsonPropertyOrder(alphabetic = true)
    public record Meta(long total, @JsonProperty("next_page") String nextPage) {
    }
}
