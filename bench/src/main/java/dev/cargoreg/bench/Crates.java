package dev.cargoreg.bench;

import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Publish bodies as cargo sends them: realistic metadata, and a small or an incompressible ~1 MiB .crate. Built with
 * the test-data toolkit of core's test jar ({@link TarballBuilder}, {@link PublishBodyBuilder}).
 */
final class Crates {
    private static final String CRATES_IO = "https://github.com/rust-lang/crates.io-index";

    private Crates() {
    }

    /** What `cargo publish` sends for a typical library crate: three crates.io dependencies, a dep: feature. */
    static PublishBodyBuilder metadata(String name, String version) {
        return PublishBodyBuilder.bare(name, version)
                .dep(dep("serde", "^1.0.200", List.of("derive"), false, "normal"))
                .dep(dep("tokio", "^1.38", List.of("rt", "macros"), true, "normal"))
                .dep(dep("proptest", "^1.4", List.of(), false, "dev"))
                .feature("default", "std")
                .feature("std")
                .feature("async", "dep:tokio")
                .with("authors", List.of("Bench Author <bench@example.com>"))
                .with("description", "A benchmark crate that looks like a real library: serde types and an optional async API")
                .with("documentation", "https://docs.example.com/" + name)
                .with("homepage", null)
                .with("readme", "# " + name + "\n\nA crate for the benchmarks.\n")
                .with("readme_file", "README.md")
                .with("keywords", List.of("bench", "serde", "async"))
                .with("categories", List.of("development-tools"))
                .with("license", "MIT OR Apache-2.0")
                .with("license_file", null)
                .with("repository", "https://git.example.com/team/" + name)
                .with("badges", Map.of())
                .with("links", null)
                .with("rust_version", "1.70");
    }

    private static Map<String, Object> dep(String name, String req, List<String> features, boolean optional, String kind) {
        Map<String, Object> d = PublishBodyBuilder.dep(name, req);
        d.put("optional", optional);
        d.put("features", features);
        d.put("kind", kind);
        d.put("registry", CRATES_IO);
        return d;
    }

    /**
     * A .crate: Cargo.toml, src/lib.rs, README.md, and, when {@code randomBytes > 0}, a file of that many random bytes
     * (incompressible, so the .crate is about that large).
     */
    static byte[] tarball(String name, String version, int randomBytes, long seed) {
        String dir = name + "-" + version + "/";
        TarballBuilder tar = TarballBuilder.empty()
                .file(dir + "Cargo.toml", "[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\n"
                        + "edition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"bench\"\n\n"
                        + "[dependencies]\nserde = { version = \"1.0.200\", features = [\"derive\"] }\n"
                        + "tokio = { version = \"1.38\", optional = true }\n")
                .file(dir + "README.md", "# " + name + "\n\nA crate for the benchmarks.\n")
                .file(dir + "src/lib.rs", "//! " + name + "\n" + "pub fn answer() -> u32 { 42 }\n".repeat(40));
        if (randomBytes > 0) {
            byte[] data = new byte[randomBytes];
            new Random(seed).nextBytes(data);
            tar.file(dir + "assets/blob.bin", data);
        }
        return tar.build();
    }

    static byte[] body(String name, String version, int randomBytes, long seed) {
        return metadata(name, version).body(tarball(name, version, randomBytes, seed));
    }
}
