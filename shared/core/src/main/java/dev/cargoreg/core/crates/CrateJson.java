package dev.cargoreg.core.crates;

import dev.cargoreg.core.crate.CrateSummary;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * crates.io's Crate object. Apart from {@link CrateReadService} so that search, which needs only this, does not load
 * the tarball-reading classes (its jar does not ship commons-compress).
 */
public final class CrateJson {
    private CrateJson() {
    }

    /** crates.io's Crate object, with what this registry knows; download counts 0 (the crate API sets them: withDownloads). */
    public static CrateView view(String name, CrateSummary s, Instant created, Instant updated, boolean exactMatch) {
        return new CrateView(name, name, s.description(), s.homepage(), s.documentation(), s.repository(),
                created == null ? null : created.toString(), updated == null ? null : updated.toString(),
                0, 0L, s.maxStableVersion() != null ? s.maxStableVersion() : s.maxVersion(), s.numVersions(),
                s.allYanked(), s.maxVersion(), s.maxStableVersion(),
                s.newestVersion() == null ? s.maxVersion() : s.newestVersion(), s.keywords(), s.categories(), List.of(),
                exactMatch, CrateView.Links.of(name), null);
    }

    /** {@link #view} as a map, for search's response, which is built as one. */
    public static Map<String, Object> summary(String name, CrateSummary s, Instant created, Instant updated,
                                              boolean exactMatch) {
        return view(name, s, created, updated, exactMatch).toMap();
    }

    /** {@link #summary} with the download counts search holds. */
    public static Map<String, Object> summary(String name, CrateSummary s, Instant created, Instant updated,
                                              boolean exactMatch, long downloads, long recentDownloads) {
        return view(name, s, created, updated, exactMatch).withDownloads(downloads, recentDownloads).toMap();
    }
}
