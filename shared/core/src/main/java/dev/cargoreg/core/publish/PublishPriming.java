package dev.cargoreg.core.publish;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.json.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Exercises the pure publish path on a made-up crate, so a SnapStart snapshot holds loaded, initialized classes.
 * No I/O, no clock, nothing random.
 */
public final class PublishPriming {
    private PublishPriming() {
    }

    public static void prime() {
        RegistryConfig.Limits limits = RegistryConfig.Limits.defaults();
        String json = "{\"name\":\"priming-crate\",\"vers\":\"1.0.0\",\"deps\":[{\"name\":\"dep\",\"version_req\":\"^1\","
                + "\"features\":[],\"optional\":true,\"default_features\":true,\"target\":null,\"kind\":\"normal\"}],"
                + "\"features\":{\"x\":[\"dep:dep\"]},\"authors\":[],\"description\":null,\"keywords\":[],\"categories\":[],"
                + "\"badges\":{},\"links\":null,\"rust_version\":\"1.70\"}";
        byte[] crate = tarball();
        PublishEnvelope env = PublishEnvelope.parse(PublishEnvelope.encode(json.getBytes(StandardCharsets.UTF_8), crate), limits);
        MetadataValidator validator = new MetadataValidator(limits);
        NewCrateMetadata meta = validator.parse(env.metadataJson());
        validator.validate(meta);
        new TarballInspector(limits).inspect(env.crateBytes(), meta.name(), meta.vers());
        String line = IndexLines.serialize(IndexEntries.of(meta, Digests.sha256Hex(env.crateArray()), Instant.EPOCH));
        IndexLines.render(List.of(new IndexLines.StoredLine(1, line, true)));
        Json.write(Map.of("warnings", Map.of("other", List.of())));
    }

    /** The made-up crate's .crate: {@code priming-crate-1.0.0/Cargo.toml} and {@code src/lib.rs}. */
    private static byte[] tarball() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
                add(tar, "priming-crate-1.0.0/Cargo.toml",
                        "[package]\nname = \"priming-crate\"\nversion = \"1.0.0\"\nedition = \"2021\"\n");
                add(tar, "priming-crate-1.0.0/src/lib.rs", "pub fn it() {}\n");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(TarArchiveOutputStream tar, String path, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setSize(b.length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }
}
