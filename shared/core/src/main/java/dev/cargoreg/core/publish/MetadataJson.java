package dev.cargoreg.core.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cargo's publish metadata JSON as a {@link NewCrateMetadata}, read from the tree model field by field rather than by
 * data binding: a fresh publish function then builds no mapper and introspects no record (about a sixth of its cold
 * start). The rules are the shared mapper's: unknown fields ignored, a repeated key or anything after the object refused,
 * the same nesting and size limits, {@code null} read as absent. Stricter in one way, as crates.io's serde is: a boolean
 * must be a JSON boolean, where data binding would also take {@code "true"} or {@code 1}. {@code MetadataJsonTest}
 * compares the two on random documents.
 */
final class MetadataJson {
    private MetadataJson() {
    }

    static NewCrateMetadata read(String text) {
        JsonNode root;
        try {
            root = Json.readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid(e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw invalid("the metadata must be a JSON object");
        }
        return new NewCrateMetadata(
                string(root, "name", ""),
                string(root, "vers", ""),
                dependencies(root.get("deps")),
                features(root.get("features")),
                strings(root.get("authors"), "authors"),
                string(root, "description", ""),
                string(root, "documentation", ""),
                string(root, "homepage", ""),
                string(root, "readme", ""),
                string(root, "readme_file", ""),
                strings(root.get("keywords"), "keywords"),
                strings(root.get("categories"), "categories"),
                string(root, "license", ""),
                string(root, "license_file", ""),
                string(root, "repository", ""),
                string(root, "links", ""),
                string(root, "rust_version", ""));
    }

    private static List<NewCrateMetadata.Dependency> dependencies(JsonNode deps) {
        if (absent(deps)) {
            return null;
        }
        if (!deps.isArray()) {
            throw wrongType("deps", "an array", deps);
        }
        List<NewCrateMetadata.Dependency> out = new ArrayList<>(deps.size());
        for (int i = 0; i < deps.size(); i++) {
            JsonNode d = deps.get(i);
            String at = "deps[" + i + "].";
            if (d.isNull()) {
                out.add(null);
                continue;
            }
            if (!d.isObject()) {
                throw wrongType("deps[" + i + "]", "an object", d);
            }
            out.add(new NewCrateMetadata.Dependency(
                    string(d, "name", at),
                    string(d, "version_req", at),
                    strings(d.get("features"), at + "features"),
                    bool(d, "optional", at),
                    bool(d, "default_features", at),
                    string(d, "target", at),
                    string(d, "kind", at),
                    string(d, "registry", at),
                    string(d, "explicit_name_in_toml", at)));
        }
        return out;
    }

    private static Map<String, List<String>> features(JsonNode features) {
        if (absent(features)) {
            return null;
        }
        if (!features.isObject()) {
            throw wrongType("features", "an object", features);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : features.properties()) {
            out.put(e.getKey(), strings(e.getValue(), "features." + e.getKey()));
        }
        return out;
    }

    private static List<String> strings(JsonNode list, String field) {
        if (absent(list)) {
            return null;
        }
        if (!list.isArray()) {
            throw wrongType(field, "an array of strings", list);
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            if (s.isNull()) {
                // kept: the validator names the list whose entry is null
                out.add(null);
            } else if (s.isTextual()) {
                out.add(s.textValue());
            } else {
                throw wrongType(field + "[" + i + "]", "a string", s);
            }
        }
        return out;
    }

    private static String string(JsonNode object, String name, String at) {
        JsonNode v = object.get(name);
        if (absent(v)) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(at + name, "a string", v);
        }
        return v.textValue();
    }

    private static Boolean bool(JsonNode object, String name, String at) {
        JsonNode v = object.get(name);
        if (absent(v)) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(at + name, "a boolean", v);
        }
        return v.booleanValue();
    }

    private static boolean absent(JsonNode v) {
        return v == null || v.isNull();
    }

    private static RegistryException wrongType(String field, String expected, JsonNode found) {
        return invalid("`" + field + "` must be " + expected + ", not " + kind(found));
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "an array";
        }
        return v.isObject() ? "an object" : "a value of another type";
    }

    private static RegistryException invalid(String detail) {
        return RegistryException.badRequest("invalid upload request: " + detail);
    }
}
