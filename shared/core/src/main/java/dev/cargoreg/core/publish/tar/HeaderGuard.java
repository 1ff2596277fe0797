package dev.cargoreg.core.publish.tar;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Follows the tar stream's 512-byte blocks to see each header before commons-compress does, and:
 * <ul>
 * <li>refuses GNU long-name (L, K) and pax (x, g) headers whose data is larger than the limit: commons-compress would
 * read such data into memory whole, so a small upload could claim gigabytes of heap;</li>
 * <li>keeps each real entry's header size, to compare with the size commons-compress took from a pax header;</li>
 * <li>keeps a long name (L) or pax path (x, g) that commons-compress would rewrite before showing it (it drops leading
 * {@code /} and, on Windows, drive letters and backslashes), so that such a path is judged as written, not as
 * rewritten.</li>
 * </ul>
 */
final class HeaderGuard extends FilterInputStream {
    private final long maxNameBytes;
    private final long maxMetadataBytes;
    private final byte[] header = new byte[512];
    private int headerFill;
    private long dataRemaining;
    /** The data of the current L, x or g entry, while it streams past. */
    private byte[] captured;
    private int capturedFill;
    private byte capturedType;
    private String pendingRewritten;
    private String globalRewritten;
    /** The size field of the last header that was not a long-name or pax header. */
    private long lastEntrySize = -1;
    /** The raw long name or pax path of the last real entry, when commons-compress would rewrite it; else null. */
    private String lastEntryRewrittenName;

    HeaderGuard(InputStream in, long maxNameBytes, long maxMetadataBytes) {
        super(in);
        this.maxNameBytes = maxNameBytes;
        this.maxMetadataBytes = maxMetadataBytes;
    }

    long lastEntrySize() {
        return lastEntrySize;
    }

    String lastEntryRewrittenName() {
        return lastEntryRewrittenName;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (dataRemaining > 0) {
            int n = super.read(b, off, (int) Math.min(len, dataRemaining));
            if (n > 0) {
                dataRemaining -= n;
                capture(b, off, n);
            }
            return n;
        }
        int n = super.read(b, off, Math.min(len, 512 - headerFill));
        if (n > 0) {
            System.arraycopy(b, off, header, headerFill, n);
            headerFill += n;
            if (headerFill == 512) {
                headerFill = 0;
                inspect();
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Read instead of skipping, so every header on the way is seen.
        return CountingStream.skipByReading(this, n);
    }

    private void inspect() throws MetadataHeaderTooLarge {
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return;
        }
        long size = size();
        byte type = header[156];
        boolean longName = type == 'L' || type == 'K';
        boolean meta = longName || type == 'x' || type == 'g';
        // a long name's data is the name and its NUL terminator
        if (longName && (size < 0 || size > maxNameBytes + 1)) {
            throw new MetadataHeaderTooLarge(true);
        }
        if (meta && (size < 0 || size > maxMetadataBytes)) {
            throw new MetadataHeaderTooLarge(false);
        }
        if (!meta) {
            lastEntrySize = size;
            lastEntryRewrittenName = pendingRewritten != null ? pendingRewritten : globalRewritten;
            pendingRewritten = null;
        }
        captured = null;
        if (type == 'L' || type == 'x' || type == 'g') {
            // sizes are bounded above: at most the metadata limit
            captured = new byte[(int) size];
            capturedFill = 0;
            capturedType = type;
            if (size == 0) {
                captured();
            }
        }
        dataRemaining = size < 0 ? Long.MAX_VALUE : (size + 511) / 512 * 512;
    }

    private void capture(byte[] b, int off, int n) {
        if (captured == null) {
            return;
        }
        int take = Math.min(n, captured.length - capturedFill);
        System.arraycopy(b, off, captured, capturedFill, take);
        capturedFill += take;
        if (capturedFill == captured.length) {
            captured();
        }
    }

    private void captured() {
        byte[] data = captured;
        captured = null;
        if (capturedType == 'L') {
            int end = data.length;
            while (end > 0 && data[end - 1] == 0) {
                end--;
            }
            String name = new String(data, 0, end, StandardCharsets.UTF_8);
            if (rewritten(name)) {
                pendingRewritten = name;
            }
            return;
        }
        String path = paxPath(data);
        if (path != null && rewritten(path)) {
            if (capturedType == 'g') {
                globalRewritten = path;
            } else {
                pendingRewritten = path;
            }
        }
    }

    /** What commons-compress's TarArchiveEntry.setName would change: leading `/`, drive letters, `\` (on Windows). */
    private static boolean rewritten(String name) {
        return name.startsWith("/") || name.indexOf('\\') >= 0 || (name.length() >= 2 && name.charAt(1) == ':');
    }

    /** The last name-setting record (`path`, `GNU.sparse.name`) of pax data: records are `LEN key=value\n`. */
    private static String paxPath(byte[] data) {
        String found = null;
        int pos = 0;
        while (pos < data.length) {
            int len = 0;
            int i = pos;
            while (i < data.length && data[i] >= '0' && data[i] <= '9' && len < data.length) {
                len = len * 10 + (data[i] - '0');
                i++;
            }
            if (i >= data.length || data[i] != ' ' || len <= i - pos || pos + len > data.length) {
                break; // malformed: commons-compress refuses it
            }
            String record = new String(data, i + 1, pos + len - i - 1, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                if (key.equals("path") || key.equals("GNU.sparse.name")) {
                    String value = record.substring(eq + 1);
                    found = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
                }
            }
            pos += len;
        }
        return found;
    }

    /** The size field: octal digits, or base-256 when the high bit of its first byte is set. -1 if absurd. */
    private long size() {
        if ((header[124] & 0x80) != 0) {
            long v = header[124] & 0x7f;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    return -1;
                }
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = 124; i < 136; i++) {
            byte c = header[i];
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }
}
