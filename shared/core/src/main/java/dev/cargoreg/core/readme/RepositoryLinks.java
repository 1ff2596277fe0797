package dev.cargoreg.core.readme;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a README's relative links and images point: into the crate's repository, as the forge shows them (GitHub and
 * GitLab: files under {@code blob/HEAD}, images from the raw host). A crate without a repository URL on a known forge
 * keeps no relative URLs: on the registry's pages they would point at the registry itself.
 */
public final class RepositoryLinks {
    private final String pageBase;
    private final String rawBase;

    private RepositoryLinks(String pageBase, String rawBase) {
        this.pageBase = pageBase;
        this.rawBase = rawBase;
    }

    /** No repository known: relative URLs are dropped. */
    public static RepositoryLinks none() {
        return new RepositoryLinks(null, null);
    }

    /**
     * From the crate's {@code repository} and {@code readme_file} metadata: a README in a folder resolves its links
     * from that folder, as the forge does.
     */
    public static RepositoryLinks of(String repository, String readmeFile) {
        if (repository == null) {
            return none();
        }
        URI uri;
        try {
            uri = new URI(repository.trim());
        } catch (URISyntaxException e) {
            return none();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getRawPath() == null) {
            return none();
        }
        String path = uri.getRawPath().replaceAll("/+$", "").replaceAll("\\.git$", "");
        String[] parts = path.replaceFirst("^/", "").split("/");
        String dir = folderOf(readmeFile);
        if (host.equals("github.com") && parts.length == 2) {
            String repo = parts[0] + "/" + parts[1];
            return new RepositoryLinks("https://github.com/" + repo + "/blob/HEAD/" + dir,
                    "https://raw.githubusercontent.com/" + repo + "/HEAD/" + dir);
        }
        if (host.equals("gitlab.com") && parts.length >= 2) {
            String project = "https://gitlab.com/" + String.join("/", parts);
            return new RepositoryLinks(project + "/-/blob/HEAD/" + dir, project + "/-/raw/HEAD/" + dir);
        }
        return none();
    }

    /** The readme's folder inside the repository ("" at the root); a path that climbs out of the crate is unknown. */
    private static String folderOf(String readmeFile) {
        if (readmeFile == null) {
            return "";
        }
        String f = readmeFile.replace('\\', '/');
        int slash = f.lastIndexOf('/');
        if (slash < 0 || f.contains("..") || f.startsWith("/")) {
            return "";
        }
        return f.substring(0, slash + 1).replaceFirst("^\\./", "");
    }

    /** A link's target: absolute URLs and fragments as they are, relative ones into the repository. */
    public Optional<String> link(String url) {
        return resolve(url, pageBase);
    }

    /** An image's source: absolute URLs as they are, relative ones from the repository's raw files. */
    public Optional<String> image(String url) {
        return resolve(url, rawBase);
    }

    private static Optional<String> resolve(String url, String base) {
        String u = url.trim();
        if (u.isEmpty()) {
            return Optional.empty();
        }
        if (u.startsWith("#")) {
            return Optional.of(u);
        }
        URI parsed;
        try {
            parsed = new URI(u);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (parsed.isAbsolute()) {
            String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            // the sanitizer checks protocols too; this keeps the decision here, where it can be tested
            return scheme.equals("https") || scheme.equals("http") || scheme.equals("mailto") ? Optional.of(u) : Optional.empty();
        }
        if (u.startsWith("//")) {
            return Optional.of("https:" + u);
        }
        if (base == null) {
            return Optional.empty();
        }
        try {
            // a root-relative link is relative to the repository's root, as on the forge
            URI b = new URI(u.startsWith("/") ? base.substring(0, base.length() - folderLength(base)) : base);
            return Optional.of(b.resolve(u.startsWith("/") ? u.substring(1) : u).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The readme folder's part at the end of a base (after {@code /HEAD/}). */
    private static int folderLength(String base) {
        int head = base.indexOf("/HEAD/");
        return head < 0 ? 0 : base.length() - (head + "/HEAD/".length());
    }
}
