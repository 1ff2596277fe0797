package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.error.RegistryException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publish metadata cargo would send for a package, derived from the normalized {@code Cargo.toml} that
 * {@code cargo package} writes into a .crate (cargo's {@code ops::registry::publish::transmit}), so a pushed file goes
 * through the same checks as {@code cargo publish}. TOML is read by jackson-dataformat-toml, never by hand.
 */
public final class ManifestMetadata {
    /** What cargo sends as a dependency's `registry` when the dependency comes from crates.io. */
    public static final String CRATES_IO_INDEX = "https://github.com/rust-lang/crates.io-index";

    /** cargo reads both spellings of these tables and keys (the underscore ones are deprecated, not gone). */
    private static final String[][] KINDS = {
            {"dependencies", "normal"}, {"dev-dependencies", "dev"}, {"dev_dependencies", "dev"},
            {"build-dependencies", "build"}, {"build_dependencies", "build"}};

    /** This registry's own index URL: dependencies on it carry no `registry`, as cargo sends them. */
    private final String ownIndexUrl;

    public ManifestMetadata(String ownIndexUrl) {
        this.ownIndexUrl = ownIndexUrl;
    }

    /** The metadata of the manifest's package; a 400 with the reason when it is not a publishable manifest. */
    public NewCrateMetadata read(byte[] manifest) {
        JsonNode root;
        try {
            root = CargoToml.read(manifest);
        } catch (IOException e) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: " + oneLine(e.getMessage()));
        }
        JsonNode pkg = root == null ? null : root.get("package");
        if (pkg == null || !pkg.isObject()) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: missing the `[package]` table");
        }
        String name = text(pkg, "name");
        String version = text(pkg, "version");
        if (name == null || version == null) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: `package.name` and"
                    + " `package.version` must be strings (workspace inheritance must be resolved, as `cargo package` does)");
        }
        JsonNode publish = pkg.get("publish");
        if (publish != null && ((publish.isBoolean() && !publish.asBoolean()) || (publish.isArray() && publish.isEmpty()))) {
            // cargo's own refusal; a non-empty list names registries by the client's names, which a server cannot check
            throw RegistryException.badRequest("`" + name + "` cannot be published: `package.publish` is false in its Cargo.toml");
        }
        List<NewCrateMetadata.Dependency> deps = new ArrayList<>();
        addDependencies(root, null, deps);
        JsonNode targets = root.get("target");
        if (targets != null && targets.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = targets.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> t = it.next();
                addDependencies(t.getValue(), t.getKey(), deps);
            }
        }
        return new NewCrateMetadata(name, version, deps, features(root.get("features")), strings(pkg, "authors"),
                text(pkg, "description"), text(pkg, "documentation"), text(pkg, "homepage"), null, text(pkg, "readme"),
                strings(pkg, "keywords"), strings(pkg, "categories"), text(pkg, "license"), text(pkg, "license-file"),
                text(pkg, "repository"), text(pkg, "links"), text(pkg, "rust-version"));
    }

    private void addDependencies(JsonNode table, String target, List<NewCrateMetadata.Dependency> out) {
        if (table == null || !table.isObject()) {
            return;
        }
        for (String[] kind : KINDS) {
            JsonNode deps = table.get(kind[0]);
            if (deps == null || !deps.isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> d = it.next();
                NewCrateMetadata.Dependency dep = dependency(d.getKey(), d.getValue(), target, kind[1]);
                if (dep != null) {
                    out.add(dep);
                }
            }
        }
    }

    /** One dependency as cargo's `NewCrateDependency`; null for a dev-dependency without a version, which cargo omits. */
    private NewCrateMetadata.Dependency dependency(String key, JsonNode spec, String target, String kind) {
        if (spec.isTextual()) {
            return new NewCrateMetadata.Dependency(key, VersionReqDisplay.of(spec.asText()), List.of(), false, true,
                    target, kind, CRATES_IO_INDEX, null);
        }
        if (!spec.isObject()) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: dependency `" + key
                    + "` must be a version string or a table");
        }
        String req = text(spec, "version");
        if (req == null && "dev".equals(kind)) {
            return null;
        }
        String pkgName = text(spec, "package");
        Boolean defaults = bool(spec, "default-features");
        if (defaults == null) {
            defaults = bool(spec, "default_features");
        }
        Boolean optional = bool(spec, "optional");
        List<String> features = strings(spec, "features");
        return new NewCrateMetadata.Dependency(pkgName == null ? key : pkgName,
                req == null ? "*" : VersionReqDisplay.of(req),
                features == null ? List.of() : features,
                optional != null && optional,
                defaults == null || defaults,
                target, kind, registry(text(spec, "registry-index")), pkgName == null ? null : key);
    }

    /**
     * cargo names the dependency's registry unless it is the one published to: `cargo package` writes
     * `registry-index` for every registry but crates.io, so no `registry-index` means crates.io.
     */
    private String registry(String registryIndex) {
        if (registryIndex == null) {
            return CRATES_IO_INDEX;
        }
        String bare = registryIndex.startsWith("sparse+") ? registryIndex.substring("sparse+".length()) : registryIndex;
        String own = ownIndexUrl.startsWith("sparse+") ? ownIndexUrl.substring("sparse+".length()) : ownIndexUrl;
        return trimSlash(bare).equals(trimSlash(own)) ? null : registryIndex;
    }

    private static Map<String, List<String>> features(JsonNode table) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (table == null || !table.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            List<String> values = new ArrayList<>();
            if (!f.getValue().isArray()) {
                throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: feature `" + f.getKey()
                        + "` must be a list of strings");
            }
            f.getValue().forEach(v -> values.add(v.asText()));
            out.put(f.getKey(), values);
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            // `readme = false` and the like: not a value cargo sends
            if (v.isBoolean()) {
                return null;
            }
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: `" + field + "` must be a string");
        }
        return v.asText();
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isBoolean() ? null : v.asBoolean();
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String oneLine(String m) {
        if (m == null) {
            return "unreadable TOML";
        }
        String s = m.replaceAll("[\\p{Cntrl}]", " ");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
