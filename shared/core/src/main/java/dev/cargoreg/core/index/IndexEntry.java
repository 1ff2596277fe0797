package dev.cargoreg.core.index;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * One line of a sparse index file (cargo's `IndexPackage`), in crates.io's field order. Serialized compactly with a
 * fixed key order, so the same version always renders to the same bytes.
 */
@JsonPropertyOrder({"name", "vers", "deps", "cksum", "features", "features2", "yanked", "links", "v", "rust_version", "pubtime"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexEntry(
        @JsonProperty("name") String name,
        @JsonProperty("vers") String vers,
        @JsonProperty("deps") List<Dep> deps,
        @JsonProperty("cksum") String cksum,
        @JsonProperty("features") Map<String, List<String>> features,
        @JsonProperty("features2") Map<String, List<String>> features2,
        @JsonProperty("yanked") boolean yanked,
        @JsonProperty("links") String links,
        @JsonProperty("v") Integer v,
        @JsonProperty("rust_version") String rustVersion,
        @JsonProperty("pubtime") String pubtime) {

    /**
     * A dependency as cargo reads it. Every field older cargo requires is always written; `registry` and `package`
     * only when set (absent `registry` means this registry).
     */
    @JsonPropertyOrder({"name", "req", "features", "optional", "default_features", "target", "kind", "registry", "package"})
    public record Dep(
            @JsonProperty("name") String name,
            @JsonProperty("req") String req,
            @JsonProperty("features") List<String> features,
            @JsonProperty("optional") boolean optional,
            @JsonProperty("default_features") boolean defaultFeatures,
            @JsonProperty("target") @JsonInclude(JsonInclude.Include.ALWAYS) String target,
            @JsonProperty("kind") String kind,
            @JsonProperty("registry") @JsonInclude(JsonInclude.Include.NON_NULL) String registry,
            @JsonProperty("package") @JsonInclude(JsonInclude.Include.NON_NULL) String pkg) {
    }
}
