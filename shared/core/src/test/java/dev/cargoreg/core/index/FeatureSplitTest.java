package dev.cargoreg.core.index;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FeatureSplitTest {

    private static Map<String, List<String>> map(Object... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> v = (List<String>) kv[i + 1];
            m.put((String) kv[i], v);
        }
        return m;
    }

    @Test
    void plain_features_stay_in_features() {
        FeatureSplit s = FeatureSplit.of(map("default", List.of("std"), "std", List.of(), "serde", List.of("serde/std")));

        assertEquals(map("default", List.of("std"), "serde", List.of("serde/std"), "std", List.of()), s.features());
        assertNull(s.features2());
        assertNull(s.schemaVersion());
    }

    @Test
    void no_features_means_no_features2_and_no_schema_version() {
        FeatureSplit s = FeatureSplit.of(Map.of());

        assertEquals(Map.of(), s.features());
        assertNull(s.features2());
        assertNull(s.schemaVersion());
    }

    @Test
    void dep_colon_features_move_to_features2_with_v2() {
        FeatureSplit s = FeatureSplit.of(map("json", List.of("dep:serde_json"), "std", List.of()));

        assertEquals(map("std", List.of()), s.features());
        assertEquals(map("json", List.of("dep:serde_json")), s.features2());
        assertEquals(2, s.schemaVersion());
    }

    @Test
    void weak_dependency_features_move_to_features2() {
        FeatureSplit s = FeatureSplit.of(map("std", List.of("serde?/std", "alloc"), "alloc", List.of()));

        assertEquals(map("alloc", List.of()), s.features());
        assertEquals(map("std", List.of("serde?/std", "alloc")), s.features2());
        assertEquals(2, s.schemaVersion());
    }

    @Test
    void question_mark_without_slash_is_not_extended_syntax() {
        FeatureSplit s = FeatureSplit.of(map("odd", List.of("a?b")));

        assertEquals(map("odd", List.of("a?b")), s.features());
        assertNull(s.features2());
    }

    @Test
    void dep_colon_in_the_middle_is_not_extended_syntax() {
        FeatureSplit s = FeatureSplit.of(map("x", List.of("foo/dep:bar")));

        assertNull(s.features2());
    }

    @Test
    void features_enabling_moved_features_move_too_transitively() {
        // default -> full -> json -> dep:serde_json; `other` stays
        Map<String, List<String>> all = map(
                "default", List.of("full"),
                "full", List.of("json", "std"),
                "json", List.of("dep:serde_json"),
                "std", List.of(),
                "other", List.of("std"));

        FeatureSplit s = FeatureSplit.of(all);

        assertEquals(map("other", List.of("std"), "std", List.of()), s.features());
        assertEquals(map("default", List.of("full"), "full", List.of("json", "std"), "json", List.of("dep:serde_json")),
                s.features2());
        assertEquals(2, s.schemaVersion());
    }

    @Test
    void long_chains_move_regardless_of_iteration_order() {
        // f0 -> f1 -> ... -> f49 -> dep:x, names chosen so map order is the worst case for a single pass
        Map<String, List<String>> all = new HashMap<>();
        for (int i = 0; i < 49; i++) {
            all.put(String.format("f%02d", i), List.of(String.format("f%02d", i + 1)));
        }
        all.put("f49", List.of("dep:x"));
        all.put("plain", List.of());

        FeatureSplit s = FeatureSplit.of(all);

        assertEquals(map("plain", List.of()), s.features());
        assertEquals(50, s.features2().size());
    }

    @Test
    void the_union_of_both_maps_is_the_input() {
        Map<String, List<String>> all = map("a", List.of("dep:x"), "b", List.of("a"), "c", List.of("d/e"), "d", List.of());

        FeatureSplit s = FeatureSplit.of(all);

        Map<String, List<String>> union = new HashMap<>(s.features());
        union.putAll(s.features2());
        assertEquals(new HashMap<>(all), union);
    }

    @Test
    void both_maps_are_sorted_for_deterministic_output() {
        FeatureSplit s = FeatureSplit.of(map("zeta", List.of(), "alpha", List.of(), "z2", List.of("dep:y"), "a2", List.of("dep:x")));

        assertEquals(List.of("alpha", "zeta"), new ArrayList<>(s.features().keySet()));
        assertEquals(List.of("a2", "z2"), new ArrayList<>(s.features2().keySet()));
    }

    @Test
    void null_value_lists_become_empty() {
        Map<String, List<String>> all = new HashMap<>();
        all.put("std", null);

        assertEquals(Map.of("std", List.of()), FeatureSplit.of(all).features());
    }
}
