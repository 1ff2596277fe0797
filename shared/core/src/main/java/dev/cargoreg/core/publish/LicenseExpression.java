package dev.cargoreg.core.publish;

import java.util.ArrayList;
import java.util.List;

/**
 * The syntax of an SPDX license expression, in the lax form crates.io parses (the `spdx` crate):
 * <pre>
 * or      := and ( ("OR" | "/") and )*
 * and     := with ( "AND" with )*
 * with    := primary [ "WITH" exception-id ]
 * primary := "(" or ")" | license-id ["+"] | ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
 * </pre>
 * where an id is made of ASCII letters, digits, `-` and `.`, tokens are separated by whitespace, and `/` needs none.
 * Lower-case `and` and `or` are accepted as operators, as crates.io's lax mode did for years.
 * <p>
 * Unlike crates.io the identifiers are not checked against the SPDX license list: a private registry's crates often
 * carry an in-house licence name, and the list changes every few months. See docs/validation.md.
 */
public final class LicenseExpression {
    /** crates.io's column has no limit; a licence expression longer than this is not one. */
    static final int MAX_LENGTH = 1024;

    private final List<String> tokens;
    private int at;

    private LicenseExpression(List<String> tokens) {
        this.tokens = tokens;
    }

    /** Throws {@link IllegalArgumentException} naming what is wrong with {@code text}. */
    public static void validate(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the expression is longer than " + MAX_LENGTH + " characters");
        }
        LicenseExpression p = new LicenseExpression(tokenize(text));
        if (p.tokens.isEmpty()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        p.or(0);
        if (p.at < p.tokens.size()) {
            throw new IllegalArgumentException("unexpected `" + p.tokens.get(p.at) + "`");
        }
    }

    private static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == '/') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '+') {
                if (i == 0 || Character.isWhitespace(text.charAt(i - 1))) {
                    throw new IllegalArgumentException("a `+` must follow a license id without whitespace");
                }
                out.add("+");
                i++;
            } else if (isTokenChar(c)) {
                int start = i;
                while (i < text.length() && isTokenChar(text.charAt(i))) {
                    i++;
                }
                out.add(text.substring(start, i));
            } else {
                throw new IllegalArgumentException("invalid character `" + printable(text.codePointAt(i)) + "`");
            }
        }
        return out;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':';
    }

    private static String printable(int cp) {
        return Character.isISOControl(cp) ? String.format("\\u{%x}", cp) : new String(Character.toChars(cp));
    }

    private String peek() {
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private static boolean isOr(String t) {
        return "OR".equals(t) || "or".equals(t) || "/".equals(t);
    }

    private static boolean isAnd(String t) {
        return "AND".equals(t) || "and".equals(t);
    }

    private static boolean isOperator(String t) {
        return isOr(t) || isAnd(t) || "WITH".equals(t) || "(".equals(t) || ")".equals(t) || "+".equals(t);
    }

    private void or(int depth) {
        and(depth);
        while (isOr(peek())) {
            at++;
            and(depth);
        }
    }

    private void and(int depth) {
        with(depth);
        while (isAnd(peek())) {
            at++;
            with(depth);
        }
    }

    private void with(int depth) {
        primary(depth);
        if ("WITH".equals(peek())) {
            at++;
            String exception = peek();
            if (exception == null || isOperator(exception) || !isIdString(exception)) {
                throw new IllegalArgumentException(exception == null ? "expected an exception id after `WITH`"
                        : "expected an exception id after `WITH`, found `" + exception + "`");
            }
            at++;
        }
    }

    private void primary(int depth) {
        String t = peek();
        if (t == null) {
            throw new IllegalArgumentException("the expression ends where a license id was expected");
        }
        if ("(".equals(t)) {
            if (depth >= 32) {
                throw new IllegalArgumentException("the expression nests too deeply");
            }
            at++;
            or(depth + 1);
            if (!")".equals(peek())) {
                throw new IllegalArgumentException("a `(` is not closed");
            }
            at++;
            return;
        }
        if (isOperator(t)) {
            throw new IllegalArgumentException("expected a license id, found `" + t + "`");
        }
        at++;
        if (isLicenseRef(t)) {
            return;
        }
        if (!isIdString(t)) {
            throw new IllegalArgumentException("`" + t + "` is not a license id");
        }
        if ("+".equals(peek())) {
            at++;
        }
    }

    private static boolean isIdString(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == ':') {
                return false;
            }
        }
        return true;
    }

    /** `LicenseRef-x` or `DocumentRef-x:LicenseRef-y`, x and y non-empty idstrings. */
    private static boolean isLicenseRef(String t) {
        String rest = t;
        if (rest.startsWith("DocumentRef-")) {
            int colon = rest.indexOf(':');
            if (colon <= "DocumentRef-".length()) {
                return false;
            }
            rest = rest.substring(colon + 1);
        }
        return rest.startsWith("LicenseRef-") && rest.length() > "LicenseRef-".length()
                && isIdString(rest.substring("LicenseRef-".length()));
    }
}
