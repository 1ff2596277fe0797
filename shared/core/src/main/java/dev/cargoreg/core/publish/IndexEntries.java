package dev.cargoreg.core.publish;

import dev.cargoreg.core.index.FeatureSplit;
import dev.cargoreg.core.index.IndexEntry;
import dev.cargoreg.core.index.IndexLines;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A validated publish as its index line: the index knows nothing of the publish request (crates.io keeps it so too). */
public final class IndexEntries {
    private IndexEntries() {
    }

    /** Renamed dependencies carry the name in Cargo.toml as `name` and the real crate as `package`, as cargo reads them. */
    public static IndexEntry of(NewCrateMetadata m, String cksum, Instant publishedAt) {
        List<IndexEntry.Dep> deps = new ArrayList<>();
        if (m.deps() != null) {
            for (NewCrateMetadata.Dependency d : m.deps()) {
                boolean renamed = d.explicitNameInToml() != null && !d.explicitNameInToml().isEmpty();
                deps.add(new IndexEntry.Dep(
                        renamed ? d.explicitNameInToml() : d.name(),
                        d.versionReq(),
                        d.features() == null ? List.of() : List.copyOf(d.features()),
                        Boolean.TRUE.equals(d.optional()),
                        d.defaultFeatures() == null || d.defaultFeatures(),
                        d.target(),
                        d.kind() == null ? "normal" : d.kind(),
                        d.registry(),
                        renamed ? d.name() : null));
            }
        }
        Map<String, List<String>> features = m.features() == null ? Map.of() : m.features();
        FeatureSplit split = FeatureSplit.of(features);
        return new IndexEntry(m.name(), m.vers(), deps, cksum, split.features(), split.features2(), false,
                m.links(), split.schemaVersion(), m.rustVersion(),
                IndexLines.pubtime(publishedAt));
    }
}
