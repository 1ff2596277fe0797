package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * GET /api/v1/crates/{name}/{version}/dependencies: {"dependencies":[…]} in crates.io's shape, read from the version's
 * index line (so exactly what cargo resolves).
 */
@JsonPropertyOrder(alphabetic = true)
public record DependencyList(List<Dependency> dependencies) {

    /**
     * crates.io's EncodableDependency. {@code crateId} is the crate depended on (the index line's {@code package} for a
     * renamed dependency, whose alias is {@code explicitName}); {@code downloads} is not counted per dependency (0).
     */
    @JsonPropertyOrder(alphabetic = true)
    public record Dependency(
            long id,
            @JsonProperty("version_id") long versionId,
            @JsonProperty("crate_id") String crateId,
            String req,
            boolean optional,
            @JsonProperty("default_features") boolean defaultFeatures,
            List<String> features,
            String target,
            String kind,
            @JsonProperty("explicit_name") String explicitName,
            String registry,
            long downloads) {
    }
}
