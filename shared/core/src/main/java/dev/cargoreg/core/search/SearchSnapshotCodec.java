package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Every live crate's summary in one compact, gzip'd binary form: what a cold search instance reads instead of paging
 * through the whole `search` index. A private format (never seen outside the registry), versioned by its first bytes
 * so an instance of another release falls back to the full load instead of misreading it.
 */
public final class SearchSnapshotCodec {
    /**
     * "CRS2": CRS1 plus a section of download counts. A CRS1 snapshot (no counts) is refused like any other format, so
     * the instance loads everything once and stores a CRS2 one (reading CRS1 would show 0 downloads for an hour).
     */
    private static final int MAGIC = 0x43525332;
    /** No entry is anywhere near this: a bound so a damaged count cannot make a decoder allocate without end. */
    private static final int MAX_ENTRIES = 10_000_000;

    private SearchSnapshotCodec() {
    }

    public static byte[] encode(List<SearchSource.Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, entries.size() * 96));
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes, 1 << 16))) {
            List<SearchSource.Entry> live = entries.stream().filter(e -> !e.removed() && e.summary() != null).toList();
            List<SearchSource.Entry> counts = entries.stream().filter(SearchSource.Entry::isCounts).toList();
            out.writeInt(MAGIC);
            out.writeInt(live.size());
            for (SearchSource.Entry e : live) {
                out.writeUTF(e.canonicalName());
                out.writeUTF(e.name());
                writeInstant(out, e.createdAt());
                writeInstant(out, e.updatedAt());
                CrateSummary s = e.summary();
                writeNullable(out, s.description());
                writeNullable(out, s.homepage());
                writeNullable(out, s.documentation());
                writeNullable(out, s.repository());
                writeList(out, s.keywords());
                writeList(out, s.categories());
                writeNullable(out, s.maxVersion());
                writeNullable(out, s.maxStableVersion());
                writeNullable(out, s.newestVersion());
                out.writeLong(s.numVersions());
                out.writeBoolean(s.allYanked());
            }
            out.writeInt(counts.size());
            for (SearchSource.Entry e : counts) {
                out.writeUTF(e.canonicalName());
                writeInstant(out, e.updatedAt());
                out.writeLong(e.downloads().total());
                out.writeLong(e.downloads().recent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The entries, or an {@link IllegalArgumentException} for anything that is not a whole snapshot of this format. */
    public static List<SearchSource.Entry> decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(new ByteArrayInputStream(data), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a search snapshot of this format");
            }
            int n = in.readInt();
            if (n < 0 || n > MAX_ENTRIES) {
                throw new IllegalArgumentException("implausible entry count " + n);
            }
            List<SearchSource.Entry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String canonical = in.readUTF();
                String name = in.readUTF();
                Instant created = readInstant(in);
                Instant updated = readInstant(in);
                CrateSummary s = new CrateSummary(readNullable(in), readNullable(in), readNullable(in), readNullable(in),
                        readList(in), readList(in), readNullable(in), readNullable(in), readNullable(in), in.readLong(),
                        in.readBoolean());
                out.add(new SearchSource.Entry(canonical, name, s, created, updated, false));
            }
            int m = in.readInt();
            if (m < 0 || m > MAX_ENTRIES) {
                throw new IllegalArgumentException("implausible count of download entries " + m);
            }
            for (int i = 0; i < m; i++) {
                String canonical = in.readUTF();
                Instant at = readInstant(in);
                out.add(SearchSource.Entry.counts(canonical, new SearchSource.Downloads(in.readLong(), in.readLong()), at));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after " + (n + m) + " entries");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("damaged search snapshot: " + e.getMessage(), e);
        }
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        out.writeShort(list.size());
        for (String s : list) {
            out.writeUTF(s);
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }
}
