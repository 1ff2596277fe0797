package dev.cargoreg.functions.yank;

import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static dev.cargoreg.testing.AwsRegistryFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YankHandlerIT {
    AwsRegistryFixture fx;
    YankHandler handler;

    @BeforeEach
    void setUp() {
        fx = new AwsRegistryFixture();
        handler = new YankHandler(fx.services.yank());
        fx.publish(ALICE, "sample-crate", "0.1.0");
        fx.publish(ALICE, "sample-crate", "0.2.0+build.7");
    }

    @Test
    void yank_flips_only_the_yanked_flag_of_its_line_and_is_idempotent() throws Exception {
        String before = fx.indexFile("sa/mp/sample-crate");
        var r = handler.handleRequest(fx.event("yank.json", null, ALICE, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals("{\"ok\":true}", r.getBody());
        String after = fx.indexFile("sa/mp/sample-crate");
        String[] b = before.split("\n");
        String[] a = after.split("\n");
        assertEquals(b.length, a.length, "order and number of lines unchanged");
        assertEquals(b[0].replace("\"yanked\":false", "\"yanked\":true"), a[0], "only yanked changes");
        assertEquals(b[1], a[1]);

        assertEquals(200, handler.handleRequest(fx.event("yank.json", null, ALICE, null), null).getStatusCode(), "yanking twice is fine");
        assertEquals(after, fx.indexFile("sa/mp/sample-crate"));
        assertEquals("0.2.0+build.7", fx.store.findCrate("sample_crate").orElseThrow().summary().maxVersion());

        var u = handler.handleRequest(fx.event("unyank.json", null, ALICE, null), null);
        assertEquals(200, u.getStatusCode(), u.getBody());
        assertEquals(before, fx.indexFile("sa/mp/sample-crate"), "unyank restores the exact line");
    }

    @Test
    void yank_works_for_versions_with_build_metadata_in_the_path() {
        var r = handler.handleRequest(fx.event("yank.json", Map.of("name", "Sample_Crate", "version", "0.2.0+build.7"), ALICE, null), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        String[] lines = fx.indexFile("sa/mp/sample-crate").split("\n");
        assertTrue(lines[1].contains("\"vers\":\"0.2.0+build.7\"") && lines[1].contains("\"yanked\":true"), lines[1]);
        assertTrue(lines[0].contains("\"yanked\":false"), "the other version is untouched");
        assertEquals("0.1.0", fx.store.findCrate("sample_crate").orElseThrow().summary().maxVersion());
    }

    @Test
    void refusals_change_nothing() {
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", null, BOB, null), null), 403, "only owners");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", null, null, null), null), 403, "requires authentication");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", null, "cargoreg_nope", null), null), 403, "authentication failed");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", Map.of("name", "no-such-crate", "version", "0.1.0"), ALICE, null), null), 404, "does not exist");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", Map.of("name", "sample-crate", "version", "9.9.9"), ALICE, null), null), 404, "does not have a version `9.9.9`");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", Map.of("name", "sample-crate", "version", "0.2.0"), ALICE, null), null), 404, "does not have a version `0.2.0`");
        fx.assertRefusedAndUnchanged(() -> handler.handleRequest(fx.event("yank.json", Map.of("name", "sample-crate", "version", "not-semver"), ALICE, null), null), 404, "does not have a version");
    }

    @Test
    void the_stored_line_renders_back_unchanged_after_a_yank_cycle() {
        handler.handleRequest(fx.event("yank.json", null, ALICE, null), null);
        handler.handleRequest(fx.event("unyank.json", null, ALICE, null), null);
        byte[] regenerated = IndexLines.render(fx.store.listVersions("sample_crate").stream()
                .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList());
        assertEquals(new String(regenerated), fx.indexFile("sa/mp/sample-crate"));
    }
}
