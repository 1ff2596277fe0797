package dev.cargoreg.core.crate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The descriptive metadata of one published version, as its publisher sent it: what the crate page and the version API
 * show, and what the crate's summary is rebuilt from when a newer version goes. Empty strings are absent (null), empty
 * lists are empty.
 */
public record VersionDetails(String description, String license, String licenseFile, String homepage,
                             String documentation, String repository, String readmeFile, List<String> keywords,
                             List<String> categories, List<String> authors, Provenance provenance) {

    public static final VersionDetails EMPTY = new VersionDetails(null, null, null, null, null, null, null, null, null, null);

    /** Details of a version published without trusted publishing. */
    public VersionDetails(String description, String license, String licenseFile, String homepage,
                          String documentation, String repository, String readmeFile, List<String> keywords,
                          List<String> categories, List<String> authors) {
        this(description, license, licenseFile, homepage, documentation, repository, readmeFile, keywords, categories,
                authors, null);
    }

    /** The same details, published through trusted publishing from {@code from}. */
    public VersionDetails withProvenance(Provenance from) {
        return new VersionDetails(description, license, licenseFile, homepage, documentation, repository, readmeFile,
                keywords, categories, authors, from);
    }

    public VersionDetails {
        description = present(description);
        license = present(license);
        licenseFile = present(licenseFile);
        homepage = present(homepage);
        documentation = present(documentation);
        repository = present(repository);
        readmeFile = present(readmeFile);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        categories = categories == null ? List.of() : List.copyOf(categories);
        authors = authors == null ? List.of() : List.copyOf(authors);
    }

    /**
     * The stored form: a map with the names stored since the first release (snake_case; what is absent or empty left
     * out), which the metadata store keeps as it is.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> d = new LinkedHashMap<>();
        put(d, "description", description);
        put(d, "license", license);
        put(d, "license_file", licenseFile);
        put(d, "homepage", homepage);
        put(d, "documentation", documentation);
        put(d, "repository", repository);
        put(d, "readme_file", readmeFile);
        put(d, "keywords", keywords);
        put(d, "categories", categories);
        put(d, "authors", authors);
        if (provenance != null) {
            provenance.putInto(d);
        }
        return d;
    }

    /** Reads {@link #toMap()}'s form back; what is missing or of another type is absent. */
    public static VersionDetails fromMap(Map<String, ?> m) {
        if (m == null || m.isEmpty()) {
            return EMPTY;
        }
        return new VersionDetails(str(m, "description"), str(m, "license"), str(m, "license_file"), str(m, "homepage"),
                str(m, "documentation"), str(m, "repository"), str(m, "readme_file"), list(m, "keywords"),
                list(m, "categories"), list(m, "authors"), Provenance.from(m));
    }

    /** The crate-level part: what the crate's summary shows when this is its newest version. */
    public CrateSummary.Descriptive descriptive() {
        return new CrateSummary.Descriptive(description, homepage, documentation, repository, keywords, categories);
    }

    private static String present(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void put(Map<String, Object> d, String k, String v) {
        if (v != null) {
            d.put(k, v);
        }
    }

    private static void put(Map<String, Object> d, String k, List<String> v) {
        if (!v.isEmpty()) {
            d.put(k, v);
        }
    }

    private static String str(Map<String, ?> m, String k) {
        return m.get(k) instanceof String s ? s : null;
    }

    private static List<String> list(Map<String, ?> m, String k) {
        return m.get(k) instanceof List<?> l
                ? l.stream().filter(String.class::isInstance).map(String.class::cast).toList()
                : List.of();
    }
}
