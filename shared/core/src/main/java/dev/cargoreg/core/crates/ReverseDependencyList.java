package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * GET /api/v1/crates/{name}/reverse_dependencies, in crates.io's shape: the dependencies on the crate (one entry per
 * dependency row, {@code version_id} naming the dependent version), the dependent versions, and how many dependent
 * crates there are.
 */
@JsonPropertyOrder(alphabetic = true)
public record ReverseDependencyList(List<DependencyList.Dependency> dependencies, List<VersionView> versions, Meta meta) {

    public record Meta(long total) {
    }
}
