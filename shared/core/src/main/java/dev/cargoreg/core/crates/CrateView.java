package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * crates.io's Crate object, with what this registry knows (download counts in the crate API; 0 in search). Times are
 * RFC 3339. {@code versions} (the version ids) is only in the crate API's answer, not in search results.
 */
@JsonPropertyOrder(alphabetic = true)
public record CrateView(
        String id,
        String name,
        String description,
        String homepage,
        String documentation,
        String repository,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        long downloads,
        @JsonProperty("recent_downloads") Long recentDownloads,
        @JsonProperty("default_version") String defaultVersion,
        @JsonProperty("num_versions") long numVersions,
        boolean yanked,
        @JsonProperty("max_version") String maxVersion,
        @JsonProperty("max_stable_version") String maxStableVersion,
        @JsonProperty("newest_version") String newestVersion,
        List<String> keywords,
        List<String> categories,
        /** Always empty: crates.io's badges are gone. */
        List<String> badges,
        @JsonProperty("exact_match") boolean exactMatch,
        Links links,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Long> versions) {

    /**
     * This object as a map of what its JSON says (crates.io's names, in the same order), so that search can answer
     * with plain maps and never build Jackson's data binding ({@code CrateJsonTest} compares the two).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("description", description);
        m.put("homepage", homepage);
        m.put("documentation", documentation);
        m.put("repository", repository);
        m.put("created_at", createdAt);
        m.put("updated_at", updatedAt);
        m.put("downloads", downloads);
        m.put("recent_downloads", recentDownloads);
        m.put("default_version", defaultVersion);
        m.put("num_versions", numVersions);
        m.put("yanked", yanked);
        m.put("max_version", maxVersion);
        m.put("max_stable_version", maxStableVersion);
        m.put("newest_version", newestVersion);
        m.put("keywords", keywords);
        m.put("categories", categories);
        m.put("badges", badges);
        m.put("exact_match", exactMatch);
        m.put("links", links == null ? null : links.toMap());
        if (versions != null) {
            m.put("versions", versions);
        }
        return m;
    }

    /** This crate with its download counts (all time, and the last 90 days). */
    public CrateView withDownloads(long total, long recent) {
        return new CrateView(id, name, description, homepage, documentation, repository, createdAt, updatedAt, total,
                recent, defaultVersion, numVersions, yanked, maxVersion, maxStableVersion, newestVersion, keywords,
                categories, badges, exactMatch, links, versions);
    }

    /** This crate as the crate API shows it, with its version ids. */
    public CrateView withVersions(List<Long> ids) {
        return new CrateView(id, name, description, homepage, documentation, repository, createdAt, updatedAt, downloads,
                recentDownloads, defaultVersion, numVersions, yanked, maxVersion, maxStableVersion, newestVersion, keywords,
                categories, badges, exactMatch, links, List.copyOf(ids));
    }

    @JsonPropertyOrder(alphabetic = true)
    public record Links(
            String versions,
            String owners,
            @JsonProperty("owner_user") String ownerUser,
            @JsonProperty("owner_team") String ownerTeam,
            @JsonProperty("reverse_dependencies") String reverseDependencies,
            @JsonProperty("version_downloads") String versionDownloads) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new TreeMap<>();
            m.put("versions", versions);
            m.put("owners", owners);
            m.put("owner_user", ownerUser);
            m.put("owner_team", ownerTeam);
            m.put("reverse_dependencies", reverseDependencies);
            m.put("version_downloads", versionDownloads);
            return m;
        }

        static Links of(String name) {
            String base = "/api/v1/crates/" + name;
            return new Links(base + "/versions", base + "/owners", base + "/owner_user", base + "/owner_team",
                    base + "/reverse_dependencies", base + "/downloads");
        }
    }
}
