package dev.cargoreg.core.search;

import dev.cargoreg.core.port.SearchSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The search index in its built form, in two gzip'd parts (the text columns; the rest) that a reader inflates on two
 * threads: what a cold search instance reads instead of paging through the whole
 * `search` index. It stores {@link SearchIndex.Columns} as they are (text columns as UTF-8; times, counts and the four
 * orders as raw arrays; the line offsets are found again by one scan), so loading is a few bulk reads and no per-crate
 * object: decoding 150,000 crates
 * one object at a time and then building the index took a cold JVM 3–4 s. A private format (never seen outside the
 * registry), versioned by its first bytes, so an instance of another release falls back to the full load instead of
 * misreading it.
 */
public final class SearchSnapshotCodec {
    /** "CRS3": the index's columns. CRS1/CRS2 (one record per crate) are refused: the instance loads everything once. */
    private static final int MAGIC = 0x43525333;
    /** No registry is anywhere near this: a bound so a damaged count cannot make a decoder allocate without end. */
    private static final int MAX_ENTRIES = 10_000_000;
    /** Largest column: far above 10,000,000 crates' descriptions. */
    private static final int MAX_COLUMN_BYTES = Integer.MAX_VALUE - 16;
    /** Magic, crate count, length of the gzip'd text part; then that part, then the gzip'd rest. */
    private static final int HEADER_BYTES = 12;
    /** Columns up to this size are read straight into their array (one copy less); larger ones in steps. */
    private static final int DIRECT_READ_BYTES = 128 << 20;

    private SearchSnapshotCodec() {
    }

    /** The live entries (tombstones are left out) and every download count, as a snapshot. */
    public static byte[] encode(List<SearchSource.Entry> entries) {
        SearchIndex index = new SearchIndex();
        entries.forEach(index::apply);
        return encode(index);
    }

    /** Every entry the snapshot holds: live crates in name order, then download counts. */
    public static List<SearchSource.Entry> decode(byte[] data) {
        return decodeIndex(data).entries();
    }

    static byte[] encode(SearchIndex index) {
        SearchIndex.Columns c = index.columns();
        ByteArrayOutputStream texts = new ByteArrayOutputStream(Math.max(1024, c.descriptions().length() / 3));
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(texts, 1 << 16))) {
            writeText(out, c.names());
            writeText(out, c.keywords());
            writeText(out, c.descriptions());
            writeText(out, c.categories());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, texts.size() + c.display().length / 3));
        try (DataOutputStream head = new DataOutputStream(bytes)) {
            head.writeInt(MAGIC);
            head.writeInt(c.size());
            head.writeInt(texts.size());
            texts.writeTo(head);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes, 1 << 16))) {
            writeLongs(out, c.createdSec());
            writeInts(out, c.createdNano());
            writeLongs(out, c.updatedSec());
            writeInts(out, c.updatedNano());
            out.writeInt(c.display().length);
            out.write(c.display());
            writeInts(out, c.displayStarts());
            writeLongs(out, c.totalDownloads());
            writeLongs(out, c.recentDownloads());
            writeLongs(out, c.countedSec());
            writeInts(out, c.countedNano());
            writeInts(out, c.byUpdated());
            writeInts(out, c.byCreated());
            writeInts(out, c.byDownloads());
            writeInts(out, c.byRecentDownloads());
            out.writeInt(c.unplacedCounts().size());
            for (SearchSource.Entry e : c.unplacedCounts()) {
                out.writeUTF(e.canonicalName());
                out.writeLong(e.updatedAt() == null ? SearchIndex.NO_TIME : e.updatedAt().getEpochSecond());
                out.writeInt(e.updatedAt() == null ? 0 : e.updatedAt().getNano());
                out.writeLong(e.downloads().total());
                out.writeLong(e.downloads().recent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The index, or an {@link IllegalArgumentException} for anything that is not a whole snapshot of this format. */
    static SearchIndex decodeIndex(byte[] data) {
        int n;
        int textsLength;
        try {
            DataInputStream head = new DataInputStream(new ByteArrayInputStream(data));
            if (data.length < HEADER_BYTES || head.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a search snapshot of this format");
            }
            n = head.readInt();
            textsLength = head.readInt();
        } catch (IOException e) {
            throw new IllegalArgumentException("damaged search snapshot: " + e.getMessage(), e);
        }
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IllegalArgumentException("implausible entry count " + n);
        }
        if (textsLength < 0 || textsLength > data.length - HEADER_BYTES) {
            throw new IllegalArgumentException("implausible length of the text part " + textsLength);
        }
        // the two parts inflate on two threads: inflating is most of what a cold load costs
        int count = n;
        CompletableFuture<Texts> texts = CompletableFuture.supplyAsync(() -> readTexts(data, textsLength, count));
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                new ByteArrayInputStream(data, HEADER_BYTES + textsLength, data.length - HEADER_BYTES - textsLength), 1 << 16))) {
            long[] createdSec = readLongs(in, n);
            int[] createdNano = readInts(in, n);
            long[] updatedSec = readLongs(in, n);
            int[] updatedNano = readInts(in, n);
            byte[] display = readBytes(in, in.readInt());
            int[] displayStarts = readInts(in, n + 1);
            long[] total = readLongs(in, n);
            long[] recent = readLongs(in, n);
            long[] countedSec = readLongs(in, n);
            int[] countedNano = readInts(in, n);
            int[] byUpdated = readInts(in, n);
            int[] byCreated = readInts(in, n);
            int[] byDownloads = readInts(in, n);
            int[] byRecentDownloads = readInts(in, n);
            int m = in.readInt();
            if (m < 0 || m > MAX_ENTRIES) {
                throw new IllegalArgumentException("implausible count of download entries " + m);
            }
            List<SearchSource.Entry> loose = new ArrayList<>(Math.min(m, 1024));
            for (int i = 0; i < m; i++) {
                String canonical = in.readUTF();
                long sec = in.readLong();
                int nano = in.readInt();
                if (nano < 0 || nano >= 1_000_000_000) {
                    throw new IllegalArgumentException("nanoseconds out of range");
                }
                Instant at = sec == SearchIndex.NO_TIME ? null : Instant.ofEpochSecond(sec, nano);
                loose.add(SearchSource.Entry.counts(canonical, new SearchSource.Downloads(in.readLong(), in.readLong()), at));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after " + n + " crates");
            }
            Texts t;
            try {
                t = texts.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            return SearchIndex.of(new SearchIndex.Columns(n, t.names, t.nameStarts, t.keywords, t.keywordStarts,
                    t.descriptions, t.descriptionStarts, t.categories, t.categoryStarts, createdSec, createdNano,
                    updatedSec, updatedNano, display, displayStarts, total, recent, countedSec, countedNano, byUpdated,
                    byCreated, byDownloads, byRecentDownloads, loose));
        } catch (IOException | DateTimeException e) {
            throw new IllegalArgumentException("damaged search snapshot: " + e.getMessage(), e);
        }
    }

    /** The four searched text columns and where each crate's line starts in them. */
    private record Texts(String names, int[] nameStarts, String keywords, int[] keywordStarts, String descriptions,
                         int[] descriptionStarts, String categories, int[] categoryStarts) {
    }

    private static Texts readTexts(byte[] data, int length, int n) {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                new ByteArrayInputStream(data, HEADER_BYTES, length), 1 << 16))) {
            String names = readText(in);
            String keywords = readText(in);
            String descriptions = readText(in);
            String categories = readText(in);
            if (in.read() != -1) {
                throw new IllegalArgumentException("damaged search snapshot: trailing bytes after the text columns");
            }
            return new Texts(names, lineStarts(names, n, 1), keywords, lineStarts(keywords, n, 0), descriptions,
                    lineStarts(descriptions, n, 0), categories, lineStarts(categories, n, 0));
        } catch (IOException e) {
            throw new IllegalArgumentException("damaged search snapshot: " + e.getMessage(), e);
        }
    }

    /**
     * Where each of the {@code n} lines of {@code text} starts, from {@code first} on: not stored, since finding the
     * line breaks is one vectorized {@code indexOf} per crate. Too few or too many lines are refused.
     */
    private static int[] lineStarts(String text, int n, int first) {
        int[] starts = new int[n];
        int at = first;
        for (int i = 0; i < n; i++) {
            int nl = text.indexOf('\n', at);
            if (nl < 0) {
                throw new IllegalArgumentException("damaged search snapshot: " + i + " lines for " + n + " crates");
            }
            starts[i] = at;
            at = nl + 1;
        }
        if (at != text.length()) {
            throw new IllegalArgumentException("damaged search snapshot: text after the last crate's line");
        }
        return starts;
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** UTF-8 text; the offsets index its chars, which a round trip keeps (a lone surrogate becomes one `?`). */
    private static String readText(DataInputStream in) throws IOException {
        return new String(readBytes(in, in.readInt()), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in, int len) throws IOException {
        if (len < 0 || len > MAX_COLUMN_BYTES) {
            throw new IllegalArgumentException("implausible column length " + len);
        }
        if (len <= DIRECT_READ_BYTES) {
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }
        // read in steps, so a damaged length fails at the end of the data instead of allocating it all first
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        byte[] buf = new byte[1 << 16];
        int left = len;
        while (left > 0) {
            int r = in.read(buf, 0, Math.min(buf.length, left));
            if (r < 0) {
                throw new IllegalArgumentException("search snapshot ends inside a column");
            }
            out.write(buf, 0, r);
            left -= r;
        }
        return out.toByteArray();
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4);
        b.asIntBuffer().put(a);
        out.write(b.array());
    }

    private static int[] readInts(DataInputStream in, int n) throws IOException {
        int[] a = new int[n];
        ByteBuffer.wrap(readBytes(in, n * 4)).asIntBuffer().get(a);
        return a;
    }

    private static void writeLongs(DataOutputStream out, long[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * 8);
        b.asLongBuffer().put(a);
        out.write(b.array());
    }

    private static long[] readLongs(DataInputStream in, int n) throws IOException {
        long[] a = new long[n];
        ByteBuffer.wrap(readBytes(in, n * 8)).asLongBuffer().get(a);
        return a;
    }
}
