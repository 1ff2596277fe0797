package dev.cargoreg.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.publish.PublishEnvelope;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one builder of publish request bodies for tests, ITs and benchmarks: the metadata JSON shaped like cargo's
 * `NewCrate` ({@link #json()}, {@link #bytes()}), and the envelope cargo sends ({@link #body()}: u32 LE length,
 * the JSON, u32 LE length, the `.crate`). Fields keep the order they were put in, so the JSON text is predictable.
 */
public final class PublishBodyBuilder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String name;
    private final String vers;
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private byte[] tarball;

    private PublishBodyBuilder(String name, String vers) {
        this.name = name;
        this.vers = vers;
        fields.put("name", name);
        fields.put("vers", vers);
        fields.put("deps", new ArrayList<>());
        fields.put("features", new LinkedHashMap<>());
    }

    /** Every field cargo sends, with the values of a typical crate (an author, a description, MIT). */
    public static PublishBodyBuilder of(String name, String vers) {
        return bare(name, vers)
                .with("authors", List.of("Ferris <ferris@example.com>"))
                .with("description", "a test crate")
                .with("documentation", null)
                .with("homepage", null)
                .with("readme", null)
                .with("readme_file", null)
                .with("keywords", List.of())
                .with("categories", List.of())
                .with("license", "MIT")
                .with("license_file", null)
                .with("repository", null)
                .with("badges", Map.of())
                .with("links", null)
                .with("rust_version", null);
    }

    /** A crate with no authors, description or license: what the validator requires and little more. */
    public static PublishBodyBuilder minimal(String name, String vers) {
        return bare(name, vers)
                .with("authors", List.of())
                .with("description", null)
                .with("keywords", List.of())
                .with("categories", List.of())
                .with("badges", Map.of())
                .with("links", null)
                .with("rust_version", null);
    }

    /** Only `name`, `vers`, `deps` (none) and `features` (none). */
    public static PublishBodyBuilder bare(String name, String vers) {
        return new PublishBodyBuilder(name, vers);
    }

    public PublishBodyBuilder with(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    public PublishBodyBuilder without(String key) {
        fields.remove(key);
        return this;
    }

    @SuppressWarnings("unchecked")
    public PublishBodyBuilder dep(Map<String, Object> dep) {
        ((List<Object>) fields.get("deps")).add(dep);
        return this;
    }

    @SuppressWarnings("unchecked")
    public PublishBodyBuilder feature(String name, String... values) {
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

    /** The `.crate` that {@link #body()} sends; without one, {@link TarballBuilder#valid} for this name and version. */
    public PublishBodyBuilder tarball(byte[] crate) {
        this.tarball = crate;
        return this;
    }

    /** The metadata JSON. */
    public String json() {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The metadata JSON as UTF-8 (not the whole body: that is {@link #body()}). */
    public byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /** The publish body: this metadata and the tarball. */
    public byte[] body() {
        return envelope(bytes(), tarball != null ? tarball : TarballBuilder.valid(name, vers));
    }

    /** The publish body: this metadata and that tarball. */
    public byte[] body(byte[] crate) {
        return envelope(bytes(), crate);
    }

    /** An envelope around any metadata text, valid JSON or not. */
    public static byte[] envelope(String json, byte[] crate) {
        return envelope(json.getBytes(StandardCharsets.UTF_8), crate);
    }

    public static byte[] envelope(byte[] json, byte[] crate) {
        return PublishEnvelope.encode(json, crate);
    }
}
