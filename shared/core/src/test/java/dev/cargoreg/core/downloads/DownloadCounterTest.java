package dev.cargoreg.core.downloads;

import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.InMemorySearchSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DownloadCounterTest {
    private final FakeRegistry f = new FakeRegistry().users("alice");
    private final DownloadCounter counter = new DownloadCounter(f.store, f.clock);

    private static AccessLogWriter.Entry get(String path, int status, String at) {
        return new AccessLogWriter.Entry(Instant.parse(at), "192.0.2.1", "GET", "d1.cloudfront.net", path, status, 100, "cargo/1.85.0");
    }

    private static AccessLogWriter.Entry crate(String name, String version, String at) {
        return get("/crates/" + name + "/" + name + "-" + version + ".crate", 200, at);
    }

    private DownloadCounter.Result count(String key, List<AccessLogWriter.Entry> entries) {
        return counter.count(key, new ByteArrayInputStream(AccessLogWriter.gzip(entries)));
    }

    @Test
    void countsPerCrateVersionAndDaySkippingUnknownCrates() {
        f.publish("alice", "Foo-Bar", "1.0.0");
        f.publish("alice", "Foo-Bar", "1.1.0");
        DownloadCounter.Result r = count("cdn-logs/E1.2025-06-01-12.a.gz", List.of(
                crate("Foo-Bar", "1.0.0", "2025-06-01T10:00:00Z"),
                crate("Foo-Bar", "1.0.0", "2025-06-01T23:59:59Z"),
                crate("Foo-Bar", "1.0.0", "2025-06-02T00:00:00Z"),
                crate("Foo-Bar", "1.1.0", "2025-06-02T00:00:01Z"),
                crate("Foo-Bar", "9.9.9", "2025-06-02T00:00:01Z"),
                crate("nope", "1.0.0", "2025-06-02T00:00:01Z"),
                get("/crates/Foo-Bar/Foo-Bar-1.1.0.crate", 404, "2025-06-02T00:00:01Z"),
                get("/mirror/crates/serde/serde-1.0.0.crate", 200, "2025-06-02T00:00:01Z")));
        assertEquals(new DownloadCounter.Result(8, 0, 6, 2, 1, 0), r);
        assertEquals(new MetadataStore.DownloadTotals(4, Map.of("1.0.0", 3L, "1.1.0", 1L)), f.store.downloadTotals("foo_bar"));
        assertEquals(Map.of(LocalDate.parse("2025-06-01"), 2L, LocalDate.parse("2025-06-02"), 2L),
                f.store.dailyDownloads("foo_bar", LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31")));
        assertEquals(0, f.store.downloadTotals("nope").total());
        assertFalse(f.store.findCrate("nope").isPresent(), "counting never creates a crate");
    }

    @Test
    void theSameFileTwiceCountsOnce() {
        f.publish("alice", "foo", "1.0.0");
        List<AccessLogWriter.Entry> log = List.of(crate("foo", "1.0.0", "2025-06-01T10:00:00Z"),
                crate("foo", "1.0.0", "2025-06-01T11:00:00Z"));
        assertEquals(1, count("k1", log).chunksAdded());
        DownloadCounter.Result again = count("k1", log);
        assertEquals(0, again.chunksAdded());
        assertEquals(1, again.chunksAlreadyAdded());
        assertEquals(2, f.store.downloadTotals("foo").total());
        // another file with the same lines is other downloads
        count("k2", log);
        assertEquals(4, f.store.downloadTotals("foo").total());
    }

    @Test
    void aRunStoppedMidFileThenRetriedCountsEachChunkOnce() {
        f.publish("alice", "foo", "1.0.0");
        List<AccessLogWriter.Entry> log = new ArrayList<>();
        // 60 days × 1 version = 60 cells: three chunks of at most 24
        for (int day = 0; day < 60; day++) {
            String at = LocalDate.parse("2025-04-01").plusDays(day) + "T12:00:00Z";
            log.add(crate("foo", "1.0.0", at));
            log.add(crate("foo", "1.0.0", at));
        }
        f.store.failDownloadChunk(1);
        assertThrows(IllegalStateException.class, () -> count("k", log));
        assertEquals(2L * MetadataStore.MAX_DOWNLOAD_COUNTS_PER_CHUNK, f.store.downloadTotals("foo").total(),
                "chunk 0 was added before the crash");
        DownloadCounter.Result retry = count("k", log);
        assertEquals(2, retry.chunksAdded());
        assertEquals(1, retry.chunksAlreadyAdded());
        assertEquals(120, f.store.downloadTotals("foo").total());
        assertEquals(0, count("k", log).chunksAdded());
        assertEquals(120, f.store.downloadTotals("foo").total());
    }

    @Test
    void countedDownloadsReachSearchWithTheNinetyDaySumAndLeaveUpdatedAtAlone() {
        f.publish("alice", "foo", "1.0.0");
        f.publish("alice", "bar", "1.0.0");
        LocalDate today = LocalDate.ofInstant(f.clock.instant(), ZoneOffset.UTC);
        SearchService search = new SearchService(InMemorySearchSource.of(f.store), f.clock, Duration.ofMinutes(1));
        String updatedAt = (String) crates(search.search(Map.of("q", "foo"))).get(0).get("updated_at");

        count("k", List.of(crate("foo", "1.0.0", today.minusDays(100) + "T12:00:00Z"),
                crate("foo", "1.0.0", today.minusDays(89) + "T12:00:00Z"), crate("foo", "1.0.0", today + "T00:00:00Z"),
                crate("bar", "1.0.0", today + "T00:00:00Z")));
        f.clock.advance(Duration.ofMinutes(1));

        List<Map<String, Object>> byDownloads = crates(search.search(Map.of("sort", "downloads")));
        assertEquals(List.of("foo", "bar"), byDownloads.stream().map(c -> c.get("name")).toList());
        assertEquals(3L, byDownloads.get(0).get("downloads"));
        assertEquals(2L, byDownloads.get(0).get("recent_downloads"), "day 100 is outside the 90 days, day 89 inside");
        assertEquals(updatedAt, byDownloads.get(0).get("updated_at"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> crates(Map<String, Object> result) {
        return (List<Map<String, Object>>) result.get("crates");
    }
}
