package dev.cargoreg.core.crates;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Search's crate maps say what the crate object's JSON says: the same JSON as the record through data binding. */
class CrateJsonTest {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Test
    void a_crate_as_a_map_is_written_as_the_record_is_written() throws Exception {
        Random r = new Random(10);
        for (int i = 0; i < 500; i++) {
            CrateView view = CrateJson.view(string(r, false), summary(r), r.nextBoolean() ? null : Instant.ofEpochSecond(r.nextInt()),
                    r.nextBoolean() ? null : Instant.ofEpochSecond(r.nextInt()), r.nextBoolean());
            if (r.nextBoolean()) {
                view = view.withDownloads(r.nextLong(), r.nextInt(1000));
            }
            if (r.nextInt(4) == 0) {
                view = view.withVersions(List.of(r.nextLong(), (long) r.nextInt(10)));
            }
            String viaRecord = Json.mapper().writeValueAsString(view);
            assertEquals(viaRecord, Json.write(view.toMap()));
            // what search answered before, a map converted from the record: the same JSON and the same values
            Map<String, Object> converted = Json.mapper().convertValue(view, MAP);
            assertEquals(Json.mapper().writeValueAsString(converted), Json.write(view.toMap()));
        }
    }

    @Test
    void search_summary_carries_the_download_counts() {
        CrateSummary s = new CrateSummary("d", null, null, null, List.of("k"), List.of(), "1.0.0", "1.0.0", "1.0.0", 3, false);
        Map<String, Object> m = CrateJson.summary("foo", s, Instant.EPOCH, Instant.EPOCH, true, 42, 7);
        assertEquals(42L, m.get("downloads"));
        assertEquals(7L, m.get("recent_downloads"));
        assertEquals(3L, m.get("num_versions"));
        assertEquals(true, m.get("exact_match"));
        assertEquals("/api/v1/crates/foo/owners", ((Map<?, ?>) m.get("links")).get("owners"));
    }

    private static CrateSummary summary(Random r) {
        return new CrateSummary(string(r, true), string(r, true), string(r, true), string(r, true), list(r), list(r),
                string(r, false), string(r, true), string(r, true), r.nextInt(100), r.nextBoolean());
    }

    private static List<String> list(Random r) {
        List<String> l = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            l.add(string(r, false));
        }
        return l;
    }

    private static String string(Random r, boolean nullable) {
        if (nullable && r.nextInt(3) == 0) {
            return null;
        }
        String alphabet = "abz-_09\"\\é\n";
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
