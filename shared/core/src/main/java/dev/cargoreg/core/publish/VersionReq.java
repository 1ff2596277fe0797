package dev.cargoreg.core.publish;

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

    private VersionReq(boolean star, int comparators) {
        this.star = star;
        this.comparators = comparators;
    }

    /** True for a lone wildcard (`*`, `x`, `X`): the requirement crates.io refuses for dependencies. */
    public boolean isStar() {
        return star;
    }

    public int comparators() {
        return comparators;
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
                return new VersionReq(true, 0);
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
                return new VersionReq(false, count);
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
            if (eat('>') || eat('<')) {
                eat('=');
            } else if (!eat('=') && !eat('~')) {
                eat('^');
            }
            skipSpaces();
            number("major version number");
            position = "major version number";
            boolean wildcardMinor = false;
            boolean hasPatch = false;
            if (eat('.')) {
                position = "minor version number";
                if (wildcard()) {
                    wildcardMinor = true;
                } else {
                    number(position);
                }
                if (eat('.')) {
                    position = "patch version number";
                    if (wildcard()) {
                        // `1.2.*` and `1.*.*`
                    } else if (wildcardMinor) {
                        throw new IllegalArgumentException("unexpected character after wildcard in version req");
                    } else {
                        number(position);
                        hasPatch = true;
                    }
                }
            }
            if (hasPatch && eat('-')) {
                position = "pre-release identifier";
                identifier("pre-release identifier", true);
            }
            if (hasPatch && eat('+')) {
                position = "build metadata";
                identifier("build metadata", false);
            }
            skipSpaces();
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
