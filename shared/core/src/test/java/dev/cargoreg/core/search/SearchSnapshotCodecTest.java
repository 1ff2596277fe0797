package dev.cargoreg.core.search;

import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.port.SearchSource.Entry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchSnapshotCodecTest {
    private static final Instant T = Instant.parse("2025-06-01T12:00:00.123456789Z");

    private static Entry entry(String name, CrateSummary s) {
        return new Entry(name.toLowerCase().replace('_', '-'), name, s, T, T.plusSeconds(60), false);
    }

    @Test
    void every_field_survives_including_nulls_unicode_and_nanoseconds() {
        List<Entry> in = List.of(
                entry("Serde_Json", new CrateSummary("JSON — für alle 🦀", "https://serde.rs", null, "https://github.com/serde-rs/json",
                        List.of("json", "serde"), List.of("encoding"), "1.0.1", "1.0.1", "1.0.1", 42, false)),
                entry("all-yanked", new CrateSummary(null, null, null, null, List.of(), List.of(), "0.0.0", null, null, 3, true)));

        assertEquals(byName(in), SearchSnapshotCodec.decode(SearchSnapshotCodec.encode(in)));
    }

    /** A snapshot holds crates in canonical-name order (the index's slot order). */
    private static List<Entry> byName(List<Entry> in) {
        return in.stream().sorted(Comparator.comparing(Entry::canonicalName)).toList();
    }

    @Test
    void download_counts_survive() {
        Entry live = entry("a", new CrateSummary("d", null, null, null, List.of(), List.of(), "1.0.0", "1.0.0", "1.0.0", 1, false));
        Entry counts = Entry.counts("a", new SearchSource.Downloads(1234, 56), T);

        assertEquals(List.of(live, counts), SearchSnapshotCodec.decode(SearchSnapshotCodec.encode(List.of(counts, live))));
    }

    @Test
    void a_snapshot_of_the_format_without_counts_is_refused() throws IOException {
        // CRS1: the magic, then no entries; a reader must not take it for a snapshot without downloads
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(0x43525331);
            out.writeInt(0);
        }

        assertThrows(IllegalArgumentException.class, () -> SearchSnapshotCodec.decode(bytes.toByteArray()));
    }

    @Test
    void tombstones_are_left_out() {
        Entry live = entry("a", new CrateSummary("d", null, null, null, List.of(), List.of(), "1.0.0", "1.0.0", "1.0.0", 1, false));
        Entry gone = new Entry("b", "b", null, null, T, true);

        assertEquals(List.of(live), SearchSnapshotCodec.decode(SearchSnapshotCodec.encode(List.of(live, gone))));
    }

    @Test
    void a_large_registry_is_compact() {
        Random random = new Random(1);
        List<Entry> in = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            in.add(entry("crate-" + i, new CrateSummary("A library for " + random.nextInt(1000) + " things", null,
                    "https://docs.rs/crate-" + i, "https://github.com/o/crate-" + i, List.of("k" + random.nextInt(50)),
                    List.of(), "1." + i + ".0", "1." + i + ".0", "1." + i + ".0", 1 + random.nextInt(40), false)));
        }
        byte[] data = SearchSnapshotCodec.encode(in);

        assertEquals(byName(in), SearchSnapshotCodec.decode(data));
        assertTrue(data.length < 20_000 * 40, "well under 40 bytes a crate once compressed: " + data.length);
    }

    @Test
    void anything_but_a_whole_snapshot_is_refused() {
        byte[] good = SearchSnapshotCodec.encode(List.of(entry("a",
                new CrateSummary("d", null, null, null, List.of(), List.of(), "1.0.0", "1.0.0", "1.0.0", 1, false))));

        assertThrows(IllegalArgumentException.class, () -> SearchSnapshotCodec.decode(Arrays.copyOf(good, good.length - 9)));
        assertThrows(IllegalArgumentException.class, () -> SearchSnapshotCodec.decode("not gzip".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> SearchSnapshotCodec.decode(new byte[0]));
    }
}
