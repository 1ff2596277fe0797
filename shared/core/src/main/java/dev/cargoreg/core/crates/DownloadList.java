package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * crates.io's answer to {@code GET /api/v1/crates/{name}/downloads} (with {@code meta}) and
 * {@code GET /api/v1/crates/{name}/{version}/downloads} (without): downloads per version (its id) and UTC day.
 */
@JsonPropertyOrder(alphabetic = true)
public record DownloadList(
        @JsonProperty("version_downloads") List<VersionDownload> versionDownloads,
        @JsonInclude(JsonInclude.Include.NON_NULL) Meta meta) {

    /** One version's downloads on one day ({@code date}: YYYY-MM-DD). */
    @JsonPropertyOrder(alphabetic = true)
    public record VersionDownload(long version, long downloads, String date) {
    }

    /** {@code extra_downloads}: per day, the downloads of the versions not listed in {@code version_downloads}. */
    @JsonPropertyOrder(alphabetic = true)
    public record Meta(@JsonProperty("extra_downloads") List<ExtraDownload> extraDownloads) {
    }

    @JsonPropertyOrder(alphabetic = true)
    public record ExtraDownload(String date, long downloads) {
    }
}
