package dev.cargoreg.core.publish.tar;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts decompressed bytes and fails as soon as the limit is passed (crates_io_tarball's LimitErrorReader). */
final class CountingStream extends FilterInputStream {
    private final long max;
    private long count;

    CountingStream(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Read instead of skipping, so every decompressed byte is counted.
        return skipByReading(this, n);
    }

    private void add(long n) throws UnpackLimitExceeded {
        count += n;
        if (count > max) {
            throw new UnpackLimitExceeded();
        }
    }

    /** Skips by reading through the stream's own read(), so filters see every byte they are asked to skip. */
    static long skipByReading(InputStream in, long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }
}
