package dev.cargoreg.core.publish.tar;

import java.io.InputStream;
import java.nio.ByteBuffer;

/** Reads a ByteBuffer from its position to its limit, moving the position (pass a duplicate to leave it alone). */
public final class ByteBufferStream extends InputStream {
    private final ByteBuffer buf;

    public ByteBufferStream(ByteBuffer buf) {
        this.buf = buf;
    }

    @Override
    public int read() {
        return buf.hasRemaining() ? buf.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (!buf.hasRemaining()) {
            return -1;
        }
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return buf.remaining();
    }
}
