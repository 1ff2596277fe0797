package dev.cargoreg.core.publish.tar;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a .crate (gzip'd tar) with bounded work: decompression stops with {@link UnpackLimitExceeded} once more than
 * {@code maxUnpackedBytes} have been inflated (skipped entries count, as they are inflated too), and long-name or pax
 * headers above their limits stop it with {@link MetadataHeaderTooLarge} before they are buffered. Closing it, or just
 * dropping it, stops decompressing: nothing is read ahead.
 */
public final class GuardedTarReader implements Closeable {
    private final CountingStream counted;
    private final HeaderGuard guard;
    private final TarArchiveInputStream tar;

    /** The bytes are not gzip. */
    public static final class NotGzip extends IOException {
        NotGzip(IOException cause) {
            super("not gzip-compressed", cause);
        }
    }

    private GuardedTarReader(CountingStream counted, HeaderGuard guard) {
        this.counted = counted;
        this.guard = guard;
        this.tar = new TarArchiveInputStream(guard, StandardCharsets.UTF_8.name());
    }

    /**
     * @param crate          read from its position to its limit; the buffer itself is left alone
     * @param maxNameBytes   the largest GNU long name
     * @param maxPaxBytes    the largest pax header
     */
    public static GuardedTarReader open(ByteBuffer crate, long maxUnpackedBytes, long maxNameBytes, long maxPaxBytes)
            throws IOException {
        GzipCompressorInputStream gz;
        try {
            gz = new GzipCompressorInputStream(new ByteBufferStream(crate.duplicate()));
        } catch (IOException e) {
            throw new NotGzip(e);
        }
        CountingStream counted = new CountingStream(gz, maxUnpackedBytes);
        return new GuardedTarReader(counted, new HeaderGuard(counted, maxNameBytes, maxPaxBytes));
    }

    /** The next entry, or null at the end of the archive. */
    public TarArchiveEntry next() throws IOException {
        return tar.getNextEntry();
    }

    /** The current entry's contents (reading it counts towards the limit). */
    public InputStream content() {
        return tar;
    }

    /** Bytes inflated so far: headers, contents and padding. */
    public long unpackedBytes() {
        return counted.count();
    }

    /** The size field of the current entry's own tar header (a pax `size` may say otherwise). */
    public long headerSize() {
        return guard.lastEntrySize();
    }

    /**
     * The current entry's path as its GNU long name or pax header wrote it, when commons-compress rewrote it (dropping
     * a leading {@code /}, for instance) before {@link TarArchiveEntry#getName()}; null when the name is as written.
     */
    public String rewrittenName() {
        return guard.lastEntryRewrittenName();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
