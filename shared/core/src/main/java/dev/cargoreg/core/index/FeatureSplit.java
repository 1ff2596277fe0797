package dev.cargoreg.core.index;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * crates.io's split of the feature map: features that use `dep:` or `?/` syntax, and (transitively) features that
 * enable those, go into `features2`, and the entry gets `"v":2`, so that old cargo versions that cannot parse the new
 * syntax still read the rest of the entry. Both maps are sorted for deterministic output.
 */
public record FeatureSplit(Map<String, List<String>> features, Map<String, List<String>> features2) {

    public static FeatureSplit of(Map<String, List<String>> all) {
        TreeMap<String, List<String>> plain = new TreeMap<>();
        TreeMap<String, List<String>> extended = new TreeMap<>();
        all.forEach((name, values) -> {
            List<String> v = values == null ? List.of() : List.copyOf(values);
            if (v.stream().anyMatch(FeatureSplit::isExtended)) {
                extended.put(name, v);
            } else {
                plain.put(name, v);
            }
        });
        // Move features that enable an already-moved feature, until nothing changes (crates.io caps this at 100 rounds).
        for (int round = 0; round < 100; round++) {
            boolean moved = false;
            for (var it = plain.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().stream().anyMatch(extended::containsKey)) {
                    extended.put(e.getKey(), e.getValue());
                    it.remove();
                    moved = true;
                }
            }
            if (!moved) {
                break;
            }
        }
        return new FeatureSplit(plain, extended.isEmpty() ? null : extended);
    }

    static boolean isExtended(String value) {
        return value.startsWith("dep:") || value.contains("?/");
    }

    public Integer schemaVersion() {
        return features2 == null ? null : 2;
    }
}
