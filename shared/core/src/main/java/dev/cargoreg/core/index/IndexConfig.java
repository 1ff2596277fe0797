package dev.cargoreg.core.index;

import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The index's config.json: where tarballs are downloaded, where the API is, and whether reads need a token. */
public final class IndexConfig {
    /** The crates.io mirror's config.json (docs/mirror.md), served by the CDN from the bucket. */
    public static final String MIRROR_CONFIG_KEY = "mirror/index/config.json";

    private IndexConfig() {
    }

    /** The mirror's config.json: downloads from our CDN, no {@code api} so nothing can be published to it. */
    public static byte[] renderMirror(RegistryConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dl", config.cdnBaseUrl() + "/mirror/crates/{crate}/{crate}-{version}.crate");
        if (config.authRequired()) {
            m.put("auth-required", true);
        }
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] render(RegistryConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dl", config.dlTemplate());
        json.put("api", config.apiUrl());
        json.put("auth-required", config.authRequired());
        return (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
