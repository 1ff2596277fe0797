package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Every crate's summary in memory, searched by name, description and keywords. Not thread-safe by itself;
 * {@link SearchService} guards it.
 *
 * <p>The index is columns, not objects: sorted by canonical name, one contiguous string per searched field (names,
 * keywords, descriptions, categories), where {@code String.indexOf} runs at memory bandwidth and a hit's offset maps
 * back to its crate by binary search; times and counts in primitive arrays; what a result shows encoded in one byte
 * array and decoded only for the crates on the page. Walking 150,000 small objects per query was bound by memory
 * latency, and building them cost a cold instance seconds: these columns are what the search snapshot stores
 * ({@link SearchSnapshotCodec}), so a cold instance adopts them with a few bulk copies instead of building anything.
 * Changes wait in {@link #pending} and are merged in one pass by {@link #rebuild()}, which copies the untouched runs
 * between them in bulk.
 */
final class SearchIndex {
    /** One crate as a result shows it. */
    record Doc(String canonical, String name, CrateSummary summary, Instant created, Instant updated) {
    }

    enum Sort {
        RELEVANCE, ALPHABETICAL, RECENT_UPDATES, NEW, DOWNLOADS, RECENT_DOWNLOADS
    }

    record Hit(Doc doc, int rank, SearchSource.Downloads downloads) {
    }

    record Page(List<Hit> hits, int total) {
    }

    /** The built state, as the snapshot stores it; arrays are shared, not copied. */
    record Columns(int size, String names, int[] nameStarts, String keywords, int[] keywordStarts,
                   String descriptions, int[] descriptionStarts, String categories, int[] categoryStarts,
                   long[] createdSec, int[] createdNano, long[] updatedSec, int[] updatedNano,
                   byte[] display, int[] displayStarts,
                   long[] totalDownloads, long[] recentDownloads, long[] countedSec, int[] countedNano,
                   int[] byUpdated, int[] byCreated, int[] byDownloads, int[] byRecentDownloads,
                   List<SearchSource.Entry> unplacedCounts) {
    }

    /** Seconds of an absent time (sorts last in a newest-first order). */
    static final long NO_TIME = Long.MIN_VALUE;
    private static final SearchSource.Downloads NONE = new SearchSource.Downloads(0, 0);

    private record Counted(SearchSource.Downloads downloads, Instant at) {
    }

    private record Removal(Instant at) {
    }

    // the built columns; slot i is the i-th crate by canonical name; each field's text is followed by '\n'
    private int n;
    /**
     * A term is looked for in the lines of the remaining candidates only when they are at most 1/{@code withinDivisor}
     * of all crates; otherwise the whole column is scanned. Package-private so that a test can force either path.
     */
    int withinDivisor = 16;
    private String names = "\n";
    private int[] nameStarts = new int[0];
    private String keywords = "";
    private int[] keywordStarts = new int[0];
    private String descriptions = "";
    private int[] descriptionStarts = new int[0];
    private String categories = "";
    private int[] categoryStarts = new int[0];
    private long[] createdSec = new long[0];
    private int[] createdNano = new int[0];
    private long[] updatedSec = new long[0];
    private int[] updatedNano = new int[0];
    private byte[] display = new byte[0];
    private int[] displayStarts = {0};
    private long[] totalDownloads = new long[0];
    private long[] recentDownloads = new long[0];
    private long[] countedSec = new long[0];
    private int[] countedNano = new int[0];
    private int[] byUpdated = new int[0];
    private int[] byCreated = new int[0];
    private int[] byDownloads = new int[0];
    private int[] byRecentDownloads = new int[0];

    /** Changes not merged yet, by canonical name: a {@link Doc} or a {@link Removal}. */
    private final TreeMap<String, Object> pending = new TreeMap<>();
    private final Map<String, Instant> removedAt = new HashMap<>();
    /** Counts of crates that have no slot (counted before their summary arrived, or removed). */
    private final Map<String, Counted> unplaced = new HashMap<>();
    /** Only counts changed: the two download orders are re-sorted, the text columns stay. */
    private boolean countsDirty;

    /** Crates in the built columns (changes count once {@link #rebuild()} has merged them). */
    int size() {
        return n;
    }

    /** Applies an entry unless a newer one for the same crate was applied already. */
    void apply(SearchSource.Entry e) {
        String c = e.canonicalName();
        if (e.isCounts()) {
            int slot = find(c);
            if (slot >= 0) {
                Instant had = instant(countedSec, countedNano, slot);
                if (had == null || e.updatedAt() == null || !e.updatedAt().isBefore(had)) {
                    totalDownloads[slot] = e.downloads().total();
                    recentDownloads[slot] = e.downloads().recent();
                    setInstant(countedSec, countedNano, slot, e.updatedAt());
                    countsDirty = true;
                }
            } else {
                Counted had = unplaced.get(c);
                if (had == null || e.updatedAt() == null || had.at() == null || !e.updatedAt().isBefore(had.at())) {
                    unplaced.put(c, new Counted(e.downloads(), e.updatedAt()));
                    countsDirty = true;
                }
            }
            return;
        }
        Instant seen = seen(c);
        if (seen != null && e.updatedAt() != null && e.updatedAt().isBefore(seen)) {
            return;
        }
        if (e.removed()) {
            pending.put(c, new Removal(e.updatedAt()));
            removedAt.put(c, e.updatedAt());
            return;
        }
        removedAt.remove(c);
        pending.put(c, new Doc(c, e.name(), e.summary(), e.createdAt(), e.updatedAt()));
    }

    /** When the crate last changed as far as this index knows (pending changes first), or null. */
    private Instant seen(String canonical) {
        Object p = pending.get(canonical);
        if (p instanceof Doc d) {
            return d.updated();
        }
        if (p instanceof Removal r) {
            return r.at();
        }
        int slot = find(canonical);
        return slot >= 0 ? instant(updatedSec, updatedNano, slot) : removedAt.get(canonical);
    }

    /**
     * {@code keyword} (exact, case-insensitive) and {@code category} (the slug or any of its subcategories, `a` matching
     * `a::b`), as crates.io filters; null for no filter.
     */
    Page query(String q, String keyword, String category, Sort sort, int page, int perPage) {
        String[] terms = q == null || q.isBlank() ? new String[0] : q.trim().toLowerCase(Locale.ROOT).split("\\s+");
        String whole = q == null ? "" : CrateName.canonical(q.trim());
        if (dirty()) {
            rebuild();
        }
        BitSet cand = new BitSet(n);
        cand.set(0, n);
        if (keyword != null || category != null) {
            String k = keyword == null ? null : keyword.toLowerCase(Locale.ROOT);
            String cat = category == null ? null : category.toLowerCase(Locale.ROOT);
            for (int i = 0; i < n; i++) {
                if ((k != null && !hasToken(keywords, keywordStarts[i], end(keywordStarts, keywords, i), k, false))
                        || (cat != null && !hasToken(categories, categoryStarts[i], end(categoryStarts, categories, i), cat, true))) {
                    cand.clear(i);
                }
            }
        }
        BitSet allName = (BitSet) cand.clone();
        BitSet allNameOrKeyword = (BitSet) cand.clone();
        for (String t : terms) {
            BitSet inName = new BitSet(n);
            BitSet inKeyword = new BitSet(n);
            BitSet inDescription = new BitSet(n);
            if ((long) cand.cardinality() * withinDivisor <= n) {
                // few crates left in the running (a rare term before this one, a keyword filter): look at their lines
                // only, instead of scanning 150,000 descriptions again for a term whose other hits cannot count
                markWithin(names, nameStarts, CrateName.canonical(t), cand, inName);
                markWithin(keywords, keywordStarts, t, cand, inKeyword);
                markWithin(descriptions, descriptionStarts, t, cand, inDescription);
            } else {
                mark(names, nameStarts, CrateName.canonical(t), inName);
                mark(keywords, keywordStarts, t, inKeyword);
                mark(descriptions, descriptionStarts, t, inDescription);
            }
            allName.and(inName);
            inKeyword.or(inName);
            allNameOrKeyword.and(inKeyword);
            inDescription.or(inKeyword);
            cand.and(inDescription);
            if (cand.isEmpty()) {
                break;
            }
        }
        // the rank buckets of the old scan, as sets: 0 exact name, 1 name prefix, 2 all in name, 3 name or keywords, 4 any
        BitSet[] buckets = new BitSet[5];
        for (int i = 0; i < 5; i++) {
            buckets[i] = new BitSet(n);
        }
        if (whole.isEmpty()) {
            buckets[4].or(cand);
        } else {
            int exact = find(whole);
            if (exact >= 0 && cand.get(exact)) {
                buckets[0].set(exact);
            }
            markPrefix(whole, buckets[1]);
            buckets[1].and(cand);
            buckets[1].andNot(buckets[0]);
            BitSet seen = (BitSet) buckets[0].clone();
            seen.or(buckets[1]);
            buckets[2].or(allName);
            buckets[2].and(cand);
            buckets[2].andNot(seen);
            seen.or(buckets[2]);
            buckets[3].or(allNameOrKeyword);
            buckets[3].and(cand);
            buckets[3].andNot(seen);
            seen.or(buckets[3]);
            buckets[4].or(cand);
            buckets[4].andNot(seen);
        }
        int total = cand.cardinality();
        int from = (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * perPage);
        List<Hit> out = new ArrayList<>(Math.min(perPage, 128));
        IntPredicate take = slot -> {
            out.add(new Hit(doc(slot), rankOf(slot, buckets),
                    new SearchSource.Downloads(totalDownloads[slot], recentDownloads[slot])));
            return out.size() >= perPage;
        };
        int[] skipped = {0};
        IntPredicate visit = slot -> {
            if (skipped[0] < from) {
                skipped[0]++;
                return false;
            }
            return take.test(slot);
        };
        // an exact name match always comes first, whatever the order
        boolean done = false;
        for (int i = buckets[0].nextSetBit(0); i >= 0 && !done; i = buckets[0].nextSetBit(i + 1)) {
            done = visit.test(i);
        }
        BitSet rest = (BitSet) cand.clone();
        rest.andNot(buckets[0]);
        switch (sort) {
            case RELEVANCE -> {
                for (int b = 1; b < 5 && !done; b++) {
                    BitSet bucket = b == 4 && whole.isEmpty() ? rest : buckets[b];
                    for (int i = bucket.nextSetBit(0); i >= 0 && !done; i = bucket.nextSetBit(i + 1)) {
                        done = visit.test(i);
                    }
                }
            }
            case ALPHABETICAL -> {
                for (int i = rest.nextSetBit(0); i >= 0 && !done; i = rest.nextSetBit(i + 1)) {
                    done = visit.test(i);
                }
            }
            case RECENT_UPDATES, NEW, DOWNLOADS, RECENT_DOWNLOADS -> {
                int[] order = switch (sort) {
                    case NEW -> byCreated;
                    case DOWNLOADS -> byDownloads;
                    case RECENT_DOWNLOADS -> byRecentDownloads;
                    default -> byUpdated;
                };
                for (int slot : order) {
                    if (done) {
                        break;
                    }
                    if (rest.get(slot)) {
                        done = visit.test(slot);
                    }
                }
            }
        }
        return new Page(out, total);
    }

    Page query(String q, Sort sort, int page, int perPage) {
        return query(q, null, null, sort, page, perPage);
    }

    /** A space-separated token of {@code s[from, to)} equal to {@code t} (or, for categories, below it: `t::…`). */
    private static boolean hasToken(String s, int from, int to, String t, boolean orChild) {
        int i = from;
        while (i < to) {
            int sp = s.indexOf(' ', i);
            int e = sp < 0 || sp > to ? to : sp;
            int len = e - i;
            if (len == t.length() && s.regionMatches(i, t, 0, len)) {
                return true;
            }
            if (orChild && len > t.length() + 2 && s.regionMatches(i, t, 0, t.length())
                    && s.startsWith("::", i + t.length())) {
                return true;
            }
            i = e + 1;
        }
        return false;
    }

    private static int rankOf(int slot, BitSet[] buckets) {
        for (int b = 0; b < buckets.length; b++) {
            if (buckets[b].get(slot)) {
                return b;
            }
        }
        return 4;
    }

    /** Rebuilding needs the write lock: {@link SearchService} queries under it when the index is dirty. */
    boolean dirty() {
        return !pending.isEmpty() || countsDirty;
    }

    void rebuild() {
        if (!pending.isEmpty()) {
            merge();
        }
        if (countsDirty) {
            byDownloads = orderByCount(totalDownloads);
            byRecentDownloads = orderByCount(recentDownloads);
            countsDirty = false;
        }
    }

    /** The pending changes and the untouched runs between them, in name order, into new columns. */
    private void merge() {
        Builder b = new Builder(n + pending.size());
        int i = 0;
        for (Map.Entry<String, Object> p : pending.entrySet()) {
            String key = p.getKey();
            int at = find(key);
            int pos = at >= 0 ? at : -at - 1;
            b.copy(i, pos);
            i = at >= 0 ? at + 1 : pos;
            Counted counts = at >= 0 ? counted(at) : null;
            if (p.getValue() instanceof Doc d) {
                b.add(d, counts != null ? counts : unplaced.remove(key));
            } else if (counts != null) {
                unplaced.put(key, counts);
            }
        }
        b.copy(i, n);
        pending.clear();
        b.install();
        byUpdated = newestFirst(updatedSec, updatedNano);
        byCreated = newestFirst(createdSec, createdNano);
        countsDirty = true;
    }

    private Counted counted(int slot) {
        Instant at = instant(countedSec, countedNano, slot);
        if (at == null && totalDownloads[slot] == 0 && recentDownloads[slot] == 0) {
            return null;
        }
        return new Counted(new SearchSource.Downloads(totalDownloads[slot], recentDownloads[slot]), at);
    }

    /** New columns: runs of old slots copied in bulk, new crates encoded. */
    private final class Builder {
        private int k;
        private final StringBuilder nm = new StringBuilder(names.length() + 64).append('\n');
        private final StringBuilder kw = new StringBuilder(keywords.length() + 64);
        private final StringBuilder ds = new StringBuilder(descriptions.length() + 64);
        private final StringBuilder ct = new StringBuilder(categories.length() + 64);
        private final ByteArrayOutputStream disp = new ByteArrayOutputStream(display.length + 256);
        private final int[] nmS;
        private final int[] kwS;
        private final int[] dsS;
        private final int[] ctS;
        private final int[] dispS;
        private final long[] cSec;
        private final int[] cNano;
        private final long[] uSec;
        private final int[] uNano;
        private final long[] tot;
        private final long[] rec;
        private final long[] atSec;
        private final int[] atNano;

        Builder(int cap) {
            nmS = new int[cap];
            kwS = new int[cap];
            dsS = new int[cap];
            ctS = new int[cap];
            dispS = new int[cap + 1];
            cSec = new long[cap];
            cNano = new int[cap];
            uSec = new long[cap];
            uNano = new int[cap];
            tot = new long[cap];
            rec = new long[cap];
            atSec = new long[cap];
            atNano = new int[cap];
        }

        /** Old slots [from, to), unchanged. */
        void copy(int from, int to) {
            if (from >= to) {
                return;
            }
            run(nm, names, nameStarts, nmS, from, to);
            run(kw, keywords, keywordStarts, kwS, from, to);
            run(ds, descriptions, descriptionStarts, dsS, from, to);
            run(ct, categories, categoryStarts, ctS, from, to);
            int base = disp.size();
            disp.write(display, displayStarts[from], displayStarts[to] - displayStarts[from]);
            for (int j = from; j < to; j++) {
                dispS[k + j - from] = displayStarts[j] - displayStarts[from] + base;
            }
            int len = to - from;
            System.arraycopy(createdSec, from, cSec, k, len);
            System.arraycopy(createdNano, from, cNano, k, len);
            System.arraycopy(updatedSec, from, uSec, k, len);
            System.arraycopy(updatedNano, from, uNano, k, len);
            System.arraycopy(totalDownloads, from, tot, k, len);
            System.arraycopy(recentDownloads, from, rec, k, len);
            System.arraycopy(countedSec, from, atSec, k, len);
            System.arraycopy(countedNano, from, atNano, k, len);
            k += len;
        }

        private void run(StringBuilder out, String text, int[] starts, int[] newStarts, int from, int to) {
            int base = out.length();
            int begin = starts[from];
            out.append(text, begin, to < n ? starts[to] : text.length());
            for (int j = from; j < to; j++) {
                newStarts[k + j - from] = starts[j] - begin + base;
            }
        }

        void add(Doc d, Counted counts) {
            CrateSummary s = d.summary();
            nmS[k] = nm.length();
            nm.append(d.canonical()).append('\n');
            kwS[k] = kw.length();
            kw.append(text(String.join(" ", s.keywords()))).append('\n');
            dsS[k] = ds.length();
            ds.append(text(s.description())).append('\n');
            ctS[k] = ct.length();
            ct.append(text(String.join(" ", s.categories()))).append('\n');
            dispS[k] = disp.size();
            encodeDisplay(disp, d);
            setInstant(cSec, cNano, k, d.created());
            setInstant(uSec, uNano, k, d.updated());
            tot[k] = counts == null ? 0 : counts.downloads().total();
            rec[k] = counts == null ? 0 : counts.downloads().recent();
            setInstant(atSec, atNano, k, counts == null ? null : counts.at());
            k++;
        }

        void install() {
            n = k;
            names = nm.toString();
            keywords = kw.toString();
            descriptions = ds.toString();
            categories = ct.toString();
            nameStarts = Arrays.copyOf(nmS, k);
            keywordStarts = Arrays.copyOf(kwS, k);
            descriptionStarts = Arrays.copyOf(dsS, k);
            categoryStarts = Arrays.copyOf(ctS, k);
            display = disp.toByteArray();
            dispS[k] = display.length;
            displayStarts = Arrays.copyOf(dispS, k + 1);
            createdSec = Arrays.copyOf(cSec, k);
            createdNano = Arrays.copyOf(cNano, k);
            updatedSec = Arrays.copyOf(uSec, k);
            updatedNano = Arrays.copyOf(uNano, k);
            totalDownloads = Arrays.copyOf(tot, k);
            recentDownloads = Arrays.copyOf(rec, k);
            countedSec = Arrays.copyOf(atSec, k);
            countedNano = Arrays.copyOf(atNano, k);
        }
    }

    /** Searched text: lowercased, on one line. */
    private static String text(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replace('\n', ' ');
    }

    /** Slot {@code slot} as a result shows it, decoded from the display column. */
    Doc doc(int slot) {
        String canonical = names.substring(nameStarts[slot], end(nameStarts, names, slot));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(display, displayStarts[slot],
                displayStarts[slot + 1] - displayStarts[slot]))) {
            String name = readString(in);
            CrateSummary s = new CrateSummary(readString(in), readString(in), readString(in), readString(in),
                    readList(in), readList(in), readString(in), readString(in), readString(in), readVarint(in),
                    in.readBoolean());
            return new Doc(canonical, name, s, instant(createdSec, createdNano, slot), instant(updatedSec, updatedNano, slot));
        } catch (IOException e) {
            throw new IllegalStateException("damaged search index entry for `" + canonical + "`", e);
        }
    }

    private static void encodeDisplay(ByteArrayOutputStream bytes, Doc d) {
        CrateSummary s = d.summary();
        try {
            DataOutputStream out = new DataOutputStream(bytes);
            writeString(out, d.name());
            writeString(out, s.description());
            writeString(out, s.homepage());
            writeString(out, s.documentation());
            writeString(out, s.repository());
            writeList(out, s.keywords());
            writeList(out, s.categories());
            writeString(out, s.maxVersion());
            writeString(out, s.maxStableVersion());
            writeString(out, s.newestVersion());
            writeVarint(out, s.numVersions());
            out.writeBoolean(s.allYanked());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lengths and counts as unsigned varints (one byte below 128): most of a display record is short strings. */
    private static void writeVarint(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint too long");
    }

    /** Null as 0, else the UTF-8 length + 1, then the bytes. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            writeVarint(out, 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, b.length + 1L);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        long len = readVarint(in);
        if (len == 0) {
            return null;
        }
        if (len - 1 > in.available()) {
            throw new IOException("string longer than its record");
        }
        return new String(in.readNBytes((int) (len - 1)), StandardCharsets.UTF_8);
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        writeVarint(out, list.size());
        for (String s : list) {
            writeString(out, s);
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        long size = readVarint(in);
        if (size > in.available()) {
            throw new IOException("list longer than its record");
        }
        List<String> out = new ArrayList<>((int) size);
        for (int i = 0; i < size; i++) {
            out.add(readString(in));
        }
        return out;
    }

    /** Every crate and every count this index holds, as entries (for tests and the snapshot's compatibility form). */
    List<SearchSource.Entry> entries() {
        if (dirty()) {
            rebuild();
        }
        List<SearchSource.Entry> out = new ArrayList<>(n * 2);
        List<SearchSource.Entry> counts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Doc d = doc(i);
            out.add(new SearchSource.Entry(d.canonical(), d.name(), d.summary(), d.created(), d.updated(), false));
            Counted c = counted(i);
            if (c != null) {
                counts.add(SearchSource.Entry.counts(d.canonical(), c.downloads(), c.at()));
            }
        }
        unplaced.forEach((name, c) -> counts.add(SearchSource.Entry.counts(name, c.downloads(), c.at())));
        out.addAll(counts);
        return out;
    }

    /** The built columns (merging what is pending first). */
    Columns columns() {
        rebuild();
        List<SearchSource.Entry> loose = new ArrayList<>();
        unplaced.forEach((name, c) -> loose.add(SearchSource.Entry.counts(name, c.downloads(), c.at())));
        return new Columns(n, names, nameStarts, keywords, keywordStarts, descriptions, descriptionStarts,
                categories, categoryStarts, createdSec, createdNano, updatedSec, updatedNano, display, displayStarts,
                totalDownloads, recentDownloads, countedSec, countedNano, byUpdated, byCreated, byDownloads,
                byRecentDownloads, loose);
    }

    /**
     * An index over {@code c}, after checking that the columns fit together (a damaged snapshot is refused with an
     * {@link IllegalArgumentException}, never adopted).
     */
    static SearchIndex of(Columns c) {
        int size = c.size();
        require(size >= 0, "negative size");
        checkText("names", c.names(), c.nameStarts(), size, 1);
        checkText("keywords", c.keywords(), c.keywordStarts(), size, 0);
        checkText("descriptions", c.descriptions(), c.descriptionStarts(), size, 0);
        checkText("categories", c.categories(), c.categoryStarts(), size, 0);
        for (int i = 1; i < size; i++) {
            require(compareRegions(c.names(), c.nameStarts(), i - 1, i, size) < 0, "names out of order at slot " + i);
        }
        for (long[] a : List.of(c.createdSec(), c.updatedSec(), c.totalDownloads(), c.recentDownloads(), c.countedSec())) {
            require(a.length == size, "a column has " + a.length + " entries for " + size + " crates");
        }
        for (int[] a : List.of(c.createdNano(), c.updatedNano(), c.countedNano())) {
            require(a.length == size, "a column has " + a.length + " entries for " + size + " crates");
            for (int v : a) {
                require(v >= 0 && v < 1_000_000_000, "nanoseconds out of range");
            }
        }
        int[] ds = c.displayStarts();
        require(ds.length == size + 1 && ds[0] == 0 && ds[size] == c.display().length, "display offsets do not fit");
        for (int i = 1; i <= size; i++) {
            require(ds[i] >= ds[i - 1], "display offsets out of order");
        }
        for (int[] order : List.of(c.byUpdated(), c.byCreated(), c.byDownloads(), c.byRecentDownloads())) {
            requirePermutation(order, size);
        }
        SearchIndex x = new SearchIndex();
        x.n = size;
        x.names = c.names();
        x.nameStarts = c.nameStarts();
        x.keywords = c.keywords();
        x.keywordStarts = c.keywordStarts();
        x.descriptions = c.descriptions();
        x.descriptionStarts = c.descriptionStarts();
        x.categories = c.categories();
        x.categoryStarts = c.categoryStarts();
        x.createdSec = c.createdSec();
        x.createdNano = c.createdNano();
        x.updatedSec = c.updatedSec();
        x.updatedNano = c.updatedNano();
        x.display = c.display();
        x.displayStarts = c.displayStarts();
        x.totalDownloads = c.totalDownloads();
        x.recentDownloads = c.recentDownloads();
        x.countedSec = c.countedSec();
        x.countedNano = c.countedNano();
        x.byUpdated = c.byUpdated();
        x.byCreated = c.byCreated();
        x.byDownloads = c.byDownloads();
        x.byRecentDownloads = c.byRecentDownloads();
        for (SearchSource.Entry e : c.unplacedCounts()) {
            require(x.find(e.canonicalName()) < 0, "counts of `" + e.canonicalName() + "` both placed and not");
            x.unplaced.put(e.canonicalName(), new Counted(e.downloads(), e.updatedAt()));
        }
        return x;
    }

    /** Each field's text is one line per crate, in order; {@code first} is where slot 0 starts (after names' '\n'). */
    private static void checkText(String what, String text, int[] starts, int size, int first) {
        require(starts.length == size, what + ": " + starts.length + " offsets for " + size + " crates");
        require(first == 0 || (!text.isEmpty() && text.charAt(0) == '\n'), what + ": no leading line break");
        if (size == 0) {
            require(text.length() == first, what + ": text without crates");
            return;
        }
        require(starts[0] == first && text.charAt(text.length() - 1) == '\n', what + ": bad start or end");
        for (int i = 1; i < size; i++) {
            require(starts[i] > starts[i - 1] && starts[i] < text.length() && text.charAt(starts[i] - 1) == '\n',
                    what + ": offset " + i + " does not start a line");
        }
    }

    private static void requirePermutation(int[] order, int size) {
        require(order.length == size, "an order has " + order.length + " entries for " + size + " crates");
        BitSet seen = new BitSet(size);
        for (int slot : order) {
            require(slot >= 0 && slot < size && !seen.get(slot), "an order is not a permutation");
            seen.set(slot);
        }
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException("damaged search snapshot: " + why);
        }
    }

    /** Where the text of slot {@code i} ends (before its '\n'). */
    private static int end(int[] starts, String text, int i) {
        return (i + 1 < starts.length ? starts[i + 1] : text.length()) - 1;
    }

    /** The slot of {@code canonical}, or -(insertion point) - 1, by binary search over the names column. */
    private int find(String canonical) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareRegion(names, nameStarts[mid], end(nameStarts, names, mid), canonical);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** {@code text[from, to)} compared with {@code s} as {@link String#compareTo} would. */
    private static int compareRegion(String text, int from, int to, String s) {
        int len = to - from;
        int lim = Math.min(len, s.length());
        for (int i = 0; i < lim; i++) {
            char a = text.charAt(from + i);
            char b = s.charAt(i);
            if (a != b) {
                return a - b;
            }
        }
        return len - s.length();
    }

    private static int compareRegions(String text, int[] starts, int a, int b, int size) {
        int aFrom = starts[a];
        int aTo = (a + 1 < size ? starts[a + 1] : text.length()) - 1;
        int bFrom = starts[b];
        int bTo = (b + 1 < size ? starts[b + 1] : text.length()) - 1;
        int lim = Math.min(aTo - aFrom, bTo - bFrom);
        for (int i = 0; i < lim; i++) {
            char x = text.charAt(aFrom + i);
            char y = text.charAt(bFrom + i);
            if (x != y) {
                return x - y;
            }
        }
        return (aTo - aFrom) - (bTo - bFrom);
    }

    private static Instant instant(long[] sec, int[] nano, int i) {
        return sec[i] == NO_TIME ? null : Instant.ofEpochSecond(sec[i], nano[i]);
    }

    private static void setInstant(long[] sec, int[] nano, int i, Instant t) {
        sec[i] = t == null ? NO_TIME : t.getEpochSecond();
        nano[i] = t == null ? 0 : t.getNano();
    }

    /** Slots newest first (absent times last); ties in slot order, which is by name. A merge sort on primitives. */
    private static int[] newestFirst(long[] sec, int[] nano) {
        int size = sec.length;
        int[] a = new int[size];
        for (int i = 0; i < size; i++) {
            a[i] = i;
        }
        int[] tmp = new int[size];
        for (int width = 1; width < size; width *= 2) {
            for (int lo = 0; lo < size - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, size);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    int x = a[i];
                    int y = a[j];
                    boolean yFirst = sec[y] > sec[x] || (sec[y] == sec[x] && nano[y] > nano[x]);
                    tmp[o++] = yFirst ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[o++] = a[i++];
                }
                while (j < hi) {
                    tmp[o++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return a;
    }

    /** Slots below 2^24 (the snapshot allows 10,000,000 entries); counts above 2^39 (5.5e11) sort as equal. */
    private static final int SLOT_BITS = 24;
    private static final long MAX_SORTED_COUNT = (1L << (63 - SLOT_BITS)) - 1;

    /**
     * Counts change every few minutes, so this runs often: one primitive sort of (count descending, slot) packed in a
     * long, not a comparator over boxed slots (which took 0.5–1.8 s for 150,000 crates on a loaded machine).
     */
    private static int[] orderByCount(long[] count) {
        int size = count.length;
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            long c = Math.max(0, Math.min(count[i], MAX_SORTED_COUNT));
            keys[i] = ((MAX_SORTED_COUNT - c) << SLOT_BITS) | i;
        }
        Arrays.sort(keys);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = (int) (keys[i] & ((1L << SLOT_BITS) - 1));
        }
        return out;
    }

    /** Crates whose canonical name starts with {@code prefix}: names are `\n`-separated, so search for `\n` + prefix. */
    private void markPrefix(String prefix, BitSet hit) {
        String needle = "\n" + prefix;
        int from = 0;
        int slot = 0;
        while (true) {
            int at = names.indexOf(needle, from);
            if (at < 0) {
                return;
            }
            slot = slotFrom(nameStarts, at + 1, slot);
            hit.set(slot);
            from = at + 1;
        }
    }

    private static int slotOf(int[] starts, int offset) {
        int slot = Arrays.binarySearch(starts, offset);
        return slot >= 0 ? slot : -slot - 2;
    }

    /**
     * {@link #slotOf} for a scan whose offsets only grow: the slot is at or after {@code lo}, found by galloping ahead
     * (1, 2, 4, … slots) and a binary search of the last stride. A common term hits most crates, one slot apart, so
     * this is one or two comparisons where a search of the whole array is 17 (and the tail of the warm query times).
     */
    static int slotFrom(int[] starts, int offset, int lo) {
        if (lo < 0 || lo >= starts.length || starts[lo] > offset) {
            return slotOf(starts, offset);
        }
        int hi = lo + 1;
        int step = 1;
        while (hi < starts.length && starts[hi] <= offset) {
            lo = hi;
            step <<= 1;
            hi = lo + step;
        }
        int slot = Arrays.binarySearch(starts, lo, Math.min(hi, starts.length), offset);
        return slot >= 0 ? slot : -slot - 2;
    }

    /** {@link #mark} for the crates of {@code within} only: the same hits among them. */
    private static void markWithin(String haystack, int[] starts, String needle, BitSet within, BitSet hit) {
        if (needle.isEmpty()) {
            return;
        }
        char first = needle.charAt(0);
        int len = needle.length();
        for (int i = within.nextSetBit(0); i >= 0; i = within.nextSetBit(i + 1)) {
            int last = end(starts, haystack, i) - len;
            for (int p = starts[i]; p <= last; p++) {
                if (haystack.charAt(p) == first && haystack.regionMatches(p, needle, 0, len)) {
                    hit.set(i);
                    break;
                }
            }
        }
    }

    private static void mark(String haystack, int[] starts, String needle, BitSet hit) {
        if (needle.isEmpty()) {
            return;
        }
        int from = 0;
        int slot = 0;
        while (true) {
            int at = haystack.indexOf(needle, from);
            if (at < 0) {
                return;
            }
            slot = slotFrom(starts, at, slot);
            hit.set(slot);
            // one hit per crate is enough: skip to the next one
            from = slot + 1 < starts.length ? starts[slot + 1] : haystack.length();
        }
    }
}
