package dev.cargoreg.core.publish;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** The metadata JSON of a publish, as cargo's `NewCrate` sends it. Unknown fields are ignored. */
public record NewCrateMetadata(
        @JsonProperty("name") String name,
        @JsonProperty("vers") String vers,
        @JsonProperty("deps") List<Dependency> deps,
        @JsonProperty("features") Map<String, List<String>> features,
        @JsonProperty("authors") List<String> authors,
        @JsonProperty("description") String description,
        @JsonProperty("documentation") String documentation,
        @JsonProperty("homepage") String homepage,
        @JsonProperty("readme") String readme,
        @JsonProperty("readme_file") String readmeFile,
        @JsonProperty("keywords") List<String> keywords,
        @JsonProperty("categories") List<String> categories,
        @JsonProperty("license") String license,
        @JsonProperty("license_file") String licenseFile,
        @JsonProperty("repository") String repository,
        @JsonProperty("links") String links,
        @JsonProperty("rust_version") String rustVersion) {

    /** One `NewCrateDependency`: `name` is the real package name, `explicit_name_in_toml` the alias when renamed. */
    public record Dependency(
            @JsonProperty("name") String name,
            @JsonProperty("version_req") String versionReq,
            @JsonProperty("features") List<String> features,
            @JsonProperty("optional") Boolean optional,
            @JsonProperty("default_features") Boolean defaultFeatures,
            @JsonProperty("target") String target,
            @JsonProperty("kind") String kind,
            @JsonProperty("registry") String registry,
            @JsonProperty("explicit_name_in_toml") String explicitNameInToml) {
    }
}
