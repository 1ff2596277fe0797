package dev.cargoreg.core.crate;

import java.util.List;

/**
 * What search and the crate API show about a crate, derived from its versions: kept on the crate record and written
 * in the same transaction as the change that alters it, so it is never out of step with the truth.
 */
public record CrateSummary(
        String description,
        String homepage,
        String documentation,
        String repository,
        List<String> keywords,
        List<String> categories,
        /** Highest non-yanked version; "0.0.0" when every version is yanked (as crates.io). */
        String maxVersion,
        /** Highest non-yanked version without pre-release, or null. */
        String maxStableVersion,
        /** The most recently published non-yanked version, or null. */
        String newestVersion,
        long numVersions,
        boolean allYanked) {

    public CrateSummary {
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        categories = categories == null ? List.of() : List.copyOf(categories);
    }

    /** One version as the summary needs it. */
    public record VersionFacts(String version, long seq, boolean yanked) {
    }

    /** Descriptive fields come from the most recently published version, like crates.io's crate page. */
    public record Descriptive(String description, String homepage, String documentation, String repository,
                              List<String> keywords, List<String> categories) {
    }

    public static CrateSummary of(Descriptive d, List<VersionFacts> versions) {
        String max = null;
        String maxStable = null;
        VersionFacts newest = null;
        boolean allYanked = !versions.isEmpty();
        for (VersionFacts v : versions) {
            if (v.yanked()) {
                continue;
            }
            allYanked = false;
            if (max == null || VersionOrder.PRECEDENCE.compare(v.version(), max) > 0) {
                max = v.version();
            }
            if (!VersionOrder.isPreRelease(v.version())
                    && (maxStable == null || VersionOrder.PRECEDENCE.compare(v.version(), maxStable) > 0)) {
                maxStable = v.version();
            }
            if (newest == null || v.seq() > newest.seq()) {
                newest = v;
            }
        }
        return new CrateSummary(d.description(), d.homepage(), d.documentation(), d.repository(), d.keywords(),
                d.categories(), max == null ? "0.0.0" : max, maxStable, newest == null ? null : newest.version(),
                versions.size(), allYanked);
    }

    /** The summary after publishing {@code version}: no need to read the other versions. */
    public static CrateSummary afterPublish(CrateSummary previous, Descriptive d, String version) {
        String max = version;
        String maxStable = VersionOrder.isPreRelease(version) ? null : version;
        long count = 1;
        if (previous != null) {
            count = previous.numVersions() + 1;
            if (!previous.allYanked() && previous.maxVersion() != null
                    && VersionOrder.PRECEDENCE.compare(previous.maxVersion(), max) > 0) {
                max = previous.maxVersion();
            }
            if (previous.maxStableVersion() != null
                    && (maxStable == null || VersionOrder.PRECEDENCE.compare(previous.maxStableVersion(), maxStable) > 0)) {
                maxStable = previous.maxStableVersion();
            }
        }
        return new CrateSummary(d.description(), d.homepage(), d.documentation(), d.repository(), d.keywords(),
                d.categories(), max, maxStable, version, count, false);
    }

    public Descriptive descriptive() {
        return new Descriptive(description, homepage, documentation, repository, keywords, categories);
    }
}
