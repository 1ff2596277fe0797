package dev.cargoreg.core;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting and limit of the registry in one place (crates.io keeps its limits in one config object too).
 * Built from the environment in Lambda ({@link #fromEnvironment(Map)}) and directly by the local runner and tests.
 */
public record RegistryConfig(
        String tableName,
        String bucketName,
        String distributionId,
        /** Public base URL of the CDN (CloudFront, or the local runner): index under /index/, tarballs under /crates/. */
        String cdnBaseUrl,
        /** Public base URL of the Web API, without trailing slash (cargo appends /api/v1/...). */
        String apiUrl,
        boolean authRequired,
        Limits limits,
        CachePolicy cache) {

    public RegistryConfig {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(bucketName, "bucketName");
        cdnBaseUrl = stripTrailingSlash(Objects.requireNonNull(cdnBaseUrl, "cdnBaseUrl"));
        apiUrl = stripTrailingSlash(Objects.requireNonNull(apiUrl, "apiUrl"));
        distributionId = distributionId == null || distributionId.isBlank() ? null : distributionId;
        limits = limits == null ? Limits.defaults() : limits;
        cache = cache == null ? CachePolicy.defaults() : cache;
    }

    /** The sparse index URL users put in their cargo config (always ends with a slash, as cargo requires). */
    public String indexUrl() {
        return cdnBaseUrl + "/index/";
    }

    /** The `dl` template of config.json; cargo substitutes {crate} and {version} (raw, `+` included). */
    public String dlTemplate() {
        return cdnBaseUrl + "/crates/{crate}/{crate}-{version}.crate";
    }

    /**
     * Limits, each enforced with a clear error. Defaults are documented in the README.
     */
    public record Limits(
            /** Largest .crate accepted. A Lambda request carries 6 MiB, base64 inflates by 4/3: 4.5 MiB raw, minus headroom. */
            long maxCrateBytes,
            /** Largest metadata JSON in the publish envelope (crates.io: 1 MiB). */
            long maxMetadataBytes,
            /** Largest unpacked tarball, checked while streaming so a gzip bomb stops early (cargo's own floor is 512 MiB). */
            long maxUnpackedBytes,
            int maxTarEntries,
            int maxPathBytes,
            int maxNameLength,
            int maxVersionLength,
            int maxDependencies,
            int maxFeatures,
            int maxFeatureValues,
            int maxJsonNesting,
            /** A leftover tarball of a failed publish may be replaced only after this long (longer than any publish runs). */
            long stalePublishSeconds) {

        public static final long LAMBDA_PAYLOAD_BYTES = 6L * 1024 * 1024;
        /** What a 6 MiB Lambda payload holds after base64 (4/3), minus 64 KiB for the event's headers and the envelope. */
        public static final long DEFAULT_MAX_CRATE_BYTES = LAMBDA_PAYLOAD_BYTES * 3 / 4 - 64 * 1024;

        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_CRATE_BYTES, 1024 * 1024, 512L * 1024 * 1024, 50_000, 4096,
                    64, 128, 500, 300, 300, 64, 300);
        }

        public Limits withMaxCrateBytes(long v) {
            return new Limits(v, maxMetadataBytes, maxUnpackedBytes, maxTarEntries, maxPathBytes, maxNameLength,
                    maxVersionLength, maxDependencies, maxFeatures, maxFeatureValues, maxJsonNesting, stalePublishSeconds);
        }

        public Limits withMaxUnpackedBytes(long v) {
            return new Limits(maxCrateBytes, maxMetadataBytes, v, maxTarEntries, maxPathBytes, maxNameLength,
                    maxVersionLength, maxDependencies, maxFeatures, maxFeatureValues, maxJsonNesting, stalePublishSeconds);
        }
    }

    /** Cache-Control a CDN needs: index files revalidate quickly, tarballs never change. */
    public record CachePolicy(String index, String config, String crate) {
        public static CachePolicy defaults() {
            return new CachePolicy("public, max-age=1, must-revalidate", "public, max-age=60", "public, max-age=31536000, immutable");
        }
    }

    public static RegistryConfig fromEnvironment(Map<String, String> env) {
        Limits d = Limits.defaults();
        Limits limits = new Limits(
                longEnv(env, "REGISTRY_MAX_CRATE_BYTES", d.maxCrateBytes()),
                longEnv(env, "REGISTRY_MAX_METADATA_BYTES", d.maxMetadataBytes()),
                longEnv(env, "REGISTRY_MAX_UNPACKED_BYTES", d.maxUnpackedBytes()),
                (int) longEnv(env, "REGISTRY_MAX_TAR_ENTRIES", d.maxTarEntries()),
                (int) longEnv(env, "REGISTRY_MAX_PATH_BYTES", d.maxPathBytes()),
                d.maxNameLength(),
                d.maxVersionLength(),
                (int) longEnv(env, "REGISTRY_MAX_DEPENDENCIES", d.maxDependencies()),
                (int) longEnv(env, "REGISTRY_MAX_FEATURES", d.maxFeatures()),
                (int) longEnv(env, "REGISTRY_MAX_FEATURE_VALUES", d.maxFeatureValues()),
                d.maxJsonNesting(),
                longEnv(env, "REGISTRY_STALE_PUBLISH_SECONDS", d.stalePublishSeconds()));
        return new RegistryConfig(
                required(env, "REGISTRY_TABLE"),
                required(env, "REGISTRY_BUCKET"),
                env.get("REGISTRY_DISTRIBUTION_ID"),
                required(env, "REGISTRY_CDN_URL"),
                required(env, "REGISTRY_API_URL"),
                Boolean.parseBoolean(env.getOrDefault("REGISTRY_AUTH_REQUIRED", "false").toLowerCase(Locale.ROOT)),
                limits,
                CachePolicy.defaults());
    }

    private static String required(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("missing environment variable " + key);
        }
        return v;
    }

    private static long longEnv(Map<String, String> env, String key, long dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + key + " must be a number, got " + v);
        }
    }

    private static String stripTrailingSlash(String s) {
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
