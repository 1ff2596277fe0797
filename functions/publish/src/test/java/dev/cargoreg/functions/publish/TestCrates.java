package dev.cargoreg.functions.publish;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds .crate files and publish envelopes, good and hostile. */
final class TestCrates {
    private final List<Entry> entries = new ArrayList<>();

    record Entry(String path, byte[] content, byte type, String linkTarget) {
    }

    static TestCrates of(String name, String version) {
        return new TestCrates().file(name + "-" + version + "/Cargo.toml", manifest(name, version))
                .file(name + "-" + version + "/src/lib.rs", "pub fn f() {}\n");
    }

    static String manifest(String name, String version) {
        return "[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\nedition = \"2021\"\n";
    }

    TestCrates file(String path, String content) {
        entries.add(new Entry(path, content.getBytes(StandardCharsets.UTF_8), TarConstants.LF_NORMAL, null));
        return this;
    }

    TestCrates entry(String path, byte type, String linkTarget) {
        entries.add(new Entry(path, new byte[0], type, linkTarget));
        return this;
    }

    byte[] tar() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Entry e : entries) {
                    TarArchiveEntry te = new TarArchiveEntry(e.path(), e.type(), true);
                    te.setSize(e.type() == TarConstants.LF_NORMAL ? e.content().length : 0);
                    if (e.linkTarget() != null) {
                        te.setLinkName(e.linkTarget());
                    }
                    te.setModTime(0);
                    tar.putArchiveEntry(te);
                    if (e.type() == TarConstants.LF_NORMAL) {
                        tar.write(e.content());
                    }
                    tar.closeArchiveEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] crate() {
        return gzip(tar());
    }

    static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
                gz.write(raw);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String metadata(String name, String version) {
        return "{\"name\":\"" + name + "\",\"vers\":\"" + version + "\",\"deps\":[],\"features\":{},\"authors\":[],"
                + "\"description\":null,\"keywords\":[],\"categories\":[],\"badges\":{},\"links\":null,\"rust_version\":null}";
    }

    static byte[] envelope(String json, byte[] crate) {
        return dev.cargoreg.core.publish.PublishEnvelope.encode(json.getBytes(StandardCharsets.UTF_8), crate);
    }

    static byte[] envelope(String name, String version) {
        return envelope(metadata(name, version), of(name, version).crate());
    }
}
