package dev.cargoreg.core.crates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.MetadataStore.DownloadCount;
import dev.cargoreg.core.testing.FakeRegistry;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The download counts in crates.io's shapes: crate and version JSON, the crate's and a version's per-day downloads. */
class DownloadsApiTest {
    private final FakeRegistry f = new FakeRegistry().users("alice");
    private final CrateReadService service = f.services.crates();
    /** FakeRegistry's clock is at 2025-06-01 (UTC). */
    private final LocalDate today = LocalDate.parse("2025-06-01");

    private void count(String version, LocalDate day, long n) {
        f.store.addDownloads("log-" + version + "-" + day, 0, List.of(new DownloadCount("foo", version, day, n)), FakeRegistry.START);
    }

    private static JsonNode json(Object o) {
        return Json.mapper().valueToTree(o);
    }

    @Test
    void crateAndVersionJsonShowTotalsAndTheLast90Days() {
        f.publish("alice", "foo", "1.0.0");
        f.publish("alice", "foo", "1.1.0");
        count("1.0.0", today, 2);
        count("1.0.0", today.minusDays(89), 3);
        count("1.0.0", today.minusDays(90), 100); // older than 90 days: in the total, not in recent_downloads
        count("1.1.0", today.minusDays(1), 5);

        JsonNode crate = json(service.crate("foo"));
        assertEquals(110, crate.at("/crate/downloads").asLong());
        assertEquals(10, crate.at("/crate/recent_downloads").asLong());
        assertEquals("/api/v1/crates/foo/downloads", crate.at("/crate/links/version_downloads").asText());
        assertEquals("1.1.0", crate.at("/versions/0/num").asText());
        assertEquals(5, crate.at("/versions/0/downloads").asLong());
        assertEquals(105, crate.at("/versions/1/downloads").asLong());
        assertEquals("/api/v1/crates/foo/1.0.0/downloads", crate.at("/versions/1/links/version_downloads").asText());
        assertEquals(105, json(service.version("foo", "1.0.0")).at("/version/downloads").asLong());
        assertEquals(5, json(service.versions("foo")).at("/versions/0/downloads").asLong());
    }

    @Test
    void aCrateNeverDownloadedShowsZeros() {
        f.publish("alice", "foo", "1.0.0");
        JsonNode crate = json(service.crate("foo"));
        assertEquals(0, crate.at("/crate/downloads").asLong());
        assertEquals(0, crate.at("/crate/recent_downloads").asLong());
        assertEquals(0, crate.at("/versions/0/downloads").asLong());
        JsonNode list = json(service.crateDownloads("foo"));
        assertEquals(0, list.get("version_downloads").size());
        assertEquals(0, list.at("/meta/extra_downloads").size());
    }

    @Test
    void crateDownloadsListTheFiveHighestVersionsAndTheRestAsExtra() {
        List<String> versions = List.of("0.1.0", "0.2.0", "1.0.0-rc.1", "1.0.0", "1.0.1", "2.0.0", "0.10.0");
        for (String v : versions) {
            f.publish("alice", "foo", v);
        }
        for (String v : versions) {
            count(v, today, 1);
            count(v, today.minusDays(3), 10);
        }
        count("2.0.0", today.minusDays(120), 1000); // outside the 90 days

        JsonNode list = json(service.crateDownloads("foo"));
        // the five highest by SemVer: 2.0.0, 1.0.1, 1.0.0, 1.0.0-rc.1, 0.10.0; 0.2.0 and 0.1.0 are extra
        assertEquals(10, list.get("version_downloads").size());
        List<Long> ids = new ArrayList<>();
        for (String v : List.of("2.0.0", "1.0.1", "1.0.0", "1.0.0-rc.1", "0.10.0")) {
            ids.add(json(service.version("foo", v)).at("/version/id").asLong());
        }
        JsonNode first = list.get("version_downloads").get(0);
        assertEquals(today.minusDays(3).toString(), first.get("date").asText());
        assertEquals(10, first.get("downloads").asLong());
        for (JsonNode d : list.get("version_downloads")) {
            assertEquals(true, ids.contains(d.get("version").asLong()), d.toString());
        }
        assertEquals(today.toString(), list.get("version_downloads").get(9).get("date").asText());
        JsonNode extra = list.at("/meta/extra_downloads");
        assertEquals(2, extra.size());
        assertEquals(today.minusDays(3).toString(), extra.get(0).get("date").asText());
        assertEquals(20, extra.get(0).get("downloads").asLong());
        assertEquals(today.toString(), extra.get(1).get("date").asText());
        assertEquals(2, extra.get(1).get("downloads").asLong());
    }

    @Test
    void versionDownloadsPerDayUpToBeforeDate() {
        f.publish("alice", "foo", "1.0.0");
        f.publish("alice", "foo", "1.1.0");
        count("1.0.0", today, 2);
        count("1.0.0", today.minusDays(5), 3);
        count("1.1.0", today.minusDays(5), 7);
        long id = json(service.version("foo", "1.0.0")).at("/version/id").asLong();

        JsonNode all = json(service.versionDownloads("foo", "1.0.0", null));
        assertFalse(all.has("meta"));
        assertEquals("{\"version_downloads\":[{\"date\":\"2025-05-27\",\"downloads\":3,\"version\":" + id + "},"
                + "{\"date\":\"2025-06-01\",\"downloads\":2,\"version\":" + id + "}]}", all.toString());
        assertEquals(1, json(service.versionDownloads("foo", "1.0.0", today.minusDays(1).toString()))
                .get("version_downloads").size());
        assertEquals(400, assertThrows(RegistryException.class,
                () -> service.versionDownloads("foo", "1.0.0", "yesterday")).status());
        assertEquals(404, assertThrows(RegistryException.class, () -> service.versionDownloads("foo", "9.0.0", null)).status());
        assertEquals(404, assertThrows(RegistryException.class, () -> service.crateDownloads("nope")).status());
    }
}
