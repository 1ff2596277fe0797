package dev.cargoreg.core.readme;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.AttributePolicy;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

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
     * The sanitized HTML of a README. {@code readmeFile} decides the format (Markdown unless its extension says
     * otherwise; anything else is shown as preformatted text), {@code repository} where relative URLs go.
     */
    public String render(String text, String readmeFile, String repository) {
        RepositoryLinks links = RepositoryLinks.of(repository, readmeFile);
        String html;
        if (isMarkdown(readmeFile)) {
            try {
                html = RENDERER.render(PARSER.parse(text));
            } catch (RuntimeException | StackOverflowError e) {
                // a pathological document (nesting thousands deep) is shown as text rather than failing the publish
                html = preformatted(text);
            }
        } else {
            html = preformatted(text);
        }
        return policy(links).sanitize(html);
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

    private static String preformatted(String text) {
        return "<pre>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre>";
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
