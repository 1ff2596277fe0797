package dev.cargoreg.core.readme;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.AttributePolicy;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A crate's README as the web UI shows it: Markdown rendered by commonmark-java (CommonMark plus GitHub's tables),
 * then everything, raw HTML in the Markdown included, passed through the OWASP Java HTML Sanitizer with an allow-list
 * of formatting elements. No script, style, event handler, form, frame or SVG survives; links and images keep only
 * http(s) (and mailto for links), relative ones resolved into the crate's repository. Done once per version, when its
 * readme is first asked for (CrateReadService#readmeHtml).
 */
public final class ReadmeRenderer {
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).build();
    private static final String[] BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "br", "hr", "pre", "code",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "strong", "b", "em", "i", "del", "s", "strike", "sub", "sup",
        "kbd", "samp", "var", "mark", "small", "abbr", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "details", "summary", "span", "img", "a"};
    private static final Pattern LANGUAGE = Pattern.compile("language-[A-Za-z0-9_+#.-]{1,40}");
    private static final Pattern SIZE = Pattern.compile("[0-9]{1,4}(px|%)?");
    /**
     * The most UTF-8 bytes of HTML a README renders to: well within Lambda's 6 MB response, and a page a browser
     * shows. Markdown can multiply its size (a reference link's long URL used thousands of times, a wide table header
     * padding every short row), so 40 KB of text could render to 50 MB: the rendering stops at this size instead,
     * and what is shown is the README up to there, with a note.
     */
    public static final int MAX_HTML_BYTES = 4 * 1024 * 1024;
    public static final String CUT_NOTE = "<p><em>This README is cut here: the rest would make the page larger than "
            + MAX_HTML_BYTES / (1024 * 1024) + " MiB.</em></p>";

    /**
     * The sanitized HTML of a README. {@code readmeFile} decides the format (Markdown unless its extension says
     * otherwise; anything else is shown as preformatted text), {@code repository} where relative URLs go.
     */
    public String render(String text, String readmeFile, String repository) {
        RepositoryLinks links = RepositoryLinks.of(repository, readmeFile);
        StringBuilder html = new StringBuilder();
        boolean cut = false;
        if (isMarkdown(readmeFile)) {
            try {
                RENDERER.render(PARSER.parse(text), new Bounded(html, MAX_HTML_BYTES));
            } catch (Bounded.Full full) {
                cut = true;
            } catch (RuntimeException | StackOverflowError e) {
                // a pathological document (nesting thousands deep) is shown as text rather than failing the read
                html.setLength(0);
                cut = preformatted(text, html);
            }
        } else {
            cut = preformatted(text, html);
        }
        return sanitizeWithin(policy(links), html.toString(), cut);
    }

    /**
     * Sanitized, within {@link #MAX_HTML_BYTES} with the note when cut. The sanitizer closes what a cut left open, and
     * may write more than it reads (it encodes some characters its input had plain): then a shorter beginning of the
     * input is sanitized again.
     */
    private static String sanitizeWithin(PolicyFactory policy, String html, boolean cut) {
        int budget = MAX_HTML_BYTES - (cut ? CUT_NOTE.length() : 0);
        String input = html;
        for (int attempt = 0; ; attempt++) {
            String out = policy.sanitize(input);
            int bytes = utf8Length(out);
            if (bytes <= budget) {
                return cut ? out + CUT_NOTE : out;
            }
            if (!cut) {
                cut = true;
                budget -= CUT_NOTE.length();
            }
            // shorter in proportion, with a margin; a few rounds at most (each at least halves the overshoot)
            int keep = (int) Math.min(input.length() - 1L, (long) input.length() * budget / bytes * 9 / 10);
            input = input.substring(0, Math.max(0, keep));
            if (attempt >= 8) {
                return CUT_NOTE;
            }
        }
    }

    private static int utf8Length(String s) {
        int ascii = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }

    /** Collects at most {@code limit} characters, then stops the renderer writing into it. */
    private static final class Bounded implements Appendable {
        /** Thrown through the renderer when the limit is reached: what was collected so far is the result. */
        static final class Full extends RuntimeException {
            Full() {
                super(null, null, false, false);
            }
        }

        private final StringBuilder out;
        private final int limit;

        Bounded(StringBuilder out, int limit) {
            this.out = out;
            this.limit = limit;
        }

        @Override
        public Appendable append(CharSequence csq) {
            return append(csq, 0, csq.length());
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) {
            int room = limit - out.length();
            if (end - start > room) {
                out.append(csq, start, start + Math.max(0, room));
                throw new Full();
            }
            out.append(csq, start, end);
            return this;
        }

        @Override
        public Appendable append(char c) {
            if (out.length() >= limit) {
                throw new Full();
            }
            out.append(c);
            return this;
        }
    }

    /** Renders a made-up README, so a SnapStart snapshot holds both libraries loaded (the crates function's hook). */
    public static void prime() {
        new ReadmeRenderer().render("# priming-crate\n\nA *made-up* crate: [docs](https://docs.rs/x), `code`, <b>bold</b>.\n\n"
                + "| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n", "README.md", "https://github.com/example/priming-crate");
    }

    static boolean isMarkdown(String readmeFile) {
        if (readmeFile == null) {
            return true;
        }
        String f = readmeFile.toLowerCase(Locale.ROOT);
        int slash = Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\'));
        String base = f.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        if (dot < 0) {
            return true;
        }
        return switch (base.substring(dot + 1)) {
            case "md", "markdown", "mdown", "mkdn", "mkd", "mdwn" -> true;
            default -> false;
        };
    }

    /** The text escaped in a {@code pre}, within {@link #MAX_HTML_BYTES} characters; whether it was cut. */
    private static boolean preformatted(String text, StringBuilder out) {
        out.append("<pre>");
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_HTML_BYTES - 6) {
                out.append("</pre>");
                return true;
            }
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        out.append("</pre>");
        return false;
    }

    private static PolicyFactory policy(RepositoryLinks links) {
        AttributePolicy href = (element, attribute, value) -> links.link(value).orElse(null);
        AttributePolicy src = (element, attribute, value) -> links.image(value).orElse(null);
        return new HtmlPolicyBuilder()
                .allowElements(BLOCKS)
                .allowAttributes("align").onElements("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "img", "th", "td")
                .allowAttributes("start").matching(Pattern.compile("[0-9]{1,6}")).onElements("ol")
                .allowAttributes("class").matching(LANGUAGE).onElements("code")
                .allowAttributes("href").matching(href).onElements("a")
                .allowAttributes("title").onElements("a", "img", "abbr")
                .allowAttributes("src").matching(src).onElements("img")
                .allowAttributes("alt").onElements("img")
                .allowAttributes("width", "height").matching(SIZE).onElements("img")
                .allowAttributes("open").onElements("details")
                .allowUrlProtocols("http", "https", "mailto")
                .requireRelsOnLinks("nofollow", "noopener", "noreferrer")
                .toFactory();
    }
}
