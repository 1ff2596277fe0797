package dev.cargoreg.local;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local CDN drops cached copies the way CloudFront reads invalidation paths (a reindex sends one /index/*). */
class CdnEmulatorTest {
    @Test
    void a_path_covers_itself_and_a_wildcard_covers_its_prefix() {
        assertTrue(CdnEmulator.covers("/index/se/rd/serde", "index/se/rd/serde"));
        assertFalse(CdnEmulator.covers("/index/se/rd/serde", "index/se/rd/serde_json"));
        assertTrue(CdnEmulator.covers("/index/*", "index/se/rd/serde"));
        assertTrue(CdnEmulator.covers("/index/*", "index/config.json"));
        assertFalse(CdnEmulator.covers("/index/*", "crates/serde/serde-1.0.0.crate"));
    }
}
