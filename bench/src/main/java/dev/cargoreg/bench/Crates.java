package dev.cargoreg.bench;

import dev.cargoreg.core.publish.PublishEnvelope;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Publish bodies as cargo sends them: realistic metadata, and a small or an incompressible ~1 MiB .crate. */
final class Crates {
    private Crates() {
    }

    /** What `cargo publish` sends for a typical library crate: three crates.io dependencies, a dep: feature. */
    static String metadata(String name, String version) {
        return "{\"name\":\"" + name + "\",\"vers\":\"" + version + "\",\"deps\":["
                + dep("serde", "^1.0.200", "[\"derive\"]", false, "normal") + ","
                + dep("tokio", "^1.38", "[\"rt\",\"macros\"]", true, "normal") + ","
                + dep("proptest", "^1.4", "[]", false, "dev")
                + "],\"features\":{\"default\":[\"std\"],\"std\":[],\"async\":[\"dep:tokio\"]},"
                + "\"authors\":[\"Bench Author <bench@example.com>\"],"
                + "\"description\":\"A benchmark crate that looks like a real library: serde types and an optional async API\","
                + "\"documentation\":\"https://docs.example.com/" + name + "\",\"homepage\":null,"
                + "\"readme\":\"# " + name + "\\n\\nA crate for the benchmarks.\\n\",\"readme_file\":\"README.md\","
                + "\"keywords\":[\"bench\",\"serde\",\"async\"],\"categories\":[\"development-tools\"],"
                + "\"license\":\"MIT OR Apache-2.0\",\"license_file\":null,"
                + "\"repository\":\"https://git.example.com/team/" + name + "\",\"badges\":{},\"links\":null,"
                + "\"rust_version\":\"1.70\"}";
    }

    private static String dep(String name, String req, String features, boolean optional, String kind) {
        return "{\"optional\":" + optional + ",\"default_features\":true,\"name\":\"" + name + "\",\"features\":" + features
                + ",\"version_req\":\"" + req + "\",\"target\":null,\"kind\":\"" + kind + "\","
                + "\"registry\":\"https://github.com/rust-lang/crates.io-index\"}";
    }

    /**
     * A .crate: Cargo.toml, src/lib.rs, README.md, and, when {@code randomBytes > 0}, a file of that many random bytes
     * (incompressible, so the .crate is about that large).
     */
    static byte[] tarball(String name, String version, int randomBytes, long seed) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(4096, randomBytes + 8192));
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                String dir = name + "-" + version + "/";
                add(tar, dir + "Cargo.toml", ("[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\n"
                        + "edition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\ndescription = \"bench\"\n\n"
                        + "[dependencies]\nserde = { version = \"1.0.200\", features = [\"derive\"] }\n"
                        + "tokio = { version = \"1.38\", optional = true }\n").getBytes(StandardCharsets.UTF_8));
                add(tar, dir + "README.md", ("# " + name + "\n\nA crate for the benchmarks.\n").getBytes(StandardCharsets.UTF_8));
                add(tar, dir + "src/lib.rs", ("//! " + name + "\n" + "pub fn answer() -> u32 { 42 }\n".repeat(40))
                        .getBytes(StandardCharsets.UTF_8));
                if (randomBytes > 0) {
                    byte[] data = new byte[randomBytes];
                    new Random(seed).nextBytes(data);
                    add(tar, dir + "assets/blob.bin", data);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] body(String name, String version, int randomBytes, long seed) {
        return PublishEnvelope.encode(metadata(name, version).getBytes(StandardCharsets.UTF_8),
                tarball(name, version, randomBytes, seed));
    }

    private static void add(TarArchiveOutputStream tar, String path, byte[] b) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setSize(b.length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }
}
