package dev.cargoreg.core.readme;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReadmeRendererTest {
    /** Where Debian's librust-*-dev packages put crate sources (.ci/run installs the ones named below). */
    private static final Path DEBIAN_CRATES = Path.of("/usr/share/cargo/registry");
    private static final Pattern URL_ATTR = Pattern.compile("(?:href|src)=\"([^\"]*)\"");
    private static final Pattern REPOSITORY = Pattern.compile("(?m)^repository\\s*=\\s*\"([^\"]+)\"");

    private final ReadmeRenderer renderer = new ReadmeRenderer();

    @Test
    void markdown_with_github_tables_and_code_blocks() {
        String html = renderer.render("""
                # Title

                | a | b |
                |:--|--:|
                | 1 | 2 |

                ```rust
                fn main() {}
                ```
                """, "README.md", null);
        assertTrue(html.startsWith("<h1>Title</h1>"), html);
        assertTrue(html.contains("<table>") && html.contains("<th align=\"left\">a</th>") && html.contains("<td align=\"right\">2</td>"), html);
        assertTrue(html.contains("<pre><code class=\"language-rust\">fn main() {}"), html);
    }

    @Test
    void stored_xss_renders_inert() {
        String html = renderer.render("""
                <script>alert(1)</script>
                [click](javascript:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x)
                <a href="JaVaScRiPt:alert(3)">x</a> <img src=x onerror="alert(4)"> <div onclick="alert(5)" style="x">d</div>
                <svg onload="alert(6)"><script>alert(7)</script></svg> <iframe src="https://evil.example"></iframe>
                <style>body{display:none}</style> <form action="https://evil.example"><input name=p></form>
                <a href="https://ok.example" target="_blank" id="clobber" name="x">ok</a> <object data="x"></object>
                <math><mi xlink:href="javascript:alert(8)">m</mi></math> <meta http-equiv="refresh" content="0">
                """, "README.md", "https://github.com/o/r");
        for (String banned : List.of("<script", "javascript:", "vbscript:", "data:", "onerror", "onclick", "onload", "<svg",
                "<iframe", "<style", "style=", "<form", "<input", "target=", "id=", "name=", "<object", "<math", "<meta")) {
            assertFalse(html.toLowerCase().contains(banned), banned + " survived in " + html);
        }
        // what is safe stays, and links carry rel so they cannot reach back into the registry's window
        assertTrue(Pattern.compile("<a href=\"https://ok\\.example\" rel=\"(?=[^\"]*noopener)(?=[^\"]*noreferrer)[a-z ]+\">ok</a>")
                .matcher(html).find(), html);
        assertTrue(html.contains(">d</div>"), html);
    }

    @Test
    void relative_links_and_images_resolve_into_the_repository() {
        String md = "[guide](docs/guide.md) [root](/LICENSE) [top](#usage) ![logo](img/logo.png) <img src=\"./a.svg\">";
        String html = renderer.render(md, "README.md", "https://github.com/o/r.git");
        assertTrue(html.contains("href=\"https://github.com/o/r/blob/HEAD/docs/guide.md\""), html);
        assertTrue(html.contains("href=\"https://github.com/o/r/blob/HEAD/LICENSE\""), html);
        assertTrue(html.contains("href=\"#usage\""), html);
        assertTrue(html.contains("src=\"https://raw.githubusercontent.com/o/r/HEAD/img/logo.png\""), html);
        assertTrue(html.contains("src=\"https://raw.githubusercontent.com/o/r/HEAD/a.svg\""), html);

        String nested = renderer.render("![x](x.png) [up](../CHANGELOG.md)", "crates/core/README.md", "https://gitlab.com/g/sub/p");
        assertTrue(nested.contains("src=\"https://gitlab.com/g/sub/p/-/raw/HEAD/crates/core/x.png\""), nested);
        assertTrue(nested.contains("href=\"https://gitlab.com/g/sub/p/-/blob/HEAD/crates/CHANGELOG.md\""), nested);

        // no known forge: a relative URL would point into the registry itself, so it is dropped (the text stays)
        String unknown = renderer.render("[guide](docs/guide.md) ![logo](logo.png) [abs](https://x.example/a)", "README.md",
                "https://git.example.org/o/r");
        assertFalse(unknown.contains("docs/guide.md") || unknown.contains("logo.png"), unknown);
        assertTrue(unknown.contains("guide") && unknown.contains("href=\"https://x.example/a\""), unknown);
    }

    @Test
    void a_readme_that_is_not_markdown_is_preformatted_text() {
        assertEquals("<pre>a &lt;b&gt; *c*\n</pre>", renderer.render("a <b> *c*\n", "README.txt", null));
        assertTrue(ReadmeRenderer.isMarkdown("docs/README.markdown") && ReadmeRenderer.isMarkdown("README"));
        assertFalse(ReadmeRenderer.isMarkdown("README.rst"));
    }

    @Test
    void a_pathologically_nested_document_renders_without_failing() {
        String html = renderer.render(">".repeat(50_000) + " deep\n" + "[".repeat(50_000), "README.md", null);
        assertTrue(html.contains("deep"));
    }

    /**
     * Markdown can multiply its size: 40 KB of reference-link uses of one long URL rendered to 50 MB of HTML, 90 KB
     * ran out of a 512 MB heap, and a wide table header pads every short row. The rendering stops at
     * {@link ReadmeRenderer#MAX_HTML_BYTES}: the README's beginning is shown, sanitized and closed, with a note.
     */
    @Test
    void a_readme_that_renders_larger_than_the_limit_is_cut_with_a_note() {
        String links = "[x]: https://example.com/" + "a".repeat(10_000) + "\n\nStart. " + "[x]".repeat(30_000);
        // 900 columns, 1,000 short rows: 900,000 cells (commonmark's own cap, a million, would show the text as is)
        String table = "|" + " h |".repeat(900) + "\n|" + "---|".repeat(900) + "\n" + "| c |\n".repeat(1_000);
        for (String md : List.of(links, table)) {
            String html = renderer.render(md, "README.md", null);
            int bytes = html.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= ReadmeRenderer.MAX_HTML_BYTES && bytes > ReadmeRenderer.MAX_HTML_BYTES / 2, "bytes: " + bytes);
            assertTrue(html.endsWith(ReadmeRenderer.CUT_NOTE), html.substring(html.length() - 200));
            // the cut left no element open: the sanitizer closed it before the note
            String body = html.substring(0, html.length() - ReadmeRenderer.CUT_NOTE.length());
            assertEquals(count(body, "<a "), count(body, "</a>"));
            assertEquals(count(body, "<table"), count(body, "</table>"));
        }
        assertTrue(renderer.render(links, "README.md", null).startsWith("<p>Start. <a href=\"https://example.com/aaa"));
    }

    @Test
    void text_that_escapes_or_encodes_beyond_the_limit_is_cut_too() {
        // plain text: each < becomes &lt; (4 times as long); characters of 3 UTF-8 bytes fill the limit in bytes sooner
        for (String text : List.of("<".repeat(1_500_000), "\u6f22".repeat(2_000_000), "@".repeat(3_000_000))) {
            for (String file : List.of("README.txt", "README.md")) {
                String html = renderer.render(text, file, null);
                int bytes = html.getBytes(StandardCharsets.UTF_8).length;
                assertTrue(bytes <= ReadmeRenderer.MAX_HTML_BYTES && bytes > ReadmeRenderer.MAX_HTML_BYTES / 4,
                        file + ": " + bytes);
                assertTrue(html.endsWith(ReadmeRenderer.CUT_NOTE), file);
            }
        }
        // within the limit: no note
        assertFalse(renderer.render("<".repeat(100_000), "README.txt", null).contains(ReadmeRenderer.CUT_NOTE));
    }

    /**
     * Every README of the crates Debian installs renders, keeps its headings and code blocks through the sanitizer,
     * and has only http(s), mailto or in-page URLs; a few known features are checked by name.
     */
    @Test
    void real_readmes_from_debian_crate_sources() throws IOException {
        assumeTrue(Files.isDirectory(DEBIAN_CRATES), "no crate sources in " + DEBIAN_CRATES + " (apt-get install librust-serde-json-dev …)");
        List<Path> crates;
        try (Stream<Path> s = Files.list(DEBIAN_CRATES)) {
            crates = s.filter(p -> Files.isRegularFile(p.resolve("README.md"))).sorted().toList();
        }
        assertTrue(crates.size() >= 5, "expected the READMEs of .ci/run's librust-*-dev packages, found " + crates.size());
        List<String> problems = new ArrayList<>();
        for (Path crate : crates) {
            String md = Files.readString(crate.resolve("README.md"), StandardCharsets.UTF_8);
            String repository = repository(crate).orElse(null);
            String html = renderer.render(md, "README.md", repository);
            String unsanitized = HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).build()
                    .render(Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md));
            for (String tag : List.of("<h1", "<h2", "<h3", "<pre><code", "<table", "<li>")) {
                if (count(html, tag) != count(unsanitized, tag)) {
                    problems.add(crate.getFileName() + ": " + tag + " " + count(unsanitized, tag) + " → " + count(html, tag));
                }
            }
            Matcher m = URL_ATTR.matcher(html);
            while (m.find()) {
                String url = m.group(1);
                if (!(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("mailto:") || url.startsWith("#"))) {
                    problems.add(crate.getFileName() + ": URL " + url);
                }
            }
            if (html.contains("<script") || html.contains(" on") && Pattern.compile(" on[a-z]+=").matcher(html).find()) {
                problems.add(crate.getFileName() + ": script or handler");
            }
        }
        assertEquals(List.of(), problems);
        // known features of particular READMEs, when their packages are installed
        renderedIfPresent("hashbrown", html -> assertTrue(html.contains("<table>") && html.contains("<td"), "hashbrown's table"));
        renderedIfPresent("serde_json", html -> assertTrue(html.contains("<pre><code class=\"language-rust\">"), "serde_json's rust blocks"));
        renderedIfPresent("crossbeam-channel", html -> assertTrue(
                html.contains("href=\"https://github.com/crossbeam-rs/crossbeam/blob/HEAD/LICENSE-MIT\"")
                        || html.contains("href=\"https://github.com/crossbeam-rs/crossbeam/blob/HEAD/crossbeam-channel/LICENSE-MIT\""),
                "crossbeam-channel's relative licence link resolved into its repository: " + html));
    }

    private void renderedIfPresent(String name, Consumer<String> check) throws IOException {
        try (Stream<Path> s = Files.list(DEBIAN_CRATES)) {
            Optional<Path> crate = s.filter(p -> p.getFileName().toString().matches(Pattern.quote(name) + "-[0-9].*"))
                    .filter(p -> Files.isRegularFile(p.resolve("README.md"))).findFirst();
            if (crate.isPresent()) {
                check.accept(renderer.render(Files.readString(crate.get().resolve("README.md")), "README.md",
                        repository(crate.get()).orElse(null)));
            }
        }
    }

    private static Optional<String> repository(Path crate) throws IOException {
        Path toml = crate.resolve("Cargo.toml");
        if (!Files.isRegularFile(toml)) {
            return Optional.empty();
        }
        Matcher m = REPOSITORY.matcher(Files.readString(toml));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
