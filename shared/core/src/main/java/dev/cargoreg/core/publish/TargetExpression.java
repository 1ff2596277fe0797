package dev.cargoreg.core.publish;

/**
 * A dependency's `target`, as cargo parses it (the `cargo-platform` crate): either `cfg(EXPR)` or a target name such
 * as `x86_64-unknown-linux-gnu`. cargo reads the index entry with the same parser, so a target that fails here would
 * make the whole version invalid for cargo.
 * <pre>
 * EXPR := "all" "(" [EXPR ("," EXPR)* [","]] ")" | "any" "(" ... ")" | "not" "(" EXPR ")" | IDENT [ "=" STRING ]
 * IDENT := ["r#"] (ASCII letter | "_") (ASCII letter | digit | "_")*
 * STRING := '"' any characters but '"' '"'
 * </pre>
 * Only the space character separates tokens.
 */
public final class TargetExpression {
    /** cargo has no limit; a `cfg()` this deep is an attack on a recursive parser, not a platform. */
    static final int MAX_DEPTH = 32;

    private final String s;
    private int pos;

    private TargetExpression(String s) {
        this.s = s;
    }

    /** Throws {@link IllegalArgumentException} naming what is wrong. */
    public static void validate(String target) {
        if (target.startsWith("cfg(") && target.endsWith(")")) {
            TargetExpression p = new TargetExpression(target.substring(4, target.length() - 1));
            p.expr(0);
            p.skipSpaces();
            if (p.pos < p.s.length()) {
                throw new IllegalArgumentException("unexpected content `" + p.s.substring(p.pos) + "` found after cfg expression");
            }
            return;
        }
        for (int i = 0; i < target.length(); ) {
            int c = target.codePointAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                if (target.indexOf('(') >= 0) {
                    throw new IllegalArgumentException("unexpected `(` character, cfg expressions must start with `cfg(`");
                }
                throw new IllegalArgumentException("unexpected character " + printable(c) + " in target name");
            }
            i += Character.charCount(c);
        }
    }

    private static String printable(int cp) {
        return Character.isISOControl(cp) ? String.format("\\u{%x}", cp) : new String(Character.toChars(cp));
    }

    private void skipSpaces() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    private boolean tryEat(char c) {
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void eat(char c) {
        if (!tryEat(c)) {
            throw new IllegalArgumentException(pos < s.length()
                    ? "expected `" + c + "`, found " + describe()
                    : "expected `" + c + "`, but cfg expression ended");
        }
    }

    private String describe() {
        char c = s.charAt(pos);
        return c == '"' ? "a string" : "`" + printable(s.codePointAt(pos)) + "`";
    }

    private void expr(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the cfg expression nests deeper than " + MAX_DEPTH + " levels");
        }
        skipSpaces();
        int save = pos;
        String ident = ident();
        if (ident != null && (ident.equals("all") || ident.equals("any"))) {
            eat('(');
            while (!tryEat(')')) {
                expr(depth + 1);
                if (!tryEat(',')) {
                    eat(')');
                    break;
                }
            }
            return;
        }
        if (ident != null && ident.equals("not")) {
            eat('(');
            expr(depth + 1);
            eat(')');
            return;
        }
        pos = save;
        cfg();
    }

    /** Reads an identifier (`r#` raw form included) or returns null without moving if none starts here. */
    private String ident() {
        skipSpaces();
        int start = pos;
        if (pos + 1 < s.length() && s.charAt(pos) == 'r' && s.charAt(pos + 1) == '#') {
            pos += 2;
            if (pos >= s.length()) {
                throw new IllegalArgumentException("expected identifier, but cfg expression ended");
            }
            if (!isIdentStart(s.charAt(pos))) {
                throw new IllegalArgumentException("unexpected character " + printable(s.codePointAt(pos)) + " in cfg");
            }
            int nameStart = pos;
            while (pos < s.length() && isIdentRest(s.charAt(pos))) {
                pos++;
            }
            return "r#" + s.substring(nameStart, pos);
        }
        if (pos >= s.length() || !isIdentStart(s.charAt(pos))) {
            pos = start;
            return null;
        }
        while (pos < s.length() && isIdentRest(s.charAt(pos))) {
            pos++;
        }
        return s.substring(start, pos);
    }

    private void cfg() {
        skipSpaces();
        if (pos >= s.length()) {
            throw new IllegalArgumentException("expected identifier, but cfg expression ended");
        }
        if (ident() == null) {
            char c = s.charAt(pos);
            if (c == '(' || c == ')' || c == ',' || c == '=' || c == '"') {
                throw new IllegalArgumentException("expected identifier, found " + describe());
            }
            throw new IllegalArgumentException("unexpected character " + printable(s.codePointAt(pos)) + " in cfg");
        }
        if (tryEat('=')) {
            skipSpaces();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("expected a string, but cfg expression ended");
            }
            if (s.charAt(pos) != '"') {
                throw new IllegalArgumentException("expected a string, found " + describe());
            }
            int end = s.indexOf('"', pos + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string in cfg");
            }
            pos = end + 1;
        }
    }

    private static boolean isIdentStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isIdentRest(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9');
    }
}
