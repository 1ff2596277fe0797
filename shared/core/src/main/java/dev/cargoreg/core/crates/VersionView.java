package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/** crates.io's Version object. Times are RFC 3339; {@code features} is the full map (`features` and `features2`). */
@JsonPropertyOrder(alphabetic = true)
public record VersionView(
        long id,
        @JsonProperty("crate") String crate,
        String num,
        @JsonProperty("dl_path") String dlPath,
        @JsonProperty("readme_path") String readmePath,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        long downloads,
        Map<String, List<String>> features,
        boolean yanked,
        @JsonProperty("yank_message") String yankMessage,
        @JsonProperty("lib_links") String libLinks,
        String license,
        @JsonProperty("crate_size") long crateSize,
        String checksum,
        @JsonProperty("rust_version") String rustVersion,
        @JsonProperty("published_by") Publisher publishedBy,
        /** Always empty: no audit log here. */
        @JsonProperty("audit_actions") List<String> auditActions,
        String description,
        String homepage,
        String documentation,
        String repository,
        Links links,
        /** Where a version published through trusted publishing came from (crates.io's field); null otherwise. */
        @JsonProperty("trustpub_data") Map<String, String> trustpubData) {

    /** The user who published the version (null when the user record is gone). */
    @JsonPropertyOrder(alphabetic = true)
    public record Publisher(long id, String login, String name, String kind) {
    }

    @JsonPropertyOrder(alphabetic = true)
    public record Links(
            String dependencies,
            @JsonProperty("version_downloads") String versionDownloads,
            String authors) {

        static Links of(String crate, String version) {
            String base = "/api/v1/crates/" + crate + "/" + version;
            return new Links(base + "/dependencies", base + "/downloads", base + "/authors");
        }
    }
}
