package dev.cargoreg.core.mirror;

import dev.cargoreg.core.crate.CrateName;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pull-through mirror of an upstream sparse registry (crates.io by default), served beside the private index.
 * Off when {@link #upstream()} is null.
 */
public record MirrorConfig(
        /** The upstream's sparse index URL without {@code sparse+}, ending with a slash; null: no mirror. */
        String upstream,
        /** How long a cached index file is served before it is revalidated upstream (the freshness bound). */
        Duration ttl,
        /** The whole budget of one upstream index request: cargo never waits on a dead upstream longer than this. */
        Duration indexTimeout,
        /** The whole budget of one upstream .crate download. */
        Duration crateTimeout,
        /** Largest upstream index file accepted (crates.io's largest are a few MiB). */
        long maxIndexBytes,
        /** Largest upstream .crate accepted. */
        long maxCrateBytes,
        /** Serve only what is cached; never ask upstream (air-gapped use). */
        boolean offline,
        /** Canonical name prefixes (from patterns such as {@code acme-*}) or exact canonical names the mirror never serves. */
        List<String> reserved,
        /** Canonical names an administrator allowed to be published privately although they exist upstream. */
        Set<String> allowedPrivate,
        /** How long a name upstream answered 404 for is answered 404 without asking upstream again (negative cache). */
        Duration negativeTtl,
        /**
         * Largest .crate answered in the response body; a larger one is stored and answered with a 307 to its CDN
         * path (Lambda's response limit is 6 MB, base64 included).
         */
        long maxInlineBytes) {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_INDEX_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_CRATE_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_INDEX_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_CRATE_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(60);
    /** 4 MiB: base64 makes it 5.6 MB, under Lambda's 6 MB response limit with the headers. */
    public static final long DEFAULT_MAX_INLINE_BYTES = 4L * 1024 * 1024;

    public MirrorConfig {
        if (upstream != null) {
            upstream = upstream.startsWith("sparse+") ? upstream.substring("sparse+".length()) : upstream;
            upstream = upstream.endsWith("/") ? upstream : upstream + "/";
            if (!upstream.startsWith("http://") && !upstream.startsWith("https://")) {
                throw new IllegalArgumentException("the mirror's upstream must be a sparse index URL (sparse+https://…), got " + upstream);
            }
        }
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        indexTimeout = indexTimeout == null ? DEFAULT_INDEX_TIMEOUT : indexTimeout;
        crateTimeout = crateTimeout == null ? DEFAULT_CRATE_TIMEOUT : crateTimeout;
        maxIndexBytes = maxIndexBytes <= 0 ? DEFAULT_MAX_INDEX_BYTES : maxIndexBytes;
        maxCrateBytes = maxCrateBytes <= 0 ? DEFAULT_MAX_CRATE_BYTES : maxCrateBytes;
        reserved = reserved == null ? List.of() : List.copyOf(reserved);
        allowedPrivate = allowedPrivate == null ? Set.of() : Set.copyOf(allowedPrivate);
        negativeTtl = negativeTtl == null ? DEFAULT_NEGATIVE_TTL : negativeTtl;
        maxInlineBytes = maxInlineBytes <= 0 ? DEFAULT_MAX_INLINE_BYTES : maxInlineBytes;
    }

    /** No mirror. */
    public static MirrorConfig off() {
        return new MirrorConfig(null, null, null, null, 0, 0, false, null, null, null, 0);
    }

    /** A mirror of {@code upstream} with every other setting at its default. */
    public static MirrorConfig of(String upstream) {
        return new MirrorConfig(upstream, null, null, null, 0, 0, false, null, null, null, 0);
    }

    public boolean enabled() {
        return upstream != null;
    }

    public MirrorConfig withTtl(Duration v) {
        return new MirrorConfig(upstream, v, indexTimeout, crateTimeout, maxIndexBytes, maxCrateBytes, offline, reserved, allowedPrivate, negativeTtl, maxInlineBytes);
    }

    public MirrorConfig withTimeouts(Duration index, Duration crate) {
        return new MirrorConfig(upstream, ttl, index, crate, maxIndexBytes, maxCrateBytes, offline, reserved, allowedPrivate, negativeTtl, maxInlineBytes);
    }

    public MirrorConfig withMaxBytes(long index, long crate) {
        return new MirrorConfig(upstream, ttl, indexTimeout, crateTimeout, index, crate, offline, reserved, allowedPrivate, negativeTtl, maxInlineBytes);
    }

    public MirrorConfig withOffline(boolean v) {
        return new MirrorConfig(upstream, ttl, indexTimeout, crateTimeout, maxIndexBytes, maxCrateBytes, v, reserved, allowedPrivate, negativeTtl, maxInlineBytes);
    }

    /** Reserved names: {@code acme-*} reserves every name starting with {@code acme-} (or {@code acme_}), others are exact. */
    public MirrorConfig withReserved(List<String> patterns) {
        return new MirrorConfig(upstream, ttl, indexTimeout, crateTimeout, maxIndexBytes, maxCrateBytes, offline,
                patterns.stream().map(String::trim).filter(p -> !p.isEmpty())
                        .map(p -> p.endsWith("*") ? CrateName.canonical(p.substring(0, p.length() - 1)) + "*" : CrateName.canonical(p))
                        .toList(), allowedPrivate, negativeTtl, maxInlineBytes);
    }

    public MirrorConfig withAllowedPrivate(Set<String> names) {
        return new MirrorConfig(upstream, ttl, indexTimeout, crateTimeout, maxIndexBytes, maxCrateBytes, offline, reserved,
                names.stream().map(String::trim).filter(n -> !n.isEmpty()).map(CrateName::canonical).collect(Collectors.toSet()),
                negativeTtl, maxInlineBytes);
    }

    /** Zero turns the negative cache off: every miss asks upstream. */
    public MirrorConfig withNegativeTtl(Duration v) {
        return new MirrorConfig(upstream, ttl, indexTimeout, crateTimeout, maxIndexBytes, maxCrateBytes, offline, reserved,
                allowedPrivate, v, maxInlineBytes);
    }

    public MirrorConfig withMaxInlineBytes(long v) {
        return new MirrorConfig(upstream, ttl, indexTimeout, crateTimeout, maxIndexBytes, maxCrateBytes, offline, reserved,
                allowedPrivate, negativeTtl, v);
    }

    /** The reserved pattern {@code name} matches, as the administrator wrote it canonically; null when none. */
    public String reservedPatternOf(String name) {
        String c = CrateName.canonical(name);
        for (String p : reserved) {
            if (p.endsWith("*") ? c.startsWith(p.substring(0, p.length() - 1)) : c.equals(p)) {
                return p;
            }
        }
        return null;
    }

    /** Parses a comma-separated list of an environment variable or option. */
    static List<String> list(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return List.of(csv.toLowerCase(Locale.ROOT).split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The mirror settings from REGISTRY_MIRROR_* environment variables (Lambda). */
    public static MirrorConfig fromEnvironment(Map<String, String> env) {
        String upstream = env.get("REGISTRY_MIRROR_UPSTREAM");
        if (upstream == null || upstream.isBlank()) {
            return off();
        }
        MirrorConfig c = of(upstream.trim());
        String ttl = env.get("REGISTRY_MIRROR_TTL_SECONDS");
        if (ttl != null && !ttl.isBlank()) {
            c = c.withTtl(Duration.ofSeconds(Long.parseLong(ttl.trim())));
        }
        String negative = env.get("REGISTRY_MIRROR_NEGATIVE_TTL_SECONDS");
        if (negative != null && !negative.isBlank()) {
            c = c.withNegativeTtl(Duration.ofSeconds(Long.parseLong(negative.trim())));
        }
        String inline = env.get("REGISTRY_MIRROR_MAX_INLINE_BYTES");
        if (inline != null && !inline.isBlank()) {
            c = c.withMaxInlineBytes(Long.parseLong(inline.trim()));
        }
        return c.withOffline(Boolean.parseBoolean(env.getOrDefault("REGISTRY_MIRROR_OFFLINE", "false").trim()))
                .withReserved(list(env.get("REGISTRY_MIRROR_RESERVED")))
                .withAllowedPrivate(Set.copyOf(list(env.get("REGISTRY_MIRROR_ALLOW_PRIVATE"))));
    }
}
