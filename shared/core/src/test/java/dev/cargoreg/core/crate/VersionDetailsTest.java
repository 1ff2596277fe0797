package dev.cargoreg.core.crate;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VersionDetailsTest {
    private static final VersionDetails FULL = new VersionDetails("does foo", "MIT", "LICENSE", "https://h", "https://d",
            "https://r", "README.md", List.of("k"), List.of("science"), List.of("Ferris"));

    @Test
    void the_stored_form_is_the_map_stored_since_the_first_release() {
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("description", "does foo");
        stored.put("license", "MIT");
        stored.put("license_file", "LICENSE");
        stored.put("homepage", "https://h");
        stored.put("documentation", "https://d");
        stored.put("repository", "https://r");
        stored.put("readme_file", "README.md");
        stored.put("keywords", List.of("k"));
        stored.put("categories", List.of("science"));
        stored.put("authors", List.of("Ferris"));

        assertEquals(List.copyOf(stored.entrySet()), List.copyOf(FULL.toMap().entrySet()), "same names, same order");
        assertEquals(FULL, VersionDetails.fromMap(stored));
    }

    @Test
    void absent_and_empty_values_are_left_out() {
        VersionDetails sparse = new VersionDetails("", "MIT", null, null, null, null, null, List.of(), null, null);

        assertEquals(Map.of("license", "MIT"), sparse.toMap());
        assertNull(sparse.description());
        assertEquals(List.of(), sparse.keywords());
        assertEquals(sparse, VersionDetails.fromMap(sparse.toMap()));
        assertEquals(VersionDetails.EMPTY, VersionDetails.fromMap(Map.of()));
    }

    @Test
    void values_of_another_type_read_as_absent() {
        VersionDetails d = VersionDetails.fromMap(Map.of("description", 7L, "keywords", "k", "authors", List.of("a", true)));

        assertNull(d.description());
        assertEquals(List.of(), d.keywords());
        assertEquals(List.of("a"), d.authors());
    }
}
