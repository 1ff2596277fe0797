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
        return RegistryConfig.builder("table", "bucket", "https://cdn.example.com", "https://api.example.com")
                .limits(limits).build();
    }

    /** Defaults with a different tar entry cap. */
    public static Limits withMaxTarEntries(int n) {
        return Limits.builder().maxTarEntries(n).build();
    }

    /** Defaults with a different metadata size cap. */
    public static Limits withMaxMetadataBytes(long n) {
        return Limits.builder().maxMetadataBytes(n).build();
    }
}
