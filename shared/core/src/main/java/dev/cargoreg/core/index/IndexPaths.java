package dev.cargoreg.core.index;

import java.util.Locale;

/** Where cargo looks for a crate's index file: 1/, 2/, 3/x/, ab/cd/ from the lowercased name. */
public final class IndexPaths {
    public static final String INDEX_PREFIX = "index/";
    public static final String CONFIG_KEY = INDEX_PREFIX + "config.json";
    /**
     * Every index path at the CDN, as one invalidation path. CloudFront counts a wildcard as one path (of 1,000 free a
     * month; 15 wildcard invalidations may be in progress), where one path per crate would hit its limit of 3,000
     * paths in progress on a large registry.
     */
    public static final String CDN_WILDCARD = "/" + INDEX_PREFIX + "*";

    private IndexPaths() {
    }

    /** The path under the index root, e.g. {@code se/rd/serde} (names are ASCII, so char slicing equals cargo's byte slicing). */
    public static String pathOf(String crateName) {
        String n = crateName.toLowerCase(Locale.ROOT);
        return switch (n.length()) {
            case 0 -> throw new IllegalArgumentException("empty crate name");
            case 1 -> "1/" + n;
            case 2 -> "2/" + n;
            case 3 -> "3/" + n.charAt(0) + "/" + n;
            default -> n.substring(0, 2) + "/" + n.substring(2, 4) + "/" + n;
        };
    }

    /** The object key of a crate's index file in the bucket. */
    public static String keyOf(String crateName) {
        return INDEX_PREFIX + pathOf(crateName);
    }

    /**
     * The user metadata (S3's x-amz-meta-sha256) naming the SHA-256 of a version's tarball, the index's cksum: on the
     * tarball, on the README text publish stores and on the HTML rendered from it.
     */
    public static final String SHA256_METADATA = "sha256";

    /** The object key of a tarball: {@code crates/{name}/{name}-{version}.crate}, as crates.io stores them. */
    public static String crateKey(String crateName, String version) {
        return "crates/" + crateName + "/" + crateName + "-" + version + ".crate";
    }

    /**
     * The object key of a version's README rendered to sanitized HTML on its first read, beside its tarball:
     * {@code crates/{name}/{name}-{version}.readme.html}. The web UI reads it through the CDN, with no Lambda.
     */
    public static String readmeKey(String crateName, String version) {
        return "crates/" + crateName + "/" + crateName + "-" + version + ".readme.html";
    }

    /**
     * The object key of the README text cargo sent with the publish, as sent, beside the tarball:
     * {@code crates/{name}/{name}-{version}.readme}. What {@link #readmeKey} is rendered from.
     */
    public static String readmeTextKey(String crateName, String version) {
        return "crates/" + crateName + "/" + crateName + "-" + version + ".readme";
    }
}
