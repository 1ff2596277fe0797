package dev.cargoreg.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the publish metadata JSON the way cargo's `NewCrate` is shaped. */
public final class Metadata {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Metadata(String name, String vers) {
        fields.put("name", name);
        fields.put("vers", vers);
        fields.put("deps", new ArrayList<>());
        fields.put("features", new LinkedHashMap<>());
        fields.put("authors", List.of("Ferris <ferris@example.com>"));
        fields.put("description", "a test crate");
        fields.put("documentation", null);
        fields.put("homepage", null);
        fields.put("readme", null);
        fields.put("readme_file", null);
        fields.put("keywords", List.of());
        fields.put("categories", List.of());
        fields.put("license", "MIT");
        fields.put("license_file", null);
        fields.put("repository", null);
        fields.put("badges", Map.of());
        fields.put("links", null);
        fields.put("rust_version", null);
    }

    public static Metadata of(String name, String vers) {
        return new Metadata(name, vers);
    }

    public Metadata with(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    public Metadata without(String key) {
        fields.remove(key);
        return this;
    }

    @SuppressWarnings("unchecked")
    public Metadata dep(Map<String, Object> dep) {
        ((List<Object>) fields.get("deps")).add(dep);
        return this;
    }

    @SuppressWarnings("unchecked")
    public Metadata feature(String name, String... values) {
        ((Map<String, Object>) fields.get("features")).put(name, List.of(values));
        return this;
    }

    /** A dependency as cargo sends it: `target` always present (null), `registry`/`explicit_name_in_toml` only when set. */
    public static Map<String, Object> dep(String name, String req) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("optional", false);
        d.put("default_features", true);
        d.put("name", name);
        d.put("features", List.of());
        d.put("version_req", req);
        d.put("target", null);
        d.put("kind", "normal");
        return d;
    }

    public String json() {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }
}
