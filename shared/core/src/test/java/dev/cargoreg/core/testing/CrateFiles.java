package dev.cargoreg.core.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds real `.crate` files (gzip'd tar) for tests, including deliberately hostile ones. */
public final class CrateFiles {
    private CrateFiles() {
    }

    public static String manifest(String name, String version) {
        return "[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\nedition = \"2021\"\n";
    }

    /** A minimal well-formed crate: `name-version/Cargo.toml` and `name-version/src/lib.rs`. */
    public static byte[] valid(String name, String version) {
        String root = name + "-" + version + "/";
        return tar()
                .file(root + "Cargo.toml", manifest(name, version))
                .file(root + "src/lib.rs", "pub fn hello() {}\n")
                .build();
    }

    public static TarBuilder tar() {
        return new TarBuilder();
    }

    /** Gzip-compresses arbitrary bytes (no tar inside). */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static final class TarBuilder {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        TarBuilder() {
            try {
                tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        public TarBuilder file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8));
        }

        public TarBuilder file(String path, byte[] content) {
            TarArchiveEntry e = new TarArchiveEntry(path);
            e.setSize(content.length);
            return entry(e, content);
        }

        public TarBuilder dir(String path) {
            return entry(new TarArchiveEntry(path.endsWith("/") ? path : path + "/"), new byte[0]);
        }

        /** A regular file of {@code size} zero bytes, streamed so it never sits in memory. */
        public TarBuilder zeros(String path, long size) {
            TarArchiveEntry e = new TarArchiveEntry(path);
            e.setSize(size);
            try {
                tar.putArchiveEntry(e);
                byte[] chunk = new byte[64 * 1024];
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    tar.write(chunk, 0, n);
                    left -= n;
                }
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        /**
         * A raw entry of any type whose content is {@code head}, then {@code fillCount} copies of {@code fill}, then
         * {@code tail}, streamed (for GNU long-name and PAX header entries of any size).
         */
        public TarBuilder rawEntry(String headerName, byte linkFlag, byte[] head, long fillCount, byte fill, byte[] tail) {
            TarArchiveEntry e = new TarArchiveEntry(headerName, linkFlag);
            e.setSize(head.length + fillCount + tail.length);
            try {
                tar.putArchiveEntry(e);
                tar.write(head);
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, fill);
                long left = fillCount;
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    tar.write(chunk, 0, n);
                    left -= n;
                }
                tar.write(tail);
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        /** An entry of a special type (symlink, hard link, device, fifo...). */
        public TarBuilder special(String path, byte linkFlag, String linkTarget) {
            TarArchiveEntry e = new TarArchiveEntry(path, linkFlag);
            if (linkTarget != null) {
                e.setLinkName(linkTarget);
            }
            e.setSize(0);
            return entry(e, new byte[0]);
        }

        /** An entry whose name is kept exactly as given (a leading `/` is not stripped). */
        public TarBuilder absoluteFile(String path, String content) {
            TarArchiveEntry e = new TarArchiveEntry(path, true);
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            e.setSize(b.length);
            return entry(e, b);
        }

        public TarBuilder entry(TarArchiveEntry e, byte[] content) {
            try {
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        public byte[] build() {
            try {
                tar.finish();
                tar.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
