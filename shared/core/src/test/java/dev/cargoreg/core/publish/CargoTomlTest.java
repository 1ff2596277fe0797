package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cargoreg.core.testing.DebianCrates;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CargoToml} reads a manifest into the tree a {@code TomlMapper} reads, and refuses what it refuses. */
class CargoTomlTest {
    private static final TomlMapper MAPPER = new TomlMapper();

    private static void assertSameAsMapper(byte[] toml, String what) {
        JsonNode expected;
        try {
            expected = MAPPER.readTree(toml);
        } catch (IOException e) {
            assertThrows(IOException.class, () -> CargoToml.read(toml), () -> "the mapper refused " + what);
            return;
        }
        try {
            assertEquals(expected, CargoToml.read(toml), what);
        } catch (IOException e) {
            throw new AssertionError("the mapper read " + what + " but CargoToml refused it", e);
        }
    }

    @Test
    void every_toml_type_is_read_as_the_mapper_reads_it() {
        for (String toml : List.of("", "[package]\nname = \"a\"\nversion = \"1.0.0\"\n",
                "a = 1\nb = 2147483648\nc = 9223372036854775807\nd = 0x7f\ne = 0o17\nf = 0b101\ng = 1_000\n",
                "h = 3.14\ni = -0.0\nj = 1e308\nk = inf\nl = -inf\nm = nan\nn = 6.626e-34\n",
                "t = true\nu = false\ns = 'literal \\ '\nml = \"\"\"\nmulti\nline\"\"\"\nesc = \"\\u00e9\\t\"\n",
                "odt = 1979-05-27T07:32:00Z\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00\n",
                "[dependencies]\nserde = { version = \"1\", features = [\"derive\"], optional = true }\n"
                        + "[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[[bin]]\nname = \"x\"\n[[bin]]\nname = \"y\"\n",
                "a.b.c = 1\n[x.y]\nz = [1, [2, 3], { w = [] }]\n")) {
            assertSameAsMapper(toml.getBytes(StandardCharsets.UTF_8), toml);
        }
    }

    @Test
    void what_the_mapper_refuses_is_refused() {
        for (String toml : List.of("[package", "a = ", "a = 1\na = 2\n", "[t]\n[t]\n", "a = \"unterminated", "= 1",
                "a = 1979-13-45", "a = [1,,2]", "a = {b = 1,}")) {
            assertSameAsMapper(toml.getBytes(StandardCharsets.UTF_8), toml);
        }
        assertSameAsMapper(new byte[] {'a', '=', '"', (byte) 0xff, '"'}, "invalid UTF-8");
    }

    @Test
    void every_real_crates_manifest_is_read_as_the_mapper_reads_it() throws IOException {
        if (!Files.isDirectory(DebianCrates.SOURCES)) {
            // .ci/run installs them; a machine without them still runs the cases above
            return;
        }
        int n = 0;
        for (String dir : DebianCrates.all()) {
            for (String name : List.of("Cargo.toml", "Cargo.toml.orig")) {
                Path f = DebianCrates.SOURCES.resolve(dir).resolve(name);
                if (Files.isRegularFile(f)) {
                    assertSameAsMapper(Files.readAllBytes(f), f.toString());
                    n++;
                }
            }
        }
        assertTrue(n > 50, "only " + n + " manifests under " + DebianCrates.SOURCES);
    }
}
