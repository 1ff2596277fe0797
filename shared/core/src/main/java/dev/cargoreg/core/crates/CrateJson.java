package dev.cargoreg.core.crates;

import dev.cargoreg.core.crate.CrateSummary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * crates.io's Crate object. Apart from {@link CrateReadService} so that search, which needs only this, does not load
 * the tarball-reading classes (its jar does not ship commons-compress).
 */
public final class CrateJson {
    private CrateJson() {
    }

    /** crates.io's Crate object, with what this registry knows (no download counts: the CDN serves downloads). */
    public static Map<String, Object> summary(String name, CrateSummary s, java.time.Instant created,
                                                       java.time.Instant updated, boolean exactMatch) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", name);
        c.put("name", name);
        c.put("description", s.description());
        c.put("homepage", s.homepage());
        c.put("documentation", s.documentation());
        c.put("repository", s.repository());
        c.put("created_at", created == null ? null : created.toString());
        c.put("updated_at", updated == null ? null : updated.toString());
        c.put("downloads", 0);
        c.put("recent_downloads", null);
        c.put("default_version", s.maxStableVersion() != null ? s.maxStableVersion() : s.maxVersion());
        c.put("num_versions", s.numVersions());
        c.put("yanked", s.allYanked());
        c.put("max_version", s.maxVersion());
        c.put("max_stable_version", s.maxStableVersion());
        c.put("newest_version", s.newestVersion() == null ? s.maxVersion() : s.newestVersion());
        c.put("keywords", s.keywords());
        c.put("categories", s.categories());
        c.put("badges", List.of());
        c.put("exact_match", exactMatch);
        c.put("links", Map.of(
                "versions", "/api/v1/crates/" + name + "/versions",
                "owners", "/api/v1/crates/" + name + "/owners",
                "owner_user", "/api/v1/crates/" + name + "/owner_user",
                "owner_team", "/api/v1/crates/" + name + "/owner_team",
                "reverse_dependencies", "/api/v1/crates/" + name + "/reverse_dependencies",
                "version_downloads", "/api/v1/crates/" + name + "/downloads"));
        return c;
    }
}
