package dev.cargoreg.core.testing;

import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.RegistryConfig.Limits;

/** Registry configurations and limit variations for tests. */
public final class TestConfigs {
    private TestConfigs() {
    }

    public static RegistryConfig config() {
        return config(Limits.defaults());
    }

    public static RegistryConfig config(Limits limits) {
        return new RegistryConfig("table", "bucket", null, "https://cdn.example.com", "https://api.example.com", false,
                limits, null);
    }

    /** Defaults with a different tar entry cap. */
    public static Limits withMaxTarEntries(int n) {
        Limits d = Limits.defaults();
        return new Limits(d.maxCrateBytes(), d.maxMetadataBytes(), d.maxUnpackedBytes(), n, d.maxPathBytes(),
                d.maxNameLength(), d.maxVersionLength(), d.maxDependencies(), d.maxFeatures(), d.maxFeatureValues(),
                d.maxJsonNesting(), d.stalePublishSeconds());
    }

    /** Defaults with a different metadata size cap. */
    public static Limits withMaxMetadataBytes(long n) {
        Limits d = Limits.defaults();
        return new Limits(d.maxCrateBytes(), n, d.maxUnpackedBytes(), d.maxTarEntries(), d.maxPathBytes(),
                d.maxNameLength(), d.maxVersionLength(), d.maxDependencies(), d.maxFeatures(), d.maxFeatureValues(),
                d.maxJsonNesting(), d.stalePublishSeconds());
    }
}
