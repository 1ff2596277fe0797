package dev.cargoreg.core.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.MetadataStore.DependencyEdge;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What a published version's index line says it depends on in this registry: the reverse-dependency edges to record. */
public final class DependencyEdges {
    private DependencyEdges() {
    }

    /** One edge per entry of the line's {@code deps} without a {@code registry} (those are crates of this registry). */
    public static List<DependencyEdge> of(VersionRecord v) {
        List<DependencyEdge> out = new ArrayList<>();
        JsonNode deps;
        try {
            deps = Json.readTree(v.line()).get("deps");
        } catch (IOException e) {
            throw new IllegalStateException("index line of " + v.canonicalName() + "@" + v.version() + " is not JSON", e);
        }
        if (deps != null && deps.isArray()) {
            for (int i = 0; i < deps.size(); i++) {
                JsonNode d = deps.get(i);
                if (d.hasNonNull("registry")) {
                    continue;
                }
                // a renamed dependency names its crate in `package`
                String target = d.hasNonNull("package") ? d.get("package").asText() : d.path("name").asText();
                out.add(new DependencyEdge(CrateName.canonical(target), v.canonicalName(), v.versionWithoutBuild(), v.seq(),
                        i, d.toString()));
            }
        }
        return out;
    }
}
