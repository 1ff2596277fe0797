package dev.cargoreg.core.publish;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import dev.cargoreg.core.json.Json;

import java.io.IOException;

/**
 * A `Cargo.toml` as a tree, read with the TOML format's own parser and the shared tree reader rather than a
 * {@code TomlMapper}: building a mapper is most of what data binding costs a fresh publish function, and a manifest is
 * only ever read as a tree. {@code CargoTomlTest} compares the two on every real crate's manifest it finds.
 */
final class CargoToml {
    private static final TomlFactory TOML = new TomlFactory();

    private CargoToml() {
    }

    /** The manifest's tree; a TOML syntax error is a {@code JsonProcessingException} naming the line. */
    static JsonNode read(byte[] manifest) throws IOException {
        try (JsonParser p = TOML.createParser(manifest)) {
            return Json.readTree(p);
        }
    }
}
