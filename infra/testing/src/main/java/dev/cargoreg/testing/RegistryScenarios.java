package dev.cargoreg.testing;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.owners.OwnerLogins;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.search.SearchService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cargoreg.testing.AwsRegistryFixture.ALICE;
import static dev.cargoreg.testing.AwsRegistryFixture.BOB;
import static dev.cargoreg.testing.AwsRegistryFixture.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's behaviour on a set of backends, through the production adapters: the same suite runs on DynamoDB
 * Local + S3Mock (always) and on LocalStack (where Docker exists). Subclasses say where the backends are.
 */
public abstract class RegistryScenarios {
    protected AwsRegistryFixture fx;

    protected abstract AwsRegistryFixture fixture();

    @BeforeEach
    void freshRegistry() {
        fx = fixture();
    }

    private String index(String path) {
        return fx.indexFile(path);
    }

    @Test
    void publish_writes_tarball_truth_and_index() {
        fx.publish(ALICE, "scenario-crate", "1.0.0");
        fx.publish(ALICE, "scenario-crate", "1.1.0+build.2");
        String file = index("sc/en/scenario-crate");
        assertEquals(2, file.split("\n").length);
        assertTrue(fx.blobs.get("crates/scenario-crate/scenario-crate-1.1.0+build.2.crate").isPresent());
        byte[] regenerated = IndexLines.render(fx.store.listVersions("scenario_crate").stream()
                .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList());
        assertEquals(new String(regenerated, StandardCharsets.UTF_8), file);
    }

    @Test
    void publish_rejects_duplicate_version_and_other_owners() {
        fx.publish(ALICE, "scenario-crate", "1.0.0");
        RegistryException dup = assertThrows(RegistryException.class, () -> fx.publish(ALICE, "scenario-crate", "1.0.0+x"));
        assertEquals(400, dup.status());
        RegistryException other = assertThrows(RegistryException.class, () -> fx.publish(BOB, "scenario-crate", "2.0.0"));
        assertEquals(403, other.status());
        assertEquals(1, index("sc/en/scenario-crate").split("\n").length);
    }

    @Test
    void yank_flips_the_flag_and_owners_change_at_once() {
        fx.publish(ALICE, "scenario-crate", "1.0.0");
        fx.services.yank().setYanked(fx.principal(ALICE), "scenario-crate", "1.0.0", true);
        assertTrue(index("sc/en/scenario-crate").contains("\"yanked\":true"));
        OwnerService owners = fx.services.owners();
        owners.add(fx.principal(ALICE), "scenario-crate", OwnerLogins.of("bob"));
        assertEquals(Set.of("alice", "bob"), fx.store.findCrate("scenario_crate").orElseThrow().owners());
        RegistryException last = assertThrows(RegistryException.class, () -> owners.remove(fx.principal(BOB), "scenario-crate",
                OwnerLogins.of("alice", "bob")));
        assertEquals(400, last.status());
    }

    @Test
    void search_finds_and_removal_forgets() {
        fx.publish(ALICE, "scenario-crate", "1.0.0");
        fx.publish(ALICE, "other-crate", "0.1.0");
        SearchService search = fx.services.search();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> found = (List<Map<String, Object>>) search.search(Map.of("q", "scenario")).get("crates");
        assertEquals("scenario-crate", found.get(0).get("name"));
        fx.services.removal().removeCrate(fx.principal(ROOT), "scenario-crate");
        assertNull(index("sc/en/scenario-crate"));
        assertEquals(0, ((List<?>) search.search(Map.of("q", "scenario")).get("crates")).size());
        assertTrue(index("ot/he/other-crate").contains("0.1.0"));
    }
}
