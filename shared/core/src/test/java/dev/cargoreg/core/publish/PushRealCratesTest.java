package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.testing.DebianCrates;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Push and import of real .crate files (Debian's crate sources packed by real `cargo package`): the bytes are kept,
 * the metadata is what cargo sends, and every refusal of `cargo publish` applies to a push.
 */
class PushRealCratesTest {
    private static final String[] USED = {"serde_json-1.0.87", "tokio-1.24.2", "winapi-0.3.9", "compiler_builtins-0.1.70",
            "serde-1.0.152", "futures-util-0.3.21"};
    private static Map<String, Path> crates;

    @BeforeAll
    static void pack() throws Exception {
        String why = DebianCrates.unavailable(USED);
        assumeTrue(why == null, () -> "skipped: " + why);
        crates = DebianCrates.pack(Path.of("target", "debian-crates"), List.of(USED));
    }

    private static byte[] file(String dir) throws Exception {
        return Files.readAllBytes(crates.get(dir));
    }

    private static JsonNode dep(JsonNode line, String name, String kind) {
        for (JsonNode d : line.get("deps")) {
            if (d.get("name").asText().equals(name) && d.get("kind").asText().equals(kind)) {
                return d;
            }
        }
        throw new AssertionError("no " + kind + " dependency " + name + " in " + line);
    }

    @Test
    void aPushKeepsTheFileByteForByteAndIndexesWhatCargoWouldSend() throws Exception {
        FakeRegistry r = new FakeRegistry().users("alice");
        byte[] bytes = file("serde_json-1.0.87");

        PublishService.Result result = r.publisher.push(r.as("alice"), bytes);

        assertEquals("serde_json", result.name());
        assertEquals("1.0.87", result.version());
        assertEquals(Digests.sha256Hex(bytes), result.cksum());
        assertArrayEquals(bytes, r.blobs.get(IndexPaths.crateKey("serde_json", "1.0.87")).orElseThrow().body());
        JsonNode line = r.indexLines("serde_json").get(0);
        assertEquals(Digests.sha256Hex(bytes), line.get("cksum").asText());
        assertEquals("1.36", line.get("rust_version").asText());
        // the semver crate's rendering of `1.0.100`, as cargo sends it; crates.io deps name crates.io's index
        JsonNode serde = dep(line, "serde", "normal");
        assertEquals("^1.0.100", serde.get("req").asText());
        assertFalse(serde.get("default_features").asBoolean());
        assertEquals("https://github.com/rust-lang/crates.io-index", serde.get("registry").asText());
        JsonNode indexmap = dep(line, "indexmap", "normal");
        assertTrue(indexmap.get("optional").asBoolean());
        assertEquals(List.of("std"), List.of(indexmap.get("features").get(0).asText()));
        assertEquals(List.of("derive"), List.of(dep(line, "serde", "dev").get("features").get(0).asText()));
        assertEquals("[\"indexmap\",\"std\"]", line.get("features").get("preserve_order").toString());
        assertEquals("encoding", r.store.findVersion("serde_json", "1.0.87").orElseThrow().details().categories().get(0));
        assertEquals("README.md", r.store.findVersion("serde_json", "1.0.87").orElseThrow().details().readmeFile());
    }

    @Test
    void targetSpecificDependenciesKeepTheirTarget() throws Exception {
        FakeRegistry r = new FakeRegistry().users("alice");
        r.publisher.push(r.as("alice"), file("tokio-1.24.2"));
        JsonNode line = r.indexLines("tokio").get(0);
        assertEquals("cfg(unix)", dep(line, "libc", "normal").get("target").asText());
        assertEquals("cfg(tokio_unstable)", dep(line, "tracing", "normal").get("target").asText());
        assertTrue(dep(line, "tokio-macros", "normal").get("optional").asBoolean());
        assertTrue(dep(line, "loom", "dev").get("target").asText().contains("loom"));
    }

    @Test
    void aPushIsRefusedAsCargoPublishWouldBeAndWritesNothing() throws Exception {
        FakeRegistry r = new FakeRegistry().users("alice", "bob");
        // winapi 0.3.9 has 399 features, over the limit of 300 for a new publish
        RegistryException features = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("alice"), file("winapi-0.3.9")));
        assertEquals(400, features.status());
        assertTrue(features.detail().startsWith("too many features: 399"), features.detail());
        RegistryException reserved = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("alice"), file("compiler_builtins-0.1.70")));
        assertEquals("cannot upload a crate with a reserved name: `compiler_builtins`", reserved.detail());
        // a token without publish-new cannot create a crate by pushing
        RegistryException scope = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("alice", EnumSet.of(Scope.PUBLISH_UPDATE), null), file("serde-1.0.152")));
        assertEquals(403, scope.status());
        assertTrue(scope.detail().contains("publish-new"), scope.detail());
        assertTrue(r.store.findCrate("winapi").isEmpty());
        assertTrue(r.store.findCrate("compiler_builtins").isEmpty());
        assertTrue(r.store.findCrate("serde").isEmpty());
        assertTrue(r.blobs.snapshot().isEmpty(), "nothing written: " + r.blobs.snapshot().keySet());

        r.publisher.push(r.as("alice"), file("serde-1.0.152"));
        RegistryException again = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("alice"), file("serde-1.0.152")));
        assertEquals("crate version `1.0.152` is already uploaded", again.detail());
        RegistryException notOwner = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("bob"), file("serde-1.0.152")));
        assertEquals(403, notOwner.status());
    }

    @Test
    void filesThatAreNotCratesAreRefusedWithTheReason() {
        FakeRegistry r = new FakeRegistry().users("alice");
        RegistryException notGzip = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("alice"), "not a crate".getBytes()));
        assertEquals("uploaded tarball is malformed: it is not gzip-compressed", notGzip.detail());
        byte[] noManifest = TarballBuilder.empty().file("x-1.0.0/src/lib.rs", "").build();
        RegistryException missing = assertThrows(RegistryException.class, () -> r.publisher.push(r.as("alice"), noManifest));
        assertTrue(missing.detail().startsWith("uploaded tarball is missing a `Cargo.toml`"), missing.detail());
        byte[] unpublishable = TarballBuilder.empty().file("x-1.0.0/Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"1.0.0\"\npublish = false\n").build();
        RegistryException publishFalse = assertThrows(RegistryException.class,
                () -> r.publisher.push(r.as("alice"), unpublishable));
        assertTrue(publishFalse.detail().contains("`package.publish` is false"), publishFalse.detail());
        // the directory must be the manifest's name-version, as for a publish
        byte[] misnamed = TarballBuilder.empty().file("y-1.0.0/Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"1.0.0\"\n").build();
        RegistryException wrongDir = assertThrows(RegistryException.class, () -> r.publisher.push(r.as("alice"), misnamed));
        assertEquals(400, wrongDir.status());
        assertTrue(r.blobs.snapshot().isEmpty());
    }

    @Test
    void anAdministratorsImportRelaxesExactlyTheNamedRulesKeepsPubtimeAndIsIdempotent() throws Exception {
        FakeRegistry r = new FakeRegistry().users("alice").admin("root");
        Instant then = Instant.parse("2020-06-05T00:31:33Z");

        RegistryException notAdmin = assertThrows(RegistryException.class,
                () -> r.publisher.importCrate(r.as("alice"), file("winapi-0.3.9"), then));
        assertEquals(403, notAdmin.status());
        assertFalse(r.publisher.importCrate(r.as("root"), file("winapi-0.3.9"), then).alreadyPresent());
        assertFalse(r.publisher.importCrate(r.as("root"), file("compiler_builtins-0.1.70"), null).alreadyPresent());
        assertTrue(r.publisher.importCrate(r.as("root"), file("winapi-0.3.9"), then).alreadyPresent());

        JsonNode line = r.indexLines("winapi").get(0);
        assertEquals(399, line.get("features").size() + (line.has("features2") ? line.get("features2").size() : 0));
        assertEquals("2020-06-05T00:31:33Z", line.get("pubtime").asText());
        assertEquals(Digests.sha256Hex(file("winapi-0.3.9")), line.get("cksum").asText());
        assertEquals(1, r.indexLines("compiler_builtins").size());
        // everything else still applies to an import: a file that is not a crate is refused
        RegistryException bad = assertThrows(RegistryException.class,
                () -> r.publisher.importCrate(r.as("root"), "junk".getBytes(), null));
        assertEquals(400, bad.status());
    }

    @Test
    void everyDebianCrateIsImportedWithItsOwnChecksum() throws Exception {
        List<String> all = DebianCrates.all();
        Map<String, Path> every = DebianCrates.pack(Path.of("target", "debian-crates"), all);
        FakeRegistry r = new FakeRegistry().admin("root");
        Map<String, String> refused = new TreeMap<>();
        List<String> imported = new ArrayList<>();
        for (Map.Entry<String, Path> c : every.entrySet()) {
            byte[] bytes = Files.readAllBytes(c.getValue());
            try {
                r.publisher.importCrate(r.as("root"), bytes, null);
                imported.add(c.getKey());
                String dir = c.getKey();
                String name = dir.replaceFirst("-\\d+\\.\\d+\\.\\d+.*$", "");
                JsonNode line = r.indexLines(name).get(r.indexLines(name).size() - 1);
                assertEquals(Digests.sha256Hex(bytes), line.get("cksum").asText(), dir);
            } catch (RegistryException e) {
                refused.put(c.getKey(), e.detail());
            }
        }
        assertEquals(Map.of(), refused);
        assertEquals(all.size(), imported.size());
        assertNull(DebianCrates.unavailable("tokio-1.24.2"));
    }
}
