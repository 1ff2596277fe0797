package dev.cargoreg.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** --downloads-interval: how often the CDN's access log is written and counted (docs/downloads.md#locally). */
class DownloadsIntervalOptionTest {
    @Test
    void defaultsToFiveSecondsAndTakesFractions() {
        assertEquals(Duration.ofSeconds(5), Options.parse(new String[0]).downloadsInterval());
        assertEquals(Duration.ofMillis(500), Options.parse(new String[] {"--downloads-interval", "0.5"}).downloadsInterval());
        assertEquals(Duration.ofSeconds(2), Options.parse(new String[] {"--downloads-interval=2"}).downloadsInterval());
        assertEquals(Duration.ofSeconds(5), Options.builder(null).build().downloadsInterval());
    }

    @Test
    void refusesWhatIsNotAnIntervalWithinAMinute() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--downloads-interval", "soon"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--downloads-interval", "0"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--downloads-interval", "61"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--downloads-interval"}));
    }
}
