package dev.cargoreg.core.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The index's config.json: where tarballs are downloaded, where the API is, and whether reads need a token. */
public final class IndexConfig {
    private IndexConfig() {
    }

    public static byte[] render(RegistryConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dl", config.dlTemplate());
        json.put("api", config.apiUrl());
        json.put("auth-required", config.authRequired());
        try {
            return (Json.mapper().writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
