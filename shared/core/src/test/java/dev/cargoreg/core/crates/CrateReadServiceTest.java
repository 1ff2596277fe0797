package dev.cargoreg.core.crates;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore.Attributes;
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
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrateReadServiceTest {
    private static final String NAME = "foo";
    private static final String VERSION = "1.0.0";
    private static final String ROOT = NAME + "-" + VERSION + "/";
    private static final int MIB = 1024 * 1024;

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
    void the_readme_sent_with_the_publish_is_stored_as_sanitized_html_beside_the_tarball_and_served() {
        byte[] body = PublishBodyBuilder.of(NAME, VERSION).with("readme_file", "README.md")
                .with("readme", "# foo\n\n<script>x()</script>\n\n[a](docs/a.md)").with("repository", "https://github.com/o/foo")
                .body(withManifest().file(ROOT + "README.md", "# tarball copy\n").build());
        f.publisher.publish(f.as("alice"), body);

        String stored = new String(f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).orElseThrow().body(), StandardCharsets.UTF_8);
        assertTrue(stored.startsWith("<h1>foo</h1>") && !stored.contains("script"), stored);
        assertTrue(stored.matches("(?s).*<p><a href=\"https://github.com/o/foo/blob/HEAD/docs/a.md\" rel=\"[a-z ]+\">a</a></p>.*"), stored);
        assertEquals(Optional.of(stored), service.readmeHtml(NAME, VERSION));
    }

    @Test
    void a_version_published_before_readmes_were_rendered_is_rendered_from_its_tarball() {
        publish("README.md", withManifest().file(ROOT + "README.md", "# old <img src=x onerror=y()>\n").build());
        // PublishBodyBuilder sends no `readme` text unless told: nothing was stored at publish time
        assertTrue(f.blobs.get(IndexPaths.readmeKey(NAME, VERSION)).isEmpty());

        assertEquals(Optional.of("<h1>old </h1>\n"), service.readmeHtml(NAME, VERSION));
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
    @ValueSource(strings = {"../README.md", "docs/../../README.md", "/README.md", ".", "./"})
    void a_readme_path_outside_the_package_is_not_looked_up(String readmeFile) {
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
}
