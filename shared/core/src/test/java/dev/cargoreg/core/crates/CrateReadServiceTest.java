package dev.cargoreg.core.crates;

import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.BlobStore.Attributes;
import dev.cargoreg.core.readme.ReadmeRenderer;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrateReadServiceTest {
    private static final String NAME = "foo";
    private static final String VERSION = "1.0.0";
    private static final String ROOT = NAME + "-" + VERSION + "/";
    private static final int MIB = 1024 * 1024;

    private static final String SENT = "# sent\n\n<script>x()</script>\n\n[a](docs/a.md)";

    private final FakeRegistry f = new FakeRegistry().users("alice");
    private final CrateReadService service = new CrateReadService(f.store, f.blobs, f.config);

    private void publish(String readmeFile, byte[] crate) {
        byte[] body = PublishBodyBuilder.of(NAME, VERSION).with("readme_file", readmeFile).body(crate);
        f.publisher.publish(f.as("alice"), body);
    }

    private static TarballBuilder withManifest() {
        return TarballBuilder.empty().file(ROOT + "Cargo.toml", TarballBuilder.manifest(NAME, VERSION));
    }

    @Test
    void the_readme_named_by_the_metadata_is_served() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# foo\n").file(ROOT + "src/lib.rs", "").build());

        assertEquals(Optional.of("# foo\n"), service.readme(NAME, VERSION));
    }

    @Test
    void publish_stores_the_readme_text_it_was_sent_marked_with_the_checksum_and_renders_nothing() {
        byte[] body = PublishBodyBuilder.of(NAME, VERSION).with("readme_file", "README.md").with("readme", SENT)
                .body(withManifest().file(ROOT + "README.md", "# tarball copy\n").build());
        f.publisher.publish(f.as("alice"), body);

        BlobStore.Blob text = f.blobs.get(IndexPaths.readmeTextKey(NAME, VERSION)).orElseThrow();
        assertEquals(SENT, new String(text.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", text.info().contentType());
        assertEquals(Map.of(IndexPaths.SHA256_METADATA, cksum()), text.info().metadata());
        assertTrue(f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).isEmpty(), "publish renders nothing");
    }

    @Test
    void the_first_read_renders_the_text_cargo_sent_as_crates_io_does_and_keeps_the_html_marked_with_the_checksum() {
        byte[] body = PublishBodyBuilder.of(NAME, VERSION).with("readme_file", "README.md").with("readme", SENT)
                .with("repository", "https://github.com/o/foo")
                .body(withManifest().file(ROOT + "README.md", "# tarball copy\n").build());
        f.publisher.publish(f.as("alice"), body);

        String html = service.readmeHtml(NAME, VERSION).orElseThrow();

        assertTrue(html.startsWith("<h1>sent</h1>") && !html.contains("script"), html);
        assertTrue(html.matches("(?s).*<p><a href=\"https://github.com/o/foo/blob/HEAD/docs/a.md\" rel=\"[a-z ]+\">a</a></p>.*"), html);
        BlobStore.Blob kept = f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).orElseThrow();
        assertEquals(html, new String(kept.body(), StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", kept.info().contentType());
        assertEquals(CrateReadService.README_CACHE, kept.info().cacheControl());
        assertEquals(Map.of(IndexPaths.SHA256_METADATA, cksum()), kept.info().metadata());
        // the next reader gets the kept copy: neither the text nor the tarball is read again
        f.blobs.delete(IndexPaths.readmeTextKey(NAME, VERSION));
        f.blobs.delete(IndexPaths.crateKey(NAME, VERSION));
        assertEquals(Optional.of(html), service.readmeHtml(NAME, VERSION));
    }

    @Test
    void a_version_published_before_the_text_was_stored_is_rendered_from_its_tarball_and_kept() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# old <img src=x onerror=y()>\n").build());
        // PublishBodyBuilder sends no `readme` text unless told: nothing was stored at publish time
        assertTrue(f.blobs.get(IndexPaths.readmeTextKey(NAME, VERSION)).isEmpty());

        assertEquals(Optional.of("<h1>old </h1>\n"), service.readmeHtml(NAME, VERSION));
        assertEquals(Map.of(IndexPaths.SHA256_METADATA, cksum()),
                f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).orElseThrow().info().metadata());
    }

    @Test
    void a_readme_text_of_other_bytes_left_by_a_failed_publish_is_not_rendered() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# tarball\n").build());
        f.blobs.put(IndexPaths.readmeTextKey(NAME, VERSION), "# left behind\n".getBytes(StandardCharsets.UTF_8),
                new Attributes("text/plain; charset=utf-8", null, Map.of(IndexPaths.SHA256_METADATA, "0".repeat(64))));

        assertEquals(Optional.of("<h1>tarball</h1>\n"), service.readmeHtml(NAME, VERSION));
    }

    @Test
    void a_kept_readme_rendered_from_other_bytes_is_rendered_again_and_replaced() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# now\n").build());
        String key = IndexPaths.readmeKey(NAME, VERSION);
        f.blobs.put(key, "<p>left by a removed version of other bytes</p>".getBytes(StandardCharsets.UTF_8),
                new Attributes("text/html; charset=utf-8", null, Map.of(IndexPaths.SHA256_METADATA, "0".repeat(64))));

        assertEquals(Optional.of("<h1>now</h1>\n"), service.readmeHtml(NAME, VERSION));
        assertEquals(Map.of(IndexPaths.SHA256_METADATA, cksum()), f.blobs.get(key).orElseThrow().info().metadata());
    }

    @Test
    void a_small_readme_that_renders_to_megabytes_is_kept_and_served_cut_within_the_limit() {
        // 40 KB of text: one long URL, used 10,000 times, rendered to 50 MB before the rendering was bounded
        String text = "[x]: https://example.com/" + "a".repeat(10_000) + "\n\n" + "[x]".repeat(10_000);
        byte[] body = PublishBodyBuilder.of(NAME, VERSION).with("readme_file", "README.md").with("readme", text)
                .body(withManifest().build());
        f.publisher.publish(f.as("alice"), body);

        String html = service.readmeHtml(NAME, VERSION).orElseThrow();

        int bytes = html.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= ReadmeRenderer.MAX_HTML_BYTES && html.endsWith(ReadmeRenderer.CUT_NOTE), "bytes: " + bytes);
        assertEquals(html, new String(f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).orElseThrow().body(), StandardCharsets.UTF_8));
    }

    @Test
    void a_kept_copy_larger_than_any_rendering_now_is_rendered_again() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# now\n").build());
        String key = IndexPaths.readmeKey(NAME, VERSION);
        // kept, with this version's mark, before renderings were bounded: too large for a Lambda response
        f.blobs.put(key, ("<p>" + "a".repeat(ReadmeRenderer.MAX_HTML_BYTES) + "</p>").getBytes(StandardCharsets.UTF_8),
                new Attributes("text/html; charset=utf-8", null, Map.of(IndexPaths.SHA256_METADATA, cksum())));

        assertEquals(Optional.of("<h1>now</h1>\n"), service.readmeHtml(NAME, VERSION));
        assertEquals("<h1>now</h1>\n", new String(f.blobs.get(key).orElseThrow().body(), StandardCharsets.UTF_8));
    }

    @Test
    void an_unmarked_readme_rendered_by_publish_before_this_change_is_served_as_it_is() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# tarball copy\n").build());
        // publish rendered the metadata's `readme` text right after writing the tarball, and marked nothing
        f.clock.advance(Duration.ofMillis(20));
        f.blobs.put(IndexPaths.readmeKey(NAME, VERSION), "<h1>sent</h1>\n".getBytes(StandardCharsets.UTF_8),
                new Attributes("text/html; charset=utf-8", null, Map.of()));

        assertEquals(Optional.of("<h1>sent</h1>\n"), service.readmeHtml(NAME, VERSION));
    }

    @Test
    void an_unmarked_readme_older_than_the_tarball_was_left_by_a_failed_publish_and_is_rendered_again() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# now\n").build());
        Instant tarball = f.blobs.head(IndexPaths.crateKey(NAME, VERSION)).orElseThrow().lastModified();
        f.blobs.seed(IndexPaths.readmeKey(NAME, VERSION), "<h1>before</h1>\n".getBytes(StandardCharsets.UTF_8),
                new Attributes("text/html; charset=utf-8", null, Map.of()), tarball.minus(Duration.ofDays(2)));

        assertEquals(Optional.of("<h1>now</h1>\n"), service.readmeHtml(NAME, VERSION));
    }

    @Test
    void a_removal_that_runs_while_the_readme_renders_leaves_no_readme_behind() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# foo\n").build());
        f.admin("root");
        RemovalService removal = new RemovalService(f.store, f.blobs, f.index, f.cdn, f.clock);
        f.blobs.beforeNextPut(() -> removal.removeVersion(f.as("root"), NAME, VERSION));

        // the reader read the version before the removal: it still gets its answer
        assertEquals(Optional.of("<h1>foo</h1>\n"), service.readmeHtml(NAME, VERSION));
        assertTrue(f.blobs.get(IndexPaths.crateKey(NAME, VERSION)).isEmpty(), "the removal ran");
        assertTrue(f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).isEmpty(), "the copy kept after the removal is taken back");
    }

    @Test
    void a_readme_that_cannot_be_kept_is_still_served() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# foo\n").build());
        f.blobs.failWritesTo(k -> k.endsWith(".readme.html"));

        assertEquals(Optional.of("<h1>foo</h1>\n"), service.readmeHtml(NAME, VERSION));
        assertTrue(f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).isEmpty());
    }

    private String cksum() {
        return f.store.findVersion(NAME, VERSION).orElseThrow().cksum();
    }

    @Test
    void a_version_published_without_a_readme_has_none() {
        publish(null, withManifest().file(ROOT + "README.md", "# foo\n").build());

        assertEquals(Optional.empty(), service.readme(NAME, VERSION));
    }

    @ParameterizedTest
    @ValueSource(strings = {"./docs/README.md", "docs//README.md", "docs/./README.md", "docs\\README.md"})
    void the_readme_path_from_the_metadata_is_read_in_normal_form(String readmeFile) {
        publish(readmeFile, withManifest().file(ROOT + "docs/README.md", "# docs\n").build());

        assertEquals(Optional.of("# docs\n"), service.readme(NAME, VERSION));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../README.md", "docs/../../README.md", "/README.md", "..\\README.md"})
    void a_readme_path_outside_the_package_is_looked_up_where_cargo_packs_it_at_the_root(String readmeFile) {
        publish(readmeFile, withManifest().file(ROOT + "README.md", "# foo\n").file(ROOT + "docs/README.md", "# docs\n").build());

        assertEquals(Optional.of("# foo\n"), service.readme(NAME, VERSION));
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "./", "..", "../"})
    void a_readme_path_that_names_no_file_has_none(String readmeFile) {
        publish(readmeFile, withManifest().file(ROOT + "README.md", "# foo\n").build());

        assertEquals(Optional.empty(), service.readme(NAME, VERSION));
    }

    @Test
    void the_readme_is_served_without_inflating_what_follows_it() {
        // twice the scan budget of zeros after the readme: inflating them would pass the budget
        publish("README.md", withManifest().file(ROOT + "README.md", "# foo\n")
                .zeros(ROOT + "zeros.bin", 2 * CrateReadService.README_SCAN_BYTES).build());

        assertEquals(Optional.of("# foo\n"), service.readme(NAME, VERSION));
    }

    @Test
    void a_readme_within_the_scan_budget_is_served() {
        publish("README.md", withManifest().zeros(ROOT + "A.bin", CrateReadService.README_SCAN_BYTES / 2)
                .file(ROOT + "README.md", "# foo\n").build());

        assertEquals(Optional.of("# foo\n"), service.readme(NAME, VERSION));
    }

    @Test
    void a_readme_behind_more_than_the_scan_budget_is_not_served() {
        // the reproduction, smaller: a big entry that sorts before README.md (the finding used 500 MiB)
        publish("README.md", withManifest().zeros(ROOT + "A.bin", CrateReadService.README_SCAN_BYTES + MIB)
                .file(ROOT + "README.md", "# foo\n").build());

        RegistryException e = assertThrows(RegistryException.class, () -> service.readme(NAME, VERSION));

        assertEquals(404, e.status());
        assertTrue(e.detail().contains("not within the first 8 MiB"), e.detail());
    }

    @Test
    void a_readme_behind_a_gigabyte_of_zeros_is_refused_quickly() throws Exception {
        publish("README.md", withManifest().file(ROOT + "README.md", "# foo\n").build());
        assertEquals(Optional.of("# foo\n"), service.readme(NAME, VERSION)); // and warms up class loading
        // the stored tarball replaced by ~1 MB of gzip that inflates to 1 GiB of zeros before its readme
        f.blobs.seed(IndexPaths.crateKey(NAME, VERSION), bombBeforeReadme(1024),
                new Attributes("application/gzip", null, Map.of()), FakeRegistry.START);

        long started = System.nanoTime();
        RegistryException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(RegistryException.class, () -> service.readme(NAME, VERSION)));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(404, e.status());
        assertTrue(millis < 1000, "stopped after " + millis + " ms");
    }

    @Test
    void a_huge_readme_is_cut_not_read_whole() {
        byte[] big = "#".repeat(3 * MIB).getBytes(StandardCharsets.UTF_8);
        publish("README.md", withManifest().file(ROOT + "README.md", big).build());

        assertEquals(MIB, service.readme(NAME, VERSION).orElseThrow().length());
    }

    /**
     * A gzip'd tar with Cargo.toml, then a `zeros.bin` of {@code mebibytes} MiB, then README.md, built from one deflate
     * block of 1 MiB of zeros repeated (a full flush makes each block independent), so gigabytes take milliseconds.
     * The gzip trailer is left out: nothing that honours the budget reaches it.
     */
    private static byte[] bombBeforeReadme(int mebibytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] manifest = TarballBuilder.manifest(NAME, VERSION).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(header(ROOT + "Cargo.toml", manifest.length));
        head.writeBytes(Arrays.copyOf(manifest, 512));
        head.writeBytes(header(ROOT + "zeros.bin", (long) mebibytes * MIB));
        out.writeBytes(deflate(d, head.toByteArray()));
        byte[] block = deflate(d, new byte[MIB]);
        for (int i = 0; i < mebibytes; i++) {
            out.writeBytes(block);
        }
        byte[] readme = "# foo\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        tail.writeBytes(header(ROOT + "README.md", readme.length));
        tail.writeBytes(Arrays.copyOf(readme, 512));
        tail.writeBytes(new byte[1024]);
        out.writeBytes(deflate(d, tail.toByteArray()));
        d.end();
        return out.toByteArray();
    }

    private static byte[] header(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        byte[] h = new byte[512];
        e.writeEntryHeader(h);
        return h;
    }

    private static byte[] deflate(Deflater d, byte[] input) {
        d.setInput(input);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
            o.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
        return o.toByteArray();
    }

    @Test
    void dependencies_and_authors_come_from_what_the_version_was_published_with() {
        f.publish("alice", "bar", "1.0.0");
        Map<String, Object> renamed = PublishBodyBuilder.dep("bar", "^1");
        renamed.put("explicit_name_in_toml", "bar2");
        renamed.put("kind", "dev");
        Map<String, Object> optional = PublishBodyBuilder.dep("bar", "=1.0.0");
        optional.put("optional", true);
        optional.put("features", List.of("x"));
        byte[] body = PublishBodyBuilder.of(NAME, VERSION).dep(renamed).dep(optional)
                .with("authors", List.of("Alice <a@example.com>", "Bob")).body();
        f.publisher.publish(f.as("alice"), body);

        DependencyList deps = service.dependencies(NAME, VERSION);
        assertEquals(2, deps.dependencies().size());
        DependencyList.Dependency first = deps.dependencies().get(0);
        assertEquals("normal", first.kind());
        assertEquals("bar", first.crateId());
        assertEquals("=1.0.0", first.req());
        assertTrue(first.optional());
        assertEquals(List.of("x"), first.features());
        assertNull(first.explicitName());
        DependencyList.Dependency dev = deps.dependencies().get(1);
        assertEquals("dev", dev.kind());
        assertEquals("bar", dev.crateId());
        assertEquals("bar2", dev.explicitName());
        assertEquals(service.version(NAME, VERSION).version().id(), first.versionId());
        assertTrue(first.id() != dev.id());

        assertEquals(List.of("Alice <a@example.com>", "Bob"), service.authors(NAME, VERSION).meta().names());
        assertEquals(404, assertThrows(RegistryException.class, () -> service.dependencies(NAME, "9.9.9")).status());
        assertEquals(404, assertThrows(RegistryException.class, () -> service.authors("nope", VERSION)).status());
    }

    @Test
    void reverse_dependencies_list_the_newest_existing_dependent_version_of_each_crate() {
        f.admin("root");
        f.publish("alice", "bar", "1.0.0");
        f.publish("alice", "other", "1.0.0");
        byte[] v1 = PublishBodyBuilder.of(NAME, "1.0.0").dep(PublishBodyBuilder.dep("bar", "^1")).body();
        f.publisher.publish(f.as("alice"), v1);
        Map<String, Object> renamed = PublishBodyBuilder.dep("bar", "=1.0.0");
        renamed.put("explicit_name_in_toml", "bar_alias");
        renamed.put("kind", "dev");
        byte[] v2 = PublishBodyBuilder.of(NAME, "2.0.0").dep(renamed).dep(PublishBodyBuilder.dep("other", "1")).body();
        f.publisher.publish(f.as("alice"), v2);
        byte[] quux = PublishBodyBuilder.of("quux", "0.1.0").dep(PublishBodyBuilder.dep("bar", "0.9")).body();
        f.publisher.publish(f.as("alice"), quux);

        ReverseDependencyList r = service.reverseDependencies("Bar", 1, 10);
        assertEquals(2, r.meta().total());
        assertEquals(List.of("foo@2.0.0", "quux@0.1.0"), r.versions().stream().map(v -> v.crate() + "@" + v.num()).toList());
        assertEquals(List.of("=1.0.0", "0.9"), r.dependencies().stream().map(DependencyList.Dependency::req).toList());
        assertEquals("bar", r.dependencies().get(0).crateId());
        assertEquals("bar_alias", r.dependencies().get(0).explicitName());
        assertEquals(r.versions().get(0).id(), r.dependencies().get(0).versionId());
        assertEquals(List.of("quux@0.1.0"), service.reverseDependencies("bar", 2, 1).versions().stream()
                .map(v -> v.crate() + "@" + v.num()).toList());

        // the newest dependent version removed: the one before it is shown
        f.services.removal().removeVersion(f.as("root"), NAME, "2.0.0");
        ReverseDependencyList after = service.reverseDependencies("bar", 1, 10);
        assertEquals(List.of("foo@1.0.0", "quux@0.1.0"), after.versions().stream().map(v -> v.crate() + "@" + v.num()).toList());
        assertEquals(List.of(), service.reverseDependencies("other", 1, 10).versions());
        assertEquals(0, service.reverseDependencies("quux", 1, 10).meta().total());
        assertEquals(404, assertThrows(RegistryException.class, () -> service.reverseDependencies("nope", 1, 10)).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> service.reverseDependencies("bar", 0, 10)).status());
    }
}
