package dev.cargoreg.core.mirror;

import dev.cargoreg.core.crate.CrateName;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A crate name pattern of the mirror's policy: a name, or a glob where {@code *} stands for any run of characters
 * ({@code acme-*}, {@code *-sys}, {@code *}). Compared canonically, as cargo and crates.io compare names: case-insensitive
 * and {@code -} = {@code _}. {@link #text()} is the canonical form ({@code acme_*}), the key it is stored under.
 */
public record NamePattern(String text) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9_*]{1,64}");

    /** Parses what an administrator wrote; {@link IllegalArgumentException} saying why when it is not a pattern. */
    public static NamePattern parse(String written) {
        String c = written == null ? "" : CrateName.canonical(written.trim().toLowerCase(Locale.ROOT));
        if (!VALID.matcher(c).matches()) {
            throw new IllegalArgumentException("`" + written + "` is not a crate name pattern: use letters, digits, `-`, `_`"
                    + " and `*` (any run of characters), at most 64 characters, e.g. `acme-*`");
        }
        return new NamePattern(c);
    }

    public boolean isGlob() {
        return text.indexOf('*') >= 0;
    }

    public boolean matches(String name) {
        String c = CrateName.canonical(name);
        if (!isGlob()) {
            return c.equals(text);
        }
        StringBuilder re = new StringBuilder();
        for (String part : text.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return c.matches(re.toString());
    }

    /** The literal start of the pattern (before any {@code *}): every name it matches starts with it, canonically. */
    public String literalPrefix() {
        int star = text.indexOf('*');
        return star < 0 ? text : text.substring(0, star);
    }
}
