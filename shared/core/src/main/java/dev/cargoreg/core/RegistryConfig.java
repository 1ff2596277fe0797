package dev.cargoreg.core;

import dev.cargoreg.core.mirror.MirrorConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
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
        CachePolicy cache,
        /** How stale search may be: it reloads changed crates at most this often. */
        Duration searchRefresh,
        /** Trusted publishing: the OIDC issuers whose tokens are exchanged, issuer URL → provider (`github`, `gitlab`). */
        Map<String, String> trustedIssuers,
        /** The pull-through mirror of crates.io (or another sparse registry); off unless an upstream is given. */
        MirrorConfig mirror) {

    public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
    public static final String GITLAB_ISSUER = "https://gitlab.com";

    public static final Duration DEFAULT_SEARCH_REFRESH = Duration.ofSeconds(1);

    public RegistryConfig {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(bucketName, "bucketName");
        cdnBaseUrl = stripTrailingSlash(Objects.requireNonNull(cdnBaseUrl, "cdnBaseUrl"));
        apiUrl = stripTrailingSlash(Objects.requireNonNull(apiUrl, "apiUrl"));
        distributionId = distributionId == null || distributionId.isBlank() ? null : distributionId;
        limits = limits == null ? Limits.defaults() : limits;
        cache = cache == null ? CachePolicy.defaults() : cache;
        searchRefresh = searchRefresh == null ? DEFAULT_SEARCH_REFRESH : searchRefresh;
        trustedIssuers = trustedIssuers == null ? defaultIssuers() : Map.copyOf(trustedIssuers);
        mirror = mirror == null ? MirrorConfig.off() : mirror;
    }

    private static Map<String, String> defaultIssuers() {
        return Map.of(GITHUB_ISSUER, "github", GITLAB_ISSUER, "gitlab");
    }

    /** A configuration for the given table, bucket and public URLs; everything else at its default. */
    public static Builder builder(String tableName, String bucketName, String cdnBaseUrl, String apiUrl) {
        return new Builder(tableName, bucketName, cdnBaseUrl, apiUrl);
    }

    public Builder toBuilder() {
        return new Builder(tableName, bucketName, cdnBaseUrl, apiUrl).distributionId(distributionId)
                .authRequired(authRequired).limits(limits).cache(cache).searchRefresh(searchRefresh)
                .trustedIssuers(trustedIssuers).mirror(mirror);
    }

    /** The sparse index URL users put in their cargo config (always ends with a slash, as cargo requires). */
    public String indexUrl() {
        return cdnBaseUrl + "/index/";
    }

    /** The `dl` template of config.json; cargo substitutes {crate} and {version} (raw, `+` included). */
    public String dlTemplate() {
        return cdnBaseUrl + "/crates/{crate}/{crate}-{version}.crate";
    }

    public static final class Builder {
        private final String tableName;
        private final String bucketName;
        private final String cdnBaseUrl;
        private final String apiUrl;
        private String distributionId;
        private boolean authRequired;
        private Limits limits = Limits.defaults();
        private CachePolicy cache = CachePolicy.defaults();
        private Duration searchRefresh = DEFAULT_SEARCH_REFRESH;
        private Map<String, String> trustedIssuers = new LinkedHashMap<>(defaultIssuers());
        private MirrorConfig mirror = MirrorConfig.off();

        private Builder(String tableName, String bucketName, String cdnBaseUrl, String apiUrl) {
            this.tableName = tableName;
            this.bucketName = bucketName;
            this.cdnBaseUrl = cdnBaseUrl;
            this.apiUrl = apiUrl;
        }

        /** The CloudFront distribution to invalidate; none (local runs, tests): nothing to invalidate. */
        public Builder distributionId(String v) {
            distributionId = v;
            return this;
        }

        /** A private registry: every read needs a token too. */
        public Builder authRequired(boolean v) {
            authRequired = v;
            return this;
        }

        public Builder limits(Limits v) {
            limits = v;
            return this;
        }

        public Builder cache(CachePolicy v) {
            cache = v;
            return this;
        }

        public Builder searchRefresh(Duration v) {
            searchRefresh = v;
            return this;
        }

        public Builder mirror(MirrorConfig v) {
            mirror = v;
            return this;
        }

        /** Replaces the trusted OIDC issuers (issuer URL → `github` or `gitlab`). */
        public Builder trustedIssuers(Map<String, String> v) {
            trustedIssuers = new LinkedHashMap<>(v);
            return this;
        }

        /**
         * Adds trusted issuers beside GitHub's and GitLab's, e.g. GitHub Enterprise Server or a self-managed GitLab:
         * {@code provider=issuerUrl} entries separated by commas ({@code gitlab=https://gitlab.example.com}).
         */
        public Builder addTrustedIssuers(String spec) {
            if (spec == null || spec.isBlank()) {
                return this;
            }
            for (String entry : spec.split(",")) {
                int eq = entry.indexOf('=');
                String provider = eq < 0 ? "" : entry.substring(0, eq).trim();
                if (!provider.equals("github") && !provider.equals("gitlab")) {
                    throw new IllegalArgumentException("trusted issuer `" + entry.trim() + "`: expected github=URL or gitlab=URL");
                }
                trustedIssuers.put(stripTrailingSlash(entry.substring(eq + 1).trim()), provider);
            }
            return this;
        }

        public RegistryConfig build() {
            return new RegistryConfig(tableName, bucketName, distributionId, cdnBaseUrl, apiUrl, authRequired, limits, cache,
                    searchRefresh, trustedIssuers, mirror);
        }
    }

    /**
     * The limits an operator may tune (each from an environment variable in Lambda), each enforced with a clear error.
     * Limits the protocol fixes (name length, keyword rules…) are constants beside their rule instead.
     */
    public record Limits(
            /**
             * Largest .crate accepted (crates.io: 10 MiB). `cargo publish` can carry at most
             * {@link #MAX_DIRECT_UPLOAD_BYTES}; larger crates are pushed through a presigned upload.
             */
            long maxCrateBytes,
            /** Largest metadata JSON in the publish envelope (crates.io: 1 MiB). */
            long maxMetadataBytes,
            /** Largest unpacked tarball, checked while streaming so a gzip bomb stops early (cargo's own floor is 512 MiB). */
            long maxUnpackedBytes,
            /** Entries in one tarball. */
            int maxTarEntries,
            /** Bytes in one path inside a tarball. */
            int maxPathBytes,
            /** Dependencies of one version. */
            int maxDependencies,
            /** Features of one version (crates.io: 300). */
            int maxFeatures,
            /** Values of one feature. */
            int maxFeatureValues,
            /** A leftover tarball of a failed publish may be replaced only after this long (longer than any publish runs). */
            long stalePublishSeconds) {

        /**
         * How long one API request works before it answers: API Gateway cuts a request off after 30 seconds. Work
         * that takes longer (a reindex of a large registry) answers a cursor to go on from.
         */
        public static final Duration API_REQUEST_WORK = Duration.ofSeconds(20);
        /** API Gateway's own limit: a request received longer ago than this has already been answered with a 504. */
        public static final Duration API_GATEWAY_TIMEOUT = Duration.ofSeconds(30);
        /** The most a Lambda request event may carry, base64-encoded body included (API Gateway and Lambda both cap it). */
        public static final long LAMBDA_PAYLOAD_BYTES = 6L * 1024 * 1024;
        /**
         * The largest .crate a request body can bring through API Gateway to Lambda: what a 6 MiB Lambda payload holds
         * after base64 (4/3), minus 64 KiB for the event's headers and the publish envelope (4,653,056 bytes).
         */
        public static final long MAX_DIRECT_UPLOAD_BYTES = LAMBDA_PAYLOAD_BYTES * 3 / 4 - 64 * 1024;
        /** 10 MiB, as crates.io. */
        public static final long DEFAULT_MAX_CRATE_BYTES = 10L * 1024 * 1024;
        public static final long DEFAULT_MAX_METADATA_BYTES = 1024 * 1024;
        public static final long DEFAULT_MAX_UNPACKED_BYTES = 512L * 1024 * 1024;
        public static final int DEFAULT_MAX_TAR_ENTRIES = 50_000;
        public static final int DEFAULT_MAX_PATH_BYTES = 4096;
        public static final int DEFAULT_MAX_DEPENDENCIES = 500;
        public static final int DEFAULT_MAX_FEATURES = 300;
        public static final int DEFAULT_MAX_FEATURE_VALUES = 300;
        public static final long DEFAULT_STALE_PUBLISH_SECONDS = 300;

        public static Limits defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().maxCrateBytes(maxCrateBytes).maxMetadataBytes(maxMetadataBytes)
                    .maxUnpackedBytes(maxUnpackedBytes).maxTarEntries(maxTarEntries).maxPathBytes(maxPathBytes)
                    .maxDependencies(maxDependencies).maxFeatures(maxFeatures).maxFeatureValues(maxFeatureValues)
                    .stalePublishSeconds(stalePublishSeconds);
        }

        public Limits withMaxCrateBytes(long v) {
            return toBuilder().maxCrateBytes(v).build();
        }

        public Limits withMaxUnpackedBytes(long v) {
            return toBuilder().maxUnpackedBytes(v).build();
        }

        public static final class Builder {
            private long maxCrateBytes = DEFAULT_MAX_CRATE_BYTES;
            private long maxMetadataBytes = DEFAULT_MAX_METADATA_BYTES;
            private long maxUnpackedBytes = DEFAULT_MAX_UNPACKED_BYTES;
            private int maxTarEntries = DEFAULT_MAX_TAR_ENTRIES;
            private int maxPathBytes = DEFAULT_MAX_PATH_BYTES;
            private int maxDependencies = DEFAULT_MAX_DEPENDENCIES;
            private int maxFeatures = DEFAULT_MAX_FEATURES;
            private int maxFeatureValues = DEFAULT_MAX_FEATURE_VALUES;
            private long stalePublishSeconds = DEFAULT_STALE_PUBLISH_SECONDS;

            private Builder() {
            }

            public Builder maxCrateBytes(long v) {
                maxCrateBytes = v;
                return this;
            }

            public Builder maxMetadataBytes(long v) {
                maxMetadataBytes = v;
                return this;
            }

            public Builder maxUnpackedBytes(long v) {
                maxUnpackedBytes = v;
                return this;
            }

            public Builder maxTarEntries(int v) {
                maxTarEntries = v;
                return this;
            }

            public Builder maxPathBytes(int v) {
                maxPathBytes = v;
                return this;
            }

            public Builder maxDependencies(int v) {
                maxDependencies = v;
                return this;
            }

            public Builder maxFeatures(int v) {
                maxFeatures = v;
                return this;
            }

            public Builder maxFeatureValues(int v) {
                maxFeatureValues = v;
                return this;
            }

            public Builder stalePublishSeconds(long v) {
                stalePublishSeconds = v;
                return this;
            }

            public Limits build() {
                return new Limits(maxCrateBytes, maxMetadataBytes, maxUnpackedBytes, maxTarEntries, maxPathBytes,
                        maxDependencies, maxFeatures, maxFeatureValues, stalePublishSeconds);
            }
        }
    }

    /** Cache-Control a CDN needs: index files revalidate quickly, tarballs never change. */
    public record CachePolicy(String index, String config, String crate) {
        public static CachePolicy defaults() {
            return new CachePolicy("public, max-age=1, must-revalidate", "public, max-age=60", "public, max-age=31536000, immutable");
        }
    }

    /** Lambda: every setting from the function's environment (`REGISTRY_*`, set by template.yaml). */
    public static RegistryConfig fromEnvironment(Map<String, String> env) {
        Limits d = Limits.defaults();
        Limits limits = Limits.builder()
                .maxCrateBytes(longEnv(env, "REGISTRY_MAX_CRATE_BYTES", d.maxCrateBytes()))
                .maxMetadataBytes(longEnv(env, "REGISTRY_MAX_METADATA_BYTES", d.maxMetadataBytes()))
                .maxUnpackedBytes(longEnv(env, "REGISTRY_MAX_UNPACKED_BYTES", d.maxUnpackedBytes()))
                .maxTarEntries((int) longEnv(env, "REGISTRY_MAX_TAR_ENTRIES", d.maxTarEntries()))
                .maxPathBytes((int) longEnv(env, "REGISTRY_MAX_PATH_BYTES", d.maxPathBytes()))
                .maxDependencies((int) longEnv(env, "REGISTRY_MAX_DEPENDENCIES", d.maxDependencies()))
                .maxFeatures((int) longEnv(env, "REGISTRY_MAX_FEATURES", d.maxFeatures()))
                .maxFeatureValues((int) longEnv(env, "REGISTRY_MAX_FEATURE_VALUES", d.maxFeatureValues()))
                .stalePublishSeconds(longEnv(env, "REGISTRY_STALE_PUBLISH_SECONDS", d.stalePublishSeconds()))
                .build();
        return builder(required(env, "REGISTRY_TABLE"), required(env, "REGISTRY_BUCKET"), required(env, "REGISTRY_CDN_URL"),
                required(env, "REGISTRY_API_URL"))
                .distributionId(env.get("REGISTRY_DISTRIBUTION_ID"))
                .authRequired(Boolean.parseBoolean(env.getOrDefault("REGISTRY_AUTH_REQUIRED", "false").toLowerCase(Locale.ROOT)))
                .limits(limits)
                .addTrustedIssuers(env.get("REGISTRY_TRUSTED_ISSUERS"))
                .mirror(MirrorConfig.fromEnvironment(env))
                .build();
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
