package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarballInspectorTest {
    private static final String NAME = "foo";
    private static final String VERSION = "1.0.0";
    private static final String ROOT = NAME + "-" + VERSION + "/";
    private static final TarballInspector INSPECTOR = new TarballInspector(Limits.defaults());

    private static TarballInspector.Facts inspect(byte[] crate) {
        return INSPECTOR.inspect(ByteBuffer.wrap(crate), NAME, VERSION);
    }

    private static RegistryException refused(byte[] crate) {
        return refused(INSPECTOR, crate);
    }

    private static RegistryException refused(TarballInspector inspector, byte[] crate) {
        RegistryException e = assertThrows(RegistryException.class,
                () -> inspector.inspect(ByteBuffer.wrap(crate), NAME, VERSION));
        assertEquals(400, e.status(), e.detail());
        return e;
    }

    private static TarballBuilder withManifest() {
        return TarballBuilder.empty().file(ROOT + "Cargo.toml", TarballBuilder.manifest(NAME, VERSION));
    }

    private static void assertContains(String detail, String expected) {
        assertTrue(detail.contains(expected), "expected `" + expected + "` in: " + detail);
    }

    // ---- well-formed crates -------------------------------------------------------------------------------------

    @Test
    void valid_crate_is_accepted_and_described() {
        byte[] crate = TarballBuilder.empty()
                .dir(ROOT)
                .file(ROOT + "Cargo.toml", TarballBuilder.manifest(NAME, VERSION))
                .file(ROOT + "Cargo.toml.orig", "[package]\nname = \"foo\"\nversion.workspace = true\n")
                .dir(ROOT + "src")
                .file(ROOT + "src/lib.rs", "pub fn f() {}\n")
                .build();

        TarballInspector.Facts facts = inspect(crate);

        assertEquals(NAME, facts.manifestName());
        assertEquals(VERSION, facts.manifestVersion());
        assertEquals(5, facts.entries());
        assertFalse(facts.hasBuildScript());
        assertTrue(facts.unpackedBytes() >= 5 * 512, "counts headers and contents: " + facts.unpackedBytes());
    }

    @Test
    void the_buffer_position_is_left_alone() {
        ByteBuffer buf = ByteBuffer.wrap(TarballBuilder.valid(NAME, VERSION));

        INSPECTOR.inspect(buf, NAME, VERSION);

        assertEquals(0, buf.position());
        INSPECTOR.inspect(buf, NAME, VERSION); // and can be inspected again
    }

    @Test
    void build_script_at_the_root_is_noticed() {
        byte[] crate = withManifest().file(ROOT + "build.rs", "fn main() {}\n").build();

        assertTrue(inspect(crate).hasBuildScript());
    }

    @Test
    void build_script_below_the_root_is_not_a_build_script() {
        byte[] crate = withManifest().file(ROOT + "src/build.rs", "fn main() {}\n").build();

        assertFalse(inspect(crate).hasBuildScript());
    }

    @Test
    void version_with_build_metadata_uses_the_full_version_in_the_prefix() {
        String v = "1.0.0+build.5";
        byte[] crate = TarballBuilder.valid(NAME, v);

        TarballInspector.Facts facts = INSPECTOR.inspect(ByteBuffer.wrap(crate), NAME, v);

        assertEquals(v, facts.manifestVersion());
    }

    @Test
    void legacy_lowercase_cargo_toml_is_accepted() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "cargo.toml", TarballBuilder.manifest(NAME, VERSION)).build();

        assertEquals(NAME, inspect(crate).manifestName());
    }

    @Test
    void long_paths_within_the_limit_are_accepted() {
        String path = ROOT + "src/" + "d".repeat(90) + "/" + "e".repeat(3000) + ".rs";
        byte[] crate = withManifest().file(path, "// long\n").build();

        assertEquals(2, inspect(crate).entries());
    }

    // ---- not a gzip'd tar ---------------------------------------------------------------------------------------

    @Test
    void not_gzip_is_refused() {
        byte[] tarOnly = "this is certainly not gzip data, just some text".getBytes(StandardCharsets.UTF_8);

        RegistryException e = refused(tarOnly);

        assertContains(e.detail(), "not gzip-compressed");
    }

    @Test
    void truncated_gzip_is_refused() {
        byte[] crate = TarballBuilder.valid(NAME, VERSION);
        byte[] cut = Arrays.copyOf(crate, crate.length / 2);

        RegistryException e = refused(cut);

        assertContains(e.detail(), "malformed");
    }

    @Test
    void gzip_of_random_bytes_is_refused_as_malformed() {
        byte[] noise = new byte[8192];
        new Random(42).nextBytes(noise);

        RegistryException e = refused(TarballBuilder.gzip(noise));

        assertContains(e.detail(), "malformed");
    }

    @Test
    void gzip_of_an_empty_stream_has_no_manifest() {
        RegistryException e = refused(TarballBuilder.gzip(new byte[0]));

        assertContains(e.detail(), "Cargo.toml");
    }

    // ---- paths ---------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"bar-1.0.0/src/lib.rs", "foo-1.0.1/src/lib.rs", "src/lib.rs", "foo-1.0.0.evil/x",
            "Foo-1.0.0/src/lib.rs", "foo-1.0.0x/lib.rs", "foo-1.0.0-evil/lib.rs", "./foo-1.0.0/lib.rs"})
    void path_outside_name_version_is_refused(String path) {
        byte[] crate = withManifest().file(path, "x").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "invalid path found: " + path);
    }

    @Test
    void root_directory_entry_without_trailing_slash_is_allowed() {
        TarArchiveEntry root = new TarArchiveEntry("foo-1.0.0", TarConstants.LF_DIR);
        byte[] crate = withManifest().entry(root, new byte[0]).build();

        assertEquals(2, inspect(crate).entries());
    }

    @Test
    void absolute_path_is_refused() throws IOException {
        byte[] crate = withManifest().file("/" + ROOT + "src/lib.rs", "x").build();
        assertTrue(firstNames(crate).contains("/" + ROOT + "src/lib.rs"), "the test tarball really has an absolute path");

        RegistryException e = refused(crate);

        assertContains(e.detail(), "invalid path found: /" + ROOT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0/../evil", "foo-1.0.0/src/../../etc/passwd", "foo-1.0.0/..", "foo-1.0.0/src/..\\..\\x"})
    void dot_dot_component_is_refused(String path) {
        byte[] crate = withManifest().file(path, "x").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "invalid path found");
    }

    @Test
    void backslash_in_path_is_refused() {
        byte[] crate = withManifest().file(ROOT + "src\\lib.rs", "x").build();

        assertContains(refused(crate).detail(), "backslashes are not allowed");
    }

    @Test
    void names_with_dots_that_are_not_dot_dot_are_fine() {
        byte[] crate = withManifest().file(ROOT + "..hidden", "x").file(ROOT + "a..b", "y").file(ROOT + ".cargo_ok", "").build();

        assertEquals(4, inspect(crate).entries());
    }

    // ---- paths in normal form (issue 10, M5: `./` and `//` got past the duplicate and single-manifest checks) -------

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0/./src/lib.rs", "foo-1.0.0/src/./lib.rs", "foo-1.0.0/src/.", "foo-1.0.0/."})
    void dot_segment_is_refused(String path) {
        byte[] crate = withManifest().file(path, "x").build();

        assertContains(refused(crate).detail(), "invalid path found: " + path + " (`.` segments are not allowed)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0//lib.rs", "foo-1.0.0/src//lib.rs", "foo-1.0.0/src///lib.rs"})
    void empty_segment_is_refused(String path) {
        byte[] crate = withManifest().file(path, "x").build();

        assertContains(refused(crate).detail(), "invalid path found: " + path + " (empty path segments");
    }

    @Test
    void dot_slash_copy_of_the_manifest_is_refused() {
        // the reproduction: cargo extracts the second, unchecked manifest over the first
        String evil = TarballBuilder.manifest(NAME, VERSION) + "[lib]\npath = \"src/evil.rs\"\n";
        byte[] crate = withManifest()
                .file(ROOT + "src/lib.rs", "// innocent\n")
                .file(ROOT + "README.md", "innocent")
                .file(ROOT + "./Cargo.toml", evil)
                .file(ROOT + "src/evil.rs", "// evil\n")
                .file(ROOT + "./README.md", "<script>")
                .build();

        assertContains(refused(crate).detail(), "invalid path found: " + ROOT + "./Cargo.toml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0/./Cargo.toml", "foo-1.0.0//Cargo.toml", "foo-1.0.0/src/../Cargo.toml"})
    void the_only_manifest_under_a_non_normal_path_is_refused(String path) {
        byte[] crate = TarballBuilder.empty().file(path, TarballBuilder.manifest(NAME, VERSION)).build();

        assertContains(refused(crate).detail(), "invalid path found: " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/./lib.rs", "src//lib.rs", "./src/lib.rs"})
    void second_spelling_of_a_file_is_refused(String spelling) {
        byte[] crate = withManifest().file(ROOT + "src/lib.rs", "a").file(ROOT + spelling, "b").build();

        assertContains(refused(crate).detail(), "invalid path found: " + ROOT + spelling);
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0/src/lib.rs/", "foo-1.0.0/Cargo.toml/"})
    void file_path_with_a_trailing_slash_is_refused(String path) {
        // tar extractors drop the slash: `Cargo.toml/` would be extracted as a second `Cargo.toml`
        byte[] crate = rawCrate(
                member(ROOT + "Cargo.toml", TarConstants.LF_NORMAL, TarballBuilder.manifest(NAME, VERSION).getBytes(StandardCharsets.UTF_8)),
                member(path, TarConstants.LF_NORMAL, new byte[] {'x'}));

        assertContains(refused(crate).detail(), "invalid path found: " + path + " (a file's path cannot end with `/`)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0/src//", "foo-1.0.0//", "foo-1.0.0/./src/", "foo-1.0.0/src/./"})
    void directory_path_that_is_not_normal_is_refused(String path) {
        byte[] crate = withManifest().entry(new TarArchiveEntry(path, TarConstants.LF_DIR), new byte[0]).build();

        assertContains(refused(crate).detail(), "invalid path found: " + path);
    }

    @Test
    void directories_with_and_without_a_trailing_slash_are_accepted() {
        byte[] crate = withManifest()
                .entry(new TarArchiveEntry("foo-1.0.0/src", TarConstants.LF_DIR), new byte[0])
                .dir(ROOT + "tests/")
                .file(ROOT + "src/lib.rs", "x")
                .build();

        assertEquals(4, inspect(crate).entries());
    }

    @Test
    void directory_spelled_with_and_without_a_trailing_slash_is_a_duplicate() {
        byte[] crate = withManifest()
                .entry(new TarArchiveEntry("foo-1.0.0/src", TarConstants.LF_DIR), new byte[0])
                .dir(ROOT + "src/")
                .build();

        assertContains(refused(crate).detail(), "duplicate entry in uploaded tarball: " + ROOT + "src/");
    }

    @Test
    void root_as_a_regular_file_is_refused() {
        byte[] crate = withManifest().file("foo-1.0.0", "x").build();

        assertContains(refused(crate).detail(), "invalid path found: foo-1.0.0 (`foo-1.0.0` must be a directory)");
    }

    @Test
    void absolute_pax_path_is_refused_though_commons_compress_drops_its_slash() throws IOException {
        String path = "/" + ROOT + "src/" + "x".repeat(120) + ".rs";
        byte[] crate = withManifest().file(path, "x").build();
        assertTrue(firstNames(crate).contains("\n" + path.substring(1) + "\n"), "commons-compress shows it without its `/`");

        assertContains(refused(crate).detail(), "invalid path found: " + path + " (absolute paths are not allowed)");
    }

    @Test
    void absolute_gnu_long_name_is_refused_though_commons_compress_drops_its_slash() {
        String path = "/" + ROOT + "src/" + "x".repeat(120) + ".rs";
        byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] crate = withManifest()
                .rawEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, name, 0, (byte) 0, new byte[0])
                .file(ROOT + "placeholder", "x")
                .build();

        assertContains(refused(crate).detail(), "invalid path found: " + path + " (absolute paths are not allowed)");
    }

    @Test
    void absolute_path_in_a_global_pax_header_is_refused() {
        String record = " path=/" + ROOT + "Cargo.toml\n";
        byte[] pax = ((record.length() + 2) + record).getBytes(StandardCharsets.UTF_8);
        assertEquals(record.length() + 2, pax.length);
        byte[] crate = rawCrate(
                member("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, pax),
                member(ROOT + "Cargo.toml", TarConstants.LF_NORMAL, TarballBuilder.manifest(NAME, VERSION).getBytes(StandardCharsets.UTF_8)));

        assertContains(refused(crate).detail(), "invalid path found: /" + ROOT + "Cargo.toml (absolute paths are not allowed)");
    }

    @Test
    void long_paths_in_normal_form_are_accepted_as_pax_and_gnu_names() {
        String pax = ROOT + "src/" + "p".repeat(120) + ".rs";
        String gnu = ROOT + "src/" + "g".repeat(120) + ".rs";
        byte[] crate = withManifest()
                .file(pax, "x")
                .rawEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, (gnu + "\0").getBytes(StandardCharsets.UTF_8),
                        0, (byte) 0, new byte[0])
                .file(ROOT + "placeholder", "y")
                .build();

        assertEquals(3, inspect(crate).entries());
    }

    @Test
    void backslash_in_a_pax_path_is_refused() {
        byte[] crate = withManifest().file(ROOT + "src\\" + "x".repeat(120) + ".rs", "x").build();

        assertContains(refused(crate).detail(), "backslashes are not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo-1.0.0/src/...", "foo-1.0.0/.github/x.yml", "foo-1.0.0/a.b/c", "foo-1.0.0/src/.../x"})
    void segments_that_merely_contain_dots_are_fine(String path) {
        byte[] crate = withManifest().file(path, "x").build();

        assertEquals(2, inspect(crate).entries());
    }

    @Test
    void very_long_path_is_refused() {
        String path = ROOT + ("d".repeat(200) + "/").repeat(25) + "lib.rs";
        assertTrue(path.getBytes(StandardCharsets.UTF_8).length > 4096);
        byte[] crate = withManifest().file(path, "x").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "longer than 4096 bytes");
    }

    @Test
    void path_length_is_measured_in_bytes_not_chars() {
        // 1,400 three-byte characters: 1,400 chars but 4,200 bytes
        String path = ROOT + "\u65e5".repeat(1400);
        byte[] crate = withManifest().file(path, "x").build();

        assertContains(refused(crate).detail(), "longer than 4096 bytes");
    }

    // ---- entry types ---------------------------------------------------------------------------------------------

    @Test
    void symlink_entry_is_refused() {
        byte[] crate = withManifest().special(ROOT + "link", TarConstants.LF_SYMLINK, "/etc/passwd").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "unexpected tar entry type Symlink found: " + ROOT + "link");
    }

    @Test
    void symlink_pointing_inside_the_crate_is_refused_too() {
        byte[] crate = withManifest().special(ROOT + "lib.rs", TarConstants.LF_SYMLINK, "src/lib.rs").build();

        assertContains(refused(crate).detail(), "Symlink");
    }

    @Test
    void hard_link_entry_is_refused() {
        byte[] crate = withManifest().special(ROOT + "hard", TarConstants.LF_LINK, ROOT + "Cargo.toml").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "unexpected tar entry type Link found: " + ROOT + "hard");
    }

    @Test
    void char_device_entry_is_refused() {
        byte[] crate = withManifest().special(ROOT + "null", TarConstants.LF_CHR, null).build();

        assertContains(refused(crate).detail(), "unexpected tar entry type Char found");
    }

    @Test
    void block_device_entry_is_refused() {
        byte[] crate = withManifest().special(ROOT + "sda", TarConstants.LF_BLK, null).build();

        assertContains(refused(crate).detail(), "unexpected tar entry type Block found");
    }

    @Test
    void fifo_entry_is_refused() {
        byte[] crate = withManifest().special(ROOT + "pipe", TarConstants.LF_FIFO, null).build();

        assertContains(refused(crate).detail(), "unexpected tar entry type Fifo found");
    }

    @Test
    void contiguous_file_entry_is_refused() {
        byte[] crate = withManifest().special(ROOT + "contig", TarConstants.LF_CONTIG, null).build();

        assertContains(refused(crate).detail(), "unexpected tar entry type");
    }

    @Test
    void link_entry_is_refused_even_when_it_comes_first() {
        byte[] crate = TarballBuilder.empty()
                .special(ROOT + "Cargo.toml", TarConstants.LF_SYMLINK, "/etc/passwd")
                .build();

        assertContains(refused(crate).detail(), "Symlink");
    }

    @Test
    void duplicate_entry_is_refused() {
        byte[] crate = withManifest().file(ROOT + "src/lib.rs", "a").file(ROOT + "src/lib.rs", "b").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "duplicate entry in uploaded tarball: " + ROOT + "src/lib.rs");
    }

    @Test
    void duplicate_manifest_is_refused() {
        // a second Cargo.toml could make different tools see different manifests
        byte[] crate = withManifest().file(ROOT + "Cargo.toml", TarballBuilder.manifest("evil", VERSION)).build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "Cargo.toml");
    }

    @Test
    void file_and_directory_with_the_same_name_are_duplicates() {
        byte[] crate = withManifest().file(ROOT + "src", "x").dir(ROOT + "src").build();

        assertContains(refused(crate).detail(), "duplicate entry");
    }

    // ---- manifest --------------------------------------------------------------------------------------------------

    @Test
    void missing_cargo_toml_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "src/lib.rs", "x").build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "missing a `Cargo.toml` manifest file");
    }

    @Test
    void cargo_toml_below_the_root_does_not_count() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "sub/Cargo.toml", TarballBuilder.manifest(NAME, VERSION)).build();

        assertContains(refused(crate).detail(), "missing a `Cargo.toml`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CARGO.TOML", "Cargo.TOML", "cargo.Toml"})
    void cargo_toml_with_wrong_case_is_refused(String fileName) {
        byte[] crate = TarballBuilder.empty().file(ROOT + fileName, TarballBuilder.manifest(NAME, VERSION)).build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "`" + fileName + "`");
        assertContains(e.detail(), "must be named `Cargo.toml`");
    }

    @Test
    void both_cargo_toml_and_lowercase_variant_are_more_than_one_manifest() {
        byte[] crate = withManifest().file(ROOT + "cargo.toml", TarballBuilder.manifest(NAME, VERSION)).build();

        assertContains(refused(crate).detail(), "more than one `Cargo.toml`");
    }

    @Test
    void name_mismatch_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", TarballBuilder.manifest("bar", VERSION)).build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "metadata name `foo` does not match manifest name `bar`");
    }

    @Test
    void name_mismatch_in_case_only_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", TarballBuilder.manifest("Foo", VERSION)).build();

        assertContains(refused(crate).detail(), "does not match manifest name `Foo`");
    }

    @Test
    void version_mismatch_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", TarballBuilder.manifest(NAME, "2.0.0")).build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "metadata version `1.0.0` does not match manifest version `2.0.0`");
    }

    @Test
    void version_workspace_inheritance_is_refused() {
        String manifest = "[package]\nname = \"foo\"\nversion.workspace = true\n";
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", manifest).build();

        RegistryException e = refused(crate);

        assertContains(e.detail(), "failed to parse `Cargo.toml` manifest file");
        assertContains(e.detail(), "workspace");
    }

    @Test
    void version_workspace_inheritance_as_inline_table_is_refused() {
        String manifest = "[package]\nname = \"foo\"\nversion = { workspace = true }\n";
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", manifest).build();

        assertContains(refused(crate).detail(), "`package.version` must be a string");
    }

    @Test
    void manifest_without_package_table_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", "[workspace]\nmembers = []\n").build();

        assertContains(refused(crate).detail(), "missing the `[package]` table");
    }

    @Test
    void manifest_that_is_not_toml_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", "[package\nname = = \"foo\"\n").build();

        assertContains(refused(crate).detail(), "failed to parse `Cargo.toml` manifest file");
    }

    @Test
    void manifest_name_must_be_a_string() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", "[package]\nname = 1\nversion = \"1.0.0\"\n").build();

        assertContains(refused(crate).detail(), "`package.name` must be a string");
    }

    @Test
    void deeply_nested_manifest_is_refused_not_a_stack_overflow() {
        String manifest = TarballBuilder.manifest(NAME, VERSION) + "x = " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", manifest).build();

        assertContains(refused(crate).detail(), "failed to parse `Cargo.toml` manifest file");
    }

    @Test
    void manifest_with_a_duplicate_key_is_refused() {
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", TarballBuilder.manifest(NAME, VERSION) + "name = \"evil\"\n").build();

        assertContains(refused(crate).detail(), "failed to parse `Cargo.toml` manifest file");
    }

    @Test
    void manifest_with_dotted_package_keys_is_accepted() {
        byte[] crate = TarballBuilder.empty()
                .file(ROOT + "Cargo.toml", "package.name = \"foo\"\npackage.version = \"1.0.0\"\n")
                .build();

        assertEquals(VERSION, inspect(crate).manifestVersion());
    }

    @Test
    void huge_manifest_is_refused() {
        String manifest = TarballBuilder.manifest(NAME, VERSION) + "# " + "x".repeat(1024 * 1024) + "\n";
        byte[] crate = TarballBuilder.empty().file(ROOT + "Cargo.toml", manifest).build();

        assertContains(refused(crate).detail(), "larger than 1 MiB");
    }

    // ---- resource limits -----------------------------------------------------------------------------------------

    @Test
    void gzip_bomb_is_refused_as_too_large_when_decompressed() {
        TarballInspector small = new TarballInspector(Limits.defaults().withMaxUnpackedBytes(1_000_000));
        byte[] crate = withManifest().zeros(ROOT + "zeros.bin", 5_000_000).build();
        assertTrue(crate.length < 50_000, "compresses well: " + crate.length);

        RegistryException e = refused(small, crate);

        assertContains(e.detail(), "too large when decompressed");
        assertContains(e.detail(), "1000000");
    }

    @Test
    void gzip_bomb_in_an_entry_that_is_never_read_is_still_counted() {
        // the bomb is skipped by the tar reader, not read: the skip must be counted too
        TarballInspector small = new TarballInspector(Limits.defaults().withMaxUnpackedBytes(1_000_000));
        byte[] crate = TarballBuilder.empty()
                .zeros(ROOT + "a.bin", 600_000)
                .zeros(ROOT + "b.bin", 600_000)
                .file(ROOT + "Cargo.toml", TarballBuilder.manifest(NAME, VERSION))
                .build();

        assertContains(refused(small, crate).detail(), "too large when decompressed");
    }

    @Test
    void crate_just_under_the_unpacked_limit_is_accepted() {
        byte[] crate = withManifest().zeros(ROOT + "zeros.bin", 500_000).build();
        TarballInspector ok = new TarballInspector(Limits.defaults().withMaxUnpackedBytes(1_000_000));

        TarballInspector.Facts facts = ok.inspect(ByteBuffer.wrap(crate), NAME, VERSION);

        assertTrue(facts.unpackedBytes() >= 500_000 && facts.unpackedBytes() <= 1_000_000, "" + facts.unpackedBytes());
    }

    @Test
    void gzip_bomb_of_gigabytes_stops_early() throws IOException {
        // Sanity: the hand-made stream is a real, complete .crate when it is small.
        byte[] smallBomb = VirtualBomb.build(4, true);
        assertEquals(4L << 20, zeroFileSize(smallBomb));
        assertEquals(NAME, inspect(smallBomb).manifestName());

        // ~7.4 GiB of zeros in ~7.6 MB of gzip; fully decompressing it takes many seconds.
        byte[] bomb = VirtualBomb.build(7600, false);
        TarballInspector small = new TarballInspector(Limits.defaults().withMaxUnpackedBytes(1_000_000));
        inspect(TarballBuilder.valid(NAME, VERSION)); // warm up

        long started = System.nanoTime();
        RegistryException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(RegistryException.class,
                () -> small.inspect(ByteBuffer.wrap(bomb), NAME, VERSION)));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(400, e.status());
        assertContains(e.detail(), "too large when decompressed");
        assertTrue(millis < 1000, "stopped after " + millis + " ms");
    }

    @Test
    void huge_gnu_long_name_is_refused_without_buffering_it() {
        // a ~50 KB upload declaring a 50 MB file name (GNU `L` entry): the name is refused at 4096 bytes, so there is no
        // reason to hold 50 MB of it in memory; at a few hundred MB (still under the 512 MiB unpacked limit) this
        // exhausts a Lambda's heap (OutOfMemoryError instead of a 400)
        byte[] crate = withManifest()
                .rawEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, ROOT.getBytes(StandardCharsets.UTF_8),
                        50_000_000, (byte) 'a', new byte[0])
                .file(ROOT + "placeholder", "x")
                .build();

        long allocated = allocatedBytesDuring(() -> assertContains(refused(crate).detail(), "longer than 4096 bytes"));

        assertTrue(allocated < 32_000_000, "inspecting a " + crate.length + "-byte crate allocated " + allocated + " bytes");
    }

    @Test
    void huge_pax_header_is_refused_without_buffering_it() {
        int size = 50_000_000;
        byte[] head = (size + " path=" + ROOT).getBytes(StandardCharsets.UTF_8);
        byte[] crate = withManifest()
                .rawEntry("PaxHeaders/placeholder", TarConstants.LF_PAX_EXTENDED_HEADER_LC, head,
                        size - head.length - 1, (byte) 'a', new byte[] {'\n'})
                .file(ROOT + "placeholder", "x")
                .build();

        long allocated = allocatedBytesDuring(() -> assertEquals(400, refused(crate).status()));

        assertTrue(allocated < 32_000_000, "inspecting a " + crate.length + "-byte crate allocated " + allocated + " bytes");
    }

    private static long allocatedBytesDuring(Runnable r) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(hs.isThreadAllocatedMemorySupported() && hs.isThreadAllocatedMemoryEnabled());
        inspect(TarballBuilder.valid(NAME, VERSION)); // warm up class loading
        long before = hs.getCurrentThreadAllocatedBytes();
        r.run();
        return hs.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void too_many_entries_are_refused() {
        TarballInspector fewEntries = new TarballInspector(TestConfigs.withMaxTarEntries(5));
        TarballBuilder tar = withManifest();
        for (int i = 0; i < 5; i++) {
            tar.file(ROOT + "src/f" + i + ".rs", "x");
        }

        RegistryException e = refused(fewEntries, tar.build());

        assertContains(e.detail(), "more than 5 entries");
    }

    @Test
    void exactly_max_entries_are_accepted() {
        TarballInspector fewEntries = new TarballInspector(TestConfigs.withMaxTarEntries(5));
        TarballBuilder tar = withManifest();
        for (int i = 0; i < 4; i++) {
            tar.file(ROOT + "src/f" + i + ".rs", "x");
        }

        assertEquals(5, fewEntries.inspect(ByteBuffer.wrap(tar.build()), NAME, VERSION).entries());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A tar member as written, header and padded data, whatever commons-compress's writer would make of it. */
    private static byte[] member(String name, byte type, byte[] data) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setSize(data.length);
        byte[] header = new byte[512];
        e.writeEntryHeader(header);
        return VirtualBomb.concat(header, VirtualBomb.pad(data));
    }

    /** Members, the end-of-archive blocks, gzip'd. */
    private static byte[] rawCrate(byte[]... members) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (byte[] m : members) {
            tar.writeBytes(m);
        }
        tar.writeBytes(new byte[1024]);
        return TarballBuilder.gzip(tar.toByteArray());
    }

    private static String firstNames(byte[] crate) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(crate)))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                sb.append(e.getName()).append('\n');
            }
        }
        return sb.toString();
    }

    private static long zeroFileSize(byte[] crate) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(crate)))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().endsWith("zeros.bin")) {
                    return in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
        return -1;
    }

    /**
     * A gzip'd tar holding Cargo.toml and one enormous file of zeros, assembled from one deflate block of 1 MiB of
     * zeros that is repeated: a full flush makes every block independent of what came before, so repeating it is
     * valid deflate. Building gigabytes this way takes milliseconds.
     */
    static final class VirtualBomb {
        private static final int MIB = 1 << 20;

        static byte[] build(int mebibytes, boolean complete) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            CRC32 crc = new CRC32();
            long size = 0;

            byte[] manifest = TarballBuilder.manifest(NAME, VERSION).getBytes(StandardCharsets.UTF_8);
            byte[] head = concat(header(ROOT + "Cargo.toml", manifest.length), pad(manifest), header(ROOT + "zeros.bin",
                    (long) mebibytes * MIB));
            out.write(deflate(d, head, Deflater.FULL_FLUSH));
            crc.update(head);
            size += head.length;

            byte[] zeros = new byte[MIB];
            byte[] block = deflate(d, zeros, Deflater.FULL_FLUSH);
            for (int i = 0; i < mebibytes; i++) {
                out.write(block);
                if (complete) {
                    crc.update(zeros);
                }
                size += MIB;
            }
            if (complete) {
                byte[] eof = new byte[1024];
                d.setInput(eof);
                d.finish();
                byte[] buf = new byte[4096];
                while (!d.finished()) {
                    out.write(buf, 0, d.deflate(buf));
                }
                crc.update(eof);
                size += eof.length;
                ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                trailer.putInt((int) crc.getValue()).putInt((int) size);
                out.write(trailer.array());
            }
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

        private static byte[] pad(byte[] data) {
            int len = (data.length + 511) / 512 * 512;
            return Arrays.copyOf(data, len);
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                o.writeBytes(p);
            }
            return o.toByteArray();
        }

        private static byte[] deflate(Deflater d, byte[] input, int flush) {
            d.setInput(input);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            do {
                n = d.deflate(buf, 0, buf.length, flush);
                o.write(buf, 0, n);
            } while (n == buf.length || !d.needsInput());
            return o.toByteArray();
        }
    }
}
