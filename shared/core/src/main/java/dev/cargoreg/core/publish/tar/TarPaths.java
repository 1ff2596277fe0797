package dev.cargoreg.core.publish.tar;

/**
 * Entry paths in normal form, the only form cargo writes: {@code name-version/} followed by segments separated by a
 * single {@code /}, none of them empty, {@code .} or {@code ..}; no backslash, no leading {@code /}; a directory may
 * end with one {@code /}, a file may not. A path in normal form names one file one way, so two entries are the same
 * file exactly when their paths are equal (after a directory's trailing {@code /}), which is what the duplicate and
 * single-manifest checks rely on. crates_io_tarball gets the same effect by comparing Rust {@code Path} components;
 * refusing the other spellings also keeps every tool that later reads the tarball from resolving them differently.
 */
public final class TarPaths {
    private TarPaths() {
    }

    /**
     * Why {@code path} is not in normal form under the root directory {@code root} (e.g. {@code foo-1.0.0}), or null
     * when it is. The root directory itself is in normal form only as a directory.
     */
    public static String whyNotNormal(String path, String root, boolean directory) {
        if (path.indexOf('\\') >= 0) {
            return "backslashes are not allowed";
        }
        if (path.startsWith("/")) {
            return "absolute paths are not allowed";
        }
        String p = path;
        if (p.endsWith("/")) {
            if (!directory) {
                return "a file's path cannot end with `/`";
            }
            p = p.substring(0, p.length() - 1);
        }
        String[] segments = p.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                return "empty path segments (`//`) are not allowed";
            }
            if (s.equals("..")) {
                return "`..` segments are not allowed";
            }
            if (s.equals(".")) {
                return "`.` segments are not allowed";
            }
        }
        if (!segments[0].equals(root)) {
            return "every entry must be under `" + root + "/`";
        }
        if (segments.length == 1 && !directory) {
            return "`" + root + "` must be a directory";
        }
        return null;
    }

    /** The path a directory entry names, without its trailing {@code /}: the key duplicates are detected on. */
    public static String key(String normalPath) {
        return normalPath.endsWith("/") ? normalPath.substring(0, normalPath.length() - 1) : normalPath;
    }

    /**
     * A relative path as metadata gives it (a {@code readme_file}), in normal form: {@code \} read as {@code /}, and
     * empty and {@code .} segments dropped. Null if it is empty or leaves its directory ({@code ..}, absolute).
     */
    public static String normalizeRelative(String path) {
        String p = path.replace('\\', '/');
        if (p.startsWith("/")) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String s : p.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                return null;
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(s);
        }
        return out.isEmpty() ? null : out.toString();
    }
}
