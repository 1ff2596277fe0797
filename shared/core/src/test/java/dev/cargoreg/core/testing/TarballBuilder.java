package dev.cargoreg.core.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one builder of `.crate` files (gzip'd tar) for tests, ITs and benchmarks, well-formed or deliberately hostile.
 *
 * <p>Paths are written exactly as given (a leading `/`, `..`, `\` or a trailing `/` are kept); entries of any type,
 * duplicates, PAX and GNU long names (the writer uses PAX for long names and big numbers; {@link #rawEntry} writes
 * any header entry by hand) and files of zeros of any size, streamed so a gzip bomb never sits in memory. Entries
 * made here carry modification time 0, so the same entries always give the same bytes.
 *
 * <p>Nothing is written until {@link #build()} (gzip'd) or {@link #buildTar()} (the bare tar); either may be called
 * more than once.
 */
public final class TarballBuilder {
    private interface Step {
        void writeTo(TarArchiveOutputStream tar) throws IOException;
    }

    private final List<Step> steps = new ArrayList<>();

    private TarballBuilder() {
    }

    /** No entries yet. */
    public static TarballBuilder empty() {
        return new TarballBuilder();
    }

    /** A minimal well-formed crate to add to: `name-version/Cargo.toml` and `name-version/src/lib.rs`. */
    public static TarballBuilder crate(String name, String version) {
        String root = name + "-" + version + "/";
        return empty().file(root + "Cargo.toml", manifest(name, version)).file(root + "src/lib.rs", "pub fn hello() {}\n");
    }

    /** The minimal well-formed crate of {@link #crate(String, String)}, gzip'd. */
    public static byte[] valid(String name, String version) {
        return crate(name, version).build();
    }

    /** A minimal `Cargo.toml` naming this package. */
    public static String manifest(String name, String version) {
        return "[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\nedition = \"2021\"\n";
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

    /** A file at exactly this path (a path ending with `/` makes a directory entry). */
    public TarballBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A file at exactly this path (a path ending with `/` makes a directory entry). */
    public TarballBuilder file(String path, byte[] content) {
        TarArchiveEntry e = entry(path);
        e.setSize(content.length);
        return entry(e, content);
    }

    public TarballBuilder dir(String path) {
        return entry(entry(path.endsWith("/") ? path : path + "/"), new byte[0]);
    }

    /** A regular file of {@code size} zero bytes, streamed so it never sits in memory (a gzip bomb, when large). */
    public TarballBuilder zeros(String path, long size) {
        TarArchiveEntry e = entry(path);
        e.setSize(size);
        steps.add(tar -> {
            tar.putArchiveEntry(e);
            fill(tar, size, (byte) 0);
            tar.closeArchiveEntry();
        });
        return this;
    }

    /**
     * A raw entry of any type whose content is {@code head}, then {@code fillCount} copies of {@code fill}, then
     * {@code tail}, streamed (for GNU long-name and PAX header entries of any size).
     */
    public TarballBuilder rawEntry(String headerName, byte linkFlag, byte[] head, long fillCount, byte fill, byte[] tail) {
        TarArchiveEntry e = new TarArchiveEntry(headerName, linkFlag);
        e.setModTime(0);
        e.setSize(head.length + fillCount + tail.length);
        steps.add(tar -> {
            tar.putArchiveEntry(e);
            tar.write(head);
            fill(tar, fillCount, fill);
            tar.write(tail);
            tar.closeArchiveEntry();
        });
        return this;
    }

    /** An entry of a special type (symlink, hard link, device, fifo...), at exactly this path. */
    public TarballBuilder special(String path, byte linkFlag, String linkTarget) {
        TarArchiveEntry e = new TarArchiveEntry(path, linkFlag, true);
        e.setModTime(0);
        if (linkTarget != null) {
            e.setLinkName(linkTarget);
        }
        e.setSize(0);
        return entry(e, new byte[0]);
    }

    /** An entry made by the caller, written as it is. */
    public TarballBuilder entry(TarArchiveEntry e, byte[] content) {
        steps.add(tar -> {
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        });
        return this;
    }

    /** The `.crate`: the tar, gzip'd. */
    public byte[] build() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(new GzipCompressorOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bare tar, not compressed. */
    public byte[] buildTar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(bytes);
        return bytes.toByteArray();
    }

    private void write(OutputStream out) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Step s : steps) {
                s.writeTo(tar);
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TarArchiveEntry entry(String path) {
        TarArchiveEntry e = new TarArchiveEntry(path, true);
        e.setModTime(0);
        return e;
    }

    private static void fill(TarArchiveOutputStream tar, long count, byte value) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, value);
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            tar.write(chunk, 0, n);
            left -= n;
        }
    }
}
