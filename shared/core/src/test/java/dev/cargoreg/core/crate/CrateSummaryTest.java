package dev.cargoreg.core.crate;

import dev.cargoreg.core.crate.CrateSummary.Descriptive;
import dev.cargoreg.core.crate.CrateSummary.VersionFacts;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrateSummaryTest {
    private static final Descriptive D = new Descriptive("a crate", "https://home", "https://docs", "https://repo",
            List.of("parsing", "text"), List.of("encoding"));

    private static VersionFacts v(String version, long seq, boolean yanked) {
        return new VersionFacts(version, seq, yanked);
    }

    @Test
    void max_version_is_the_highest_non_yanked_by_precedence_not_by_publish_order() {
        CrateSummary s = CrateSummary.of(D, List.of(v("1.10.0", 1, false), v("1.9.0", 2, false), v("2.0.0", 3, true)));

        assertEquals("1.10.0", s.maxVersion(), "2.0.0 is yanked; 1.10.0 > 1.9.0 numerically");
        assertEquals("1.10.0", s.maxStableVersion());
        assertEquals("1.9.0", s.newestVersion(), "the most recently published non-yanked version");
        assertEquals(3, s.numVersions(), "yanked versions still count");
        assertFalse(s.allYanked());
    }

    @Test
    void every_version_yanked_gives_0_0_0_and_no_stable_or_newest() {
        CrateSummary s = CrateSummary.of(D, List.of(v("1.0.0", 1, true), v("1.1.0-beta", 2, true)));

        assertEquals("0.0.0", s.maxVersion());
        assertNull(s.maxStableVersion());
        assertNull(s.newestVersion());
        assertTrue(s.allYanked());
        assertEquals(2, s.numVersions());
    }

    @Test
    void max_stable_skips_pre_releases() {
        CrateSummary s = CrateSummary.of(D, List.of(v("1.0.0", 1, false), v("2.0.0-rc.1", 2, false),
                v("1.5.0-beta", 3, false)));

        assertEquals("2.0.0-rc.1", s.maxVersion());
        assertEquals("1.0.0", s.maxStableVersion());
        assertEquals("1.5.0-beta", s.newestVersion());
    }

    @Test
    void only_pre_releases_have_no_max_stable() {
        CrateSummary s = CrateSummary.of(D, List.of(v("0.1.0-alpha", 1, false), v("0.1.0-beta", 2, false)));

        assertEquals("0.1.0-beta", s.maxVersion());
        assertNull(s.maxStableVersion());
        assertFalse(s.allYanked());
    }

    @Test
    void build_metadata_is_kept_in_the_version_shown_but_ignored_for_ordering() {
        CrateSummary s = CrateSummary.of(D, List.of(v("1.0.0+zzz", 1, false), v("1.0.1+aaa", 2, false)));

        assertEquals("1.0.1+aaa", s.maxVersion());
        assertEquals("1.0.1+aaa", s.maxStableVersion());
    }

    @Test
    void descriptive_fields_are_copied_and_round_trip() {
        CrateSummary s = CrateSummary.of(D, List.of(v("1.0.0", 1, false)));

        assertEquals(D, s.descriptive());
        assertEquals("a crate", s.description());
        assertEquals(List.of("parsing", "text"), s.keywords());
    }

    @Test
    void null_keyword_and_category_lists_become_empty_and_lists_are_immutable() {
        List<String> keywords = new ArrayList<>(List.of("a"));
        CrateSummary s = CrateSummary.of(new Descriptive(null, null, null, null, keywords, null), List.of(v("1.0.0", 1, false)));
        keywords.add("b");

        assertEquals(List.of("a"), s.keywords(), "a copy, not a view");
        assertEquals(List.of(), s.categories());
        assertThrows(UnsupportedOperationException.class, () -> s.keywords().add("c"));
    }

    @Test
    void after_publish_of_the_first_version() {
        CrateSummary s = CrateSummary.afterPublish(null, D, "0.1.0");

        assertEquals(CrateSummary.of(D, List.of(v("0.1.0", 1, false))), s);
        assertEquals("0.1.0", s.maxVersion());
        assertEquals(1, s.numVersions());
    }

    @Test
    void after_publish_of_a_pre_release_first() {
        CrateSummary s = CrateSummary.afterPublish(null, D, "1.0.0-alpha");

        assertEquals("1.0.0-alpha", s.maxVersion());
        assertNull(s.maxStableVersion());
    }

    @Test
    void after_publish_of_a_lower_version_keeps_the_max_and_takes_the_newest() {
        CrateSummary prev = CrateSummary.afterPublish(null, D, "2.0.0");

        CrateSummary s = CrateSummary.afterPublish(prev, D, "1.5.0");

        assertEquals("2.0.0", s.maxVersion());
        assertEquals("2.0.0", s.maxStableVersion());
        assertEquals("1.5.0", s.newestVersion());
        assertEquals(2, s.numVersions());
    }

    @Test
    void after_publish_on_an_all_yanked_crate_the_new_version_is_the_max() {
        CrateSummary allYanked = CrateSummary.of(D, List.of(v("3.0.0", 1, true)));

        CrateSummary s = CrateSummary.afterPublish(allYanked, D, "1.0.0");

        assertEquals("1.0.0", s.maxVersion(), "not the yanked 3.0.0, nor 0.0.0");
        assertEquals("1.0.0", s.maxStableVersion());
        assertFalse(s.allYanked());
        assertEquals(2, s.numVersions());
        assertEquals(CrateSummary.of(D, List.of(v("3.0.0", 1, true), v("1.0.0", 2, false))), s);
    }

    @Test
    void after_publish_on_an_all_yanked_crate_ignores_the_0_0_0_placeholder() {
        // "0.0.0" only stands for "nothing to show": a 0.0.0 pre-release ranks below it but is still the max
        CrateSummary allYanked = CrateSummary.of(D, List.of(v("1.0.0", 1, true)));
        assertEquals("0.0.0", allYanked.maxVersion());

        CrateSummary s = CrateSummary.afterPublish(allYanked, D, "0.0.0-alpha");

        assertEquals("0.0.0-alpha", s.maxVersion());
        assertEquals(CrateSummary.of(D, List.of(v("1.0.0", 1, true), v("0.0.0-alpha", 2, false))), s);
    }

    @Test
    void after_publish_takes_the_new_descriptive_fields() {
        CrateSummary prev = CrateSummary.afterPublish(null, D, "1.0.0");
        Descriptive next = new Descriptive("new text", null, null, null, List.of(), List.of());

        assertEquals("new text", CrateSummary.afterPublish(prev, next, "1.0.1").description());
    }

    /**
     * Random histories of publishes (folded incrementally with afterPublish, as PublishService does) and yanks/unyanks
     * (recomputed with of, as YankService does): after every publish the incremental summary equals the one computed
     * from scratch over every version.
     */
    @RepeatedTest(200)
    void after_publish_incrementally_equals_of_from_scratch(TestInfo info) {
        Random random = new Random(info.getDisplayName().hashCode() * 31L + 7);
        List<VersionFacts> versions = new ArrayList<>();
        Set<String> taken = new LinkedHashSet<>();
        CrateSummary summary = null;
        int steps = 1 + random.nextInt(25);
        for (int i = 0; i < steps; i++) {
            if (!versions.isEmpty() && random.nextInt(3) == 0) {
                int k = random.nextInt(versions.size());
                VersionFacts old = versions.get(k);
                versions.set(k, v(old.version(), old.seq(), !old.yanked()));
                summary = CrateSummary.of(D, versions);
                continue;
            }
            String version = randomVersion(random);
            String withoutBuild = version.contains("+") ? version.substring(0, version.indexOf('+')) : version;
            if (!taken.add(withoutBuild)) {
                continue;
            }
            versions.add(v(version, versions.size() + 1, false));
            summary = CrateSummary.afterPublish(summary, D, version);

            assertEquals(CrateSummary.of(D, versions), summary, "after publishing " + version + " onto " + versions);
        }
    }

    private static String randomVersion(Random r) {
        StringBuilder sb = new StringBuilder();
        // small numbers, so 0.0.0 pre-releases (below the all-yanked placeholder) come up too
        sb.append(r.nextInt(2)).append('.').append(r.nextInt(r.nextBoolean() ? 2 : 12)).append('.').append(r.nextInt(3));
        if (r.nextInt(3) == 0) {
            String[] pre = {"alpha", "beta", "rc", "0", "1", "10", "alpha.1", "alpha.beta", "beta.2", "beta.11"};
            sb.append('-').append(pre[r.nextInt(pre.length)]);
        }
        if (r.nextInt(6) == 0) {
            sb.append("+build.").append(r.nextInt(100));
        }
        return sb.toString();
    }
}
