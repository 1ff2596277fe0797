package dev.cargoreg.core.publish;

import dev.cargoreg.core.crate.VersionOrder;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semver version requirement as cargo and crates.io accept it (the `semver` crate, 1.x): one or more comparators
 * separated by commas, each an optional operator (`=`, `>`, `>=`, `<`, `<=`, `~`, `^`) and a partial version
 * `MAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]` whose minor and patch may be a wildcard (`*`, `x`, `X`); or a lone wildcard.
 * Only the space character separates tokens. Nothing else is accepted, so whatever passes here parses in cargo.
 */
public final class VersionReq {
    /** The `semver` crate refuses a requirement with more comparators than this. */
    static final int MAX_COMPARATORS = 32;

    private final boolean star;
    private final int comparators;
    private final List<Comparator> parts;

    private VersionReq(boolean star, int comparators, List<Comparator> parts) {
        this.star = star;
        this.comparators = comparators;
        this.parts = List.copyOf(parts);
    }

    /** One comparator: {@code op} is one of = > >= < <= ~ ^; {@code minor}/{@code patch} null when absent or a wildcard. */
    private record Comparator(String op, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
    }

    /** True for a lone wildcard (`*`, `x`, `X`): the requirement crates.io refuses for dependencies. */
    public boolean isStar() {
        return star;
    }

    public int comparators() {
        return comparators;
    }

    /**
     * Whether {@code version} satisfies this requirement, with the `semver` crate's rules (cargo's): every comparator
     * must match, and a pre-release matches only when a comparator names the same MAJOR.MINOR.PATCH with a
     * pre-release. A version that is not valid semver matches nothing.
     */
    public boolean matches(String version) {
        Matcher m = SEMVER.matcher(version == null ? "" : version);
        if (!m.matches()) {
            return false;
        }
        BigInteger major = new BigInteger(m.group(1));
        BigInteger minor = new BigInteger(m.group(2));
        BigInteger patch = new BigInteger(m.group(3));
        String pre = m.group(4) == null ? "" : m.group(4);
        for (Comparator c : parts) {
            if (!matches(c, major, minor, patch, pre)) {
                return false;
            }
        }
        if (pre.isEmpty()) {
            return true;
        }
        for (Comparator c : parts) {
            if (c.major.equals(major) && minor.equals(c.minor) && patch.equals(c.patch) && !c.pre.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z.-]+)?");

    /** Pre-release order: none ranks above any pre-release, the rest is SemVer precedence. */
    private static int comparePre(String a, String b) {
        return VersionOrder.PRECEDENCE.compare(a.isEmpty() ? "0.0.0" : "0.0.0-" + a, b.isEmpty() ? "0.0.0" : "0.0.0-" + b);
    }

    private static boolean matches(Comparator c, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
        return switch (c.op) {
            case "=" -> exact(c, major, minor, patch, pre);
            case ">" -> greater(c, major, minor, patch, pre);
            case ">=" -> exact(c, major, minor, patch, pre) || greater(c, major, minor, patch, pre);
            case "<" -> less(c, major, minor, patch, pre);
            case "<=" -> exact(c, major, minor, patch, pre) || less(c, major, minor, patch, pre);
            case "~" -> tilde(c, major, minor, patch, pre);
            default -> caret(c, major, minor, patch, pre);
        };
    }

    private static boolean exact(Comparator c, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
        return major.equals(c.major) && (c.minor == null || minor.equals(c.minor)) && (c.patch == null || patch.equals(c.patch))
                && pre.equals(c.pre);
    }

    private static boolean greater(Comparator c, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
        if (!major.equals(c.major)) {
            return major.compareTo(c.major) > 0;
        }
        if (c.minor == null) {
            return false;
        }
        if (!minor.equals(c.minor)) {
            return minor.compareTo(c.minor) > 0;
        }
        if (c.patch == null) {
            return false;
        }
        if (!patch.equals(c.patch)) {
            return patch.compareTo(c.patch) > 0;
        }
        return comparePre(pre, c.pre) > 0;
    }

    private static boolean less(Comparator c, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
        if (!major.equals(c.major)) {
            return major.compareTo(c.major) < 0;
        }
        if (c.minor == null) {
            return false;
        }
        if (!minor.equals(c.minor)) {
            return minor.compareTo(c.minor) < 0;
        }
        if (c.patch == null) {
            return false;
        }
        if (!patch.equals(c.patch)) {
            return patch.compareTo(c.patch) < 0;
        }
        return comparePre(pre, c.pre) < 0;
    }

    private static boolean tilde(Comparator c, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
        if (!major.equals(c.major) || (c.minor != null && !minor.equals(c.minor))) {
            return false;
        }
        if (c.patch != null && !patch.equals(c.patch)) {
            return patch.compareTo(c.patch) > 0;
        }
        return comparePre(pre, c.pre) >= 0;
    }

    private static boolean caret(Comparator c, BigInteger major, BigInteger minor, BigInteger patch, String pre) {
        if (!major.equals(c.major)) {
            return false;
        }
        if (c.minor == null) {
            return true;
        }
        boolean majorPositive = c.major.signum() > 0;
        if (c.patch == null) {
            return majorPositive ? minor.compareTo(c.minor) >= 0 : minor.equals(c.minor);
        }
        if (majorPositive) {
            if (!minor.equals(c.minor)) {
                return minor.compareTo(c.minor) > 0;
            } else if (!patch.equals(c.patch)) {
                return patch.compareTo(c.patch) > 0;
            }
        } else if (c.minor.signum() > 0) {
            if (!minor.equals(c.minor)) {
                return false;
            } else if (!patch.equals(c.patch)) {
                return patch.compareTo(c.patch) > 0;
            }
        } else if (!minor.equals(c.minor) || !patch.equals(c.patch)) {
            return false;
        }
        return comparePre(pre, c.pre) >= 0;
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} with the reason, worded like the `semver` crate. */
    public static VersionReq parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("unexpected end of input while parsing major version number");
        }
        Cursor c = new Cursor(text);
        c.skipSpaces();
        if (c.wildcard()) {
            char ch = text.charAt(c.pos - 1);
            c.skipSpaces();
            if (c.atEnd()) {
                return new VersionReq(true, 0, List.of());
            }
            if (c.peek() == ',') {
                throw new IllegalArgumentException("wildcard req (" + ch + ") must be the only comparator in the version req");
            }
            throw new IllegalArgumentException("unexpected character after wildcard in version req");
        }
        int count = 0;
        while (true) {
            int start = c.pos;
            try {
                c.comparator();
            } catch (IllegalArgumentException e) {
                c.pos = start;
                if (c.wildcard()) {
                    c.skipSpaces();
                    if (c.atEnd() || c.peek() == ',') {
                        throw new IllegalArgumentException("wildcard req (" + text.charAt(start)
                                + ") must be the only comparator in the version req");
                    }
                }
                throw e;
            }
            count++;
            if (c.atEnd()) {
                return new VersionReq(false, count, c.parsed);
            }
            if (c.peek() != ',') {
                throw new IllegalArgumentException("expected comma after " + c.position + ", found " + quote(c.peekCodePoint()));
            }
            c.pos++;
            c.skipSpaces();
            if (count == MAX_COMPARATORS) {
                throw new IllegalArgumentException("excessive number of version comparators");
            }
        }
    }

    private static String quote(int codePoint) {
        if (Character.isISOControl(codePoint)) {
            return String.format("'\\u{%x}'", codePoint);
        }
        return "'" + new String(Character.toChars(codePoint)) + "'";
    }

    private static final class Cursor {
        final String s;
        int pos;
        /** Where the last comparator ended, for messages: "major version number", "patch version number", ... */
        String position = "major version number";
        final List<Comparator> parsed = new ArrayList<>();

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        int peekCodePoint() {
            return s.codePointAt(pos);
        }

        void skipSpaces() {
            while (!atEnd() && peek() == ' ') {
                pos++;
            }
        }

        boolean wildcard() {
            if (!atEnd() && (peek() == '*' || peek() == 'x' || peek() == 'X')) {
                pos++;
                return true;
            }
            return false;
        }

        boolean eat(char ch) {
            if (!atEnd() && peek() == ch) {
                pos++;
                return true;
            }
            return false;
        }

        void comparator() {
            int opStart = pos;
            if (eat('>') || eat('<')) {
                eat('=');
            } else if (!eat('=') && !eat('~')) {
                eat('^');
            }
            String op = s.substring(opStart, pos);
            skipSpaces();
            int at = pos;
            number("major version number");
            BigInteger major = new BigInteger(s.substring(at, pos));
            BigInteger minor = null;
            BigInteger patch = null;
            String pre = "";
            boolean anyWildcard = false;
            position = "major version number";
            boolean wildcardMinor = false;
            boolean hasPatch = false;
            if (eat('.')) {
                position = "minor version number";
                if (wildcard()) {
                    wildcardMinor = true;
                    anyWildcard = true;
                } else {
                    at = pos;
                    number(position);
                    minor = new BigInteger(s.substring(at, pos));
                }
                if (eat('.')) {
                    position = "patch version number";
                    if (wildcard()) {
                        // `1.2.*` and `1.*.*`
                        anyWildcard = true;
                    } else if (wildcardMinor) {
                        throw new IllegalArgumentException("unexpected character after wildcard in version req");
                    } else {
                        at = pos;
                        number(position);
                        patch = new BigInteger(s.substring(at, pos));
                        hasPatch = true;
                    }
                }
            }
            if (hasPatch && eat('-')) {
                position = "pre-release identifier";
                at = pos;
                identifier("pre-release identifier", true);
                pre = s.substring(at, pos);
            }
            if (hasPatch && eat('+')) {
                position = "build metadata";
                identifier("build metadata", false);
            }
            skipSpaces();
            // the semver crate: no operator means caret, but a wildcard without operator means "exactly this prefix"
            parsed.add(new Comparator(op.isEmpty() ? (anyWildcard ? "=" : "^") : op, major, minor, patch, pre));
        }

        private void number(String what) {
            int start = pos;
            long value = 0;
            while (!atEnd() && peek() >= '0' && peek() <= '9') {
                if (value == 0 && pos > start) {
                    throw new IllegalArgumentException("invalid leading zero in " + what);
                }
                int digit = peek() - '0';
                // u64, as the semver crate: unsigned arithmetic on a long
                if (Long.compareUnsigned(value, Long.divideUnsigned(-1L, 10)) > 0
                        || Long.compareUnsigned(value * 10 + digit, value * 10) < 0) {
                    throw new IllegalArgumentException("value of " + what + " exceeds u64::MAX");
                }
                value = value * 10 + digit;
                pos++;
            }
            if (pos == start) {
                if (atEnd()) {
                    throw new IllegalArgumentException("unexpected end of input while parsing " + what);
                }
                throw new IllegalArgumentException("unexpected character " + quote(peekCodePoint()) + " while parsing " + what);
            }
        }

        /** Dot-separated non-empty segments of [0-9A-Za-z-]; numeric pre-release segments have no leading zero. */
        private void identifier(String what, boolean pre) {
            int segmentStart = pos;
            boolean nonDigit = false;
            while (true) {
                char ch = atEnd() ? 0 : peek();
                if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '-') {
                    nonDigit = true;
                    pos++;
                } else if (ch >= '0' && ch <= '9') {
                    pos++;
                } else {
                    int len = pos - segmentStart;
                    if (len == 0) {
                        throw new IllegalArgumentException("empty identifier segment in " + what);
                    }
                    if (pre && len > 1 && !nonDigit && s.charAt(segmentStart) == '0') {
                        throw new IllegalArgumentException("invalid leading zero in " + what);
                    }
                    if (ch != '.') {
                        return;
                    }
                    pos++;
                    segmentStart = pos;
                    nonDigit = false;
                }
            }
        }
    }
}
