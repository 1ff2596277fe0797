package dev.cargoreg.core.mirror;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.mirror.MirrorServiceTest.ScriptedUpstream;
import dev.cargoreg.core.mirror.wire.MirrorPolicyRequests;
import dev.cargoreg.core.mirror.wire.MirrorPolicyRequests.RuleRequest;
import dev.cargoreg.core.port.Upstream;
import dev.cargoreg.core.publish.VersionReq;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.RecordingCdn;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mirror's policy: deny/allow rules, their effect on index files and downloads, and the admin side. */
class MirrorPolicyTest {
    static final String UP = MirrorServiceTest.UP;
    static final byte[] V1 = TarballBuilder.valid("itoa", "1.0.1");
    static final byte[] V2 = TarballBuilder.valid("itoa", "1.0.2");
    static final Principal ROOT = new Principal("root", 2, true, null, null, null, false);
    static final Principal ALICE = new Principal("alice", 1, false, null, null, null, false);

    static String line(String vers, byte[] crate, String tail) {
        return "{\"name\":\"itoa\",\"vers\":\"" + vers + "\",\"deps\":[],\"cksum\":\"" + Digests.sha256Hex(crate)
                + "\",\"features\":{},\"yanked\":false" + tail + "}";
    }

    /** Two versions; the second line carries fields this registry never heard of, spaced its own way. */
    static final String FILE = line("1.0.1", V1, ",\"rust_version\":\"1.36\"") + "\n"
            + line("1.0.2", V2, ",\"future\":{\"yanked\":false, \"x\":[1, 2]},\"note\":\"\\\"yanked\\\":false\"") + "\n";

    MutableClock clock;
    InMemoryMetadataStore store;
    InMemoryBlobStore blobs;
    ScriptedUpstream upstream;
    RecordingCdn cdn;
    MirrorPolicySource source;
    MirrorService mirror;
    MirrorPolicyService admin;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
        store = new InMemoryMetadataStore();
        blobs = new InMemoryBlobStore(clock);
        upstream = new ScriptedUpstream();
        cdn = new RecordingCdn();
        upstream.serve(UP + "config.json", "{\"dl\":\"https://static.example/crates\"}", "\"c\"");
        upstream.serve(UP + "it/oa/itoa", FILE, "\"e1\"");
        upstream.answers.put("https://static.example/crates/itoa/1.0.1/download", new Upstream.Response(200, V1, null));
        upstream.answers.put("https://static.example/crates/itoa/1.0.2/download", new Upstream.Response(200, V2, null));
        RegistryConfig config = TestConfigs.config().toBuilder().mirror(MirrorConfig.of("sparse+" + UP)).build();
        source = new MirrorPolicySource(store, config.mirror(), clock);
        mirror = new MirrorService(config, store, blobs, upstream, clock, source);
        admin = new MirrorPolicyService(store, blobs, cdn, source, clock);
    }

    static String text(MirrorAnswer a) {
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Test
    void version_requirements_match_as_cargo_matches_them() {
        assertTrue(VersionReq.parse("<1.0.2").matches("1.0.1"));
        assertFalse(VersionReq.parse("<1.0.2").matches("1.0.2"));
        assertTrue(VersionReq.parse(">=0.9, <0.9.80").matches("0.9.79"));
        assertFalse(VersionReq.parse(">=0.9, <0.9.80").matches("0.10.0"));
        assertTrue(VersionReq.parse("1.2").matches("1.9.0"), "no operator is a caret");
        assertFalse(VersionReq.parse("1.2").matches("2.0.0"));
        assertTrue(VersionReq.parse("0.2.3").matches("0.2.9"));
        assertFalse(VersionReq.parse("0.2.3").matches("0.3.0"));
        assertTrue(VersionReq.parse("~1.2.3").matches("1.2.9"));
        assertFalse(VersionReq.parse("~1.2.3").matches("1.3.0"));
        assertTrue(VersionReq.parse("1.*").matches("1.7.3"));
        assertTrue(VersionReq.parse("=1.0.1").matches("1.0.1+build.5"), "build metadata is ignored");
        assertFalse(VersionReq.parse("<2").matches("2.0.0-alpha.1"), "a pre-release needs a comparator naming its version");
        assertTrue(VersionReq.parse(">=2.0.0-alpha.1").matches("2.0.0-beta"));
        assertTrue(VersionReq.parse(">18446744073709551614.0.0").matches("18446744073709551615.0.0"), "u64 parts");
        assertFalse(VersionReq.parse("*").matches("1.0.0-rc.1"));
    }

    @Test
    void a_denied_version_shows_yanked_and_every_other_byte_of_the_file_is_upstreams() {
        admin.putRule(ROOT, "old-itoa", new RuleRequest("deny", "itoa", "<1.0.2", "CVE-0000-1: use 1.0.2"));
        assertEquals(FILE.replaceFirst("\"yanked\":false", "\"yanked\":true"), text(mirror.index("it/oa/itoa")));

        admin.putRule(ROOT, "old-itoa", new RuleRequest("deny", "itoa", null, "all of it"));
        String both = text(mirror.index("it/oa/itoa"));
        String[] lines = both.split("\n");
        assertEquals(FILE.split("\n")[0].replace("\"yanked\":false", "\"yanked\":true"), lines[0]);
        assertTrue(lines[1].contains(",\"yanked\":true,\"future\":{\"yanked\":false, \"x\":[1, 2]},\"note\":\"\\\"yanked\\\":false\"}"),
                lines[1]);
        assertEquals(FILE.split("\n")[1].replaceFirst("\"yanked\":false", "\"yanked\":true"), lines[1],
                "only the top-level field flips: a nested object's and a string's text stay");
        assertTrue(both.endsWith("\n"));
        assertEquals(FILE, new String(blobs.get("mirror/index/it/oa/itoa").orElseThrow().body(), StandardCharsets.UTF_8),
                "the bucket keeps upstream's bytes: lifting the rule needs no refetch");

        admin.deleteRule(ROOT, "old-itoa");
        assertEquals(FILE, text(mirror.index("it/oa/itoa")));
    }

    /** Another upstream may leave `yanked` out (cargo reads that as false): a denied version's line gets it, first. */
    @Test
    void a_denied_version_whose_line_has_no_yanked_field_gets_one() {
        MirrorPolicy p = new MirrorPolicy(List.of(new MirrorRule("r", "deny", "foo", "<2.0.0", "cve", "root", "now")), List.of(), List.of());
        String line = "{\"name\":\"foo\",\"vers\":\"%s\",\"deps\":[],\"cksum\":\"" + "0".repeat(64) + "\",\"features\":{}}";
        String file = line.formatted("1.0.0") + "\n" + line.formatted("2.0.0") + "\n";
        String marked = new String(p.markRefusedYanked("foo", file.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertEquals("{\"yanked\":true," + line.formatted("1.0.0").substring(1) + "\n" + line.formatted("2.0.0") + "\n", marked);
    }

    @Test
    void a_denied_version_is_refused_for_download_with_the_reason_even_when_cached_before_the_rule() throws Exception {
        assertEquals(200, mirror.crate("itoa/itoa-1.0.1.crate").status());
        assertTrue(blobs.get("mirror/crates/itoa/itoa-1.0.1.crate").isPresent());

        MirrorPolicyService.Change change = admin.putRule(ROOT, "old-itoa", new RuleRequest("deny", "itoa", "<1.0.2", "CVE-0000-1: use 1.0.2"));
        assertEquals(1, change.quarantined());
        assertEquals("{\"entry\":{\"id\":\"old-itoa\",\"effect\":\"deny\",\"crate\":\"itoa\",\"versions\":\"<1.0.2\","
                + "\"reason\":\"CVE-0000-1: use 1.0.2\",\"updated_by\":\"root\",\"updated_at\":\"2025-06-01T12:00:00Z\"},"
                + "\"quarantined\":1,\"restored\":0}", Json.mapper().writeValueAsString(change), "the admin API's answer");
        MirrorAnswer refused = mirror.crate("itoa/itoa-1.0.1.crate");
        assertEquals(403, refused.status());
        assertEquals("`itoa@1.0.1` is denied by this registry's mirror policy (rule `old-itoa`: deny itoa <1.0.2): CVE-0000-1: use 1.0.2",
                refused.detail());
        assertTrue(blobs.get("mirror/crates/itoa/itoa-1.0.1.crate").isEmpty(), "moved out of what S3 serves with no compute");
        assertTrue(blobs.get(MirrorPolicyService.QUARANTINE_PREFIX + "itoa/itoa-1.0.1.crate").isPresent());
        assertTrue(cdn.paths().containsAll(List.of("/mirror/crates/itoa/itoa-1.0.1.crate", "/mirror/index/it/oa/itoa")), cdn.paths().toString());
        assertEquals(200, mirror.crate("itoa/itoa-1.0.2.crate").status(), "outside the range");

        upstream.answers.clear();
        admin.deleteRule(ROOT, "old-itoa");
        MirrorAnswer back = mirror.crate("itoa/itoa-1.0.1.crate");
        assertEquals(200, back.status(), "restored from quarantine, although upstream is gone now");
        assertEquals("hit", back.outcome());
    }

    @Test
    void allow_only_refuses_other_names_on_the_index_file_and_versions_outside_the_allowed_range() {
        upstream.serve(UP + "se/rd/serde", FILE.replace("itoa", "serde"), null);
        admin.putRule(ROOT, "itoa-1", new RuleRequest("allow", "ITOA", ">=1.0.2", "reviewed"));
        MirrorAnswer other = mirror.index("se/rd/serde");
        assertEquals(403, other.status());
        assertTrue(other.detail().contains("`serde` is not allowed by this registry's mirror policy"), other.detail());
        assertEquals(FILE.replaceFirst("\"yanked\":false", "\"yanked\":true"), text(mirror.index("it/oa/itoa")));
        assertEquals(403, mirror.crate("itoa/itoa-1.0.1.crate").status());
        assertEquals(200, mirror.crate("itoa/itoa-1.0.2.crate").status());
        assertEquals(403, mirror.crate("serde/serde-1.0.1.crate").status());
    }

    @Test
    void reserved_and_allowed_names_from_the_api_apply_to_the_mirror_and_to_publishing() throws Exception {
        assertEquals(200, mirror.crate("itoa/itoa-1.0.1.crate").status());
        assertThrows(RegistryException.class, () -> mirror.requireFreeForPrivatePublish("itoa"));
        MirrorPolicyService.Change allowed = admin.putAllowed(ROOT, "itoa", null);
        assertEquals(1, allowed.quarantined(), "a cached crate of a name that becomes private is no longer served");
        mirror.requireFreeForPrivatePublish("itoa");
        MirrorAnswer a = mirror.index("it/oa/itoa");
        assertEquals(403, a.status());
        assertTrue(a.detail().contains("allowed for private publishing"), a.detail());
        assertEquals(403, mirror.cachedCrateRefusal("itoa/itoa-1.0.1.crate").status());

        admin.putReserved(ROOT, "Acme-*", "our prefix");
        assertEquals("acme_*", mirror.index("ac/me/acme-core").detail().replaceAll(".*pattern `([^`]+)`.*", "$1"));
        mirror.requireFreeForPrivatePublish("acme-tool");
        assertEquals(List.of(new MirrorPolicy.Named("acme_*", "our prefix", "admin")), admin.reserved(ROOT).reserved());
        assertEquals("{\"allowed\":[{\"pattern\":\"itoa\",\"reason\":null,\"source\":\"admin\"}]}",
                Json.mapper().writeValueAsString(admin.allowed(ROOT)));
        admin.deleteReserved(ROOT, "acme_*");
        assertEquals(List.of(), admin.reserved(ROOT).reserved());
    }

    @Test
    void changes_are_for_administrators_validated_and_audited() {
        assertEquals(403, assertThrows(RegistryException.class,
                () -> admin.putRule(ALICE, "x", new RuleRequest("deny", "itoa", null, "r"))).status());
        assertEquals(403, assertThrows(RegistryException.class, () -> admin.rules(ALICE)).status());
        for (RuleRequest bad : List.of(new RuleRequest("block", "itoa", null, "r"), new RuleRequest("deny", "it oa", null, "r"),
                new RuleRequest("deny", "itoa", "1.2.3.4", "r"), new RuleRequest("deny", "itoa", null, " "),
                new RuleRequest("deny", "itoa", null, "two\nlines"))) {
            assertEquals(400, assertThrows(RegistryException.class, () -> admin.putRule(ROOT, "x", bad)).status(), bad.toString());
        }
        assertEquals(400, assertThrows(RegistryException.class, () -> admin.putRule(ROOT, "Bad Id",
                new RuleRequest("deny", "itoa", null, "r"))).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> admin.putAllowed(ROOT, "acme-*", null)).status());
        assertEquals(404, assertThrows(RegistryException.class, () -> admin.deleteRule(ROOT, "nope")).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> MirrorPolicyRequests.rule("[]".getBytes(StandardCharsets.UTF_8))).status());

        admin.putRule(ROOT, "x", new RuleRequest("deny", "itoa", "<1", "old"));
        admin.deleteRule(ROOT, "x");
        assertEquals(List.of(), admin.rules(ROOT).rules());
        List<String> trail = store.auditTrail(new AuditQuery(null, null, null, null, null, 10, null)).records().stream()
                .map(r -> r.action() + " " + r.actor() + " " + r.detail()).toList();
        assertTrue(trail.contains("mirror.policy.set root rule x: deny itoa <1 (old)"), trail.toString());
        assertTrue(trail.contains("mirror.policy.removed root rule x"), trail.toString());
        assertEquals(2, trail.size(), "refused changes leave no record");
    }

    @Test
    void another_instance_sees_a_change_within_the_refresh_bound() {
        MirrorPolicySource other = new MirrorPolicySource(store, MirrorConfig.of("sparse+" + UP), clock);
        assertNull(other.current().versionRefusal("itoa", "1.0.1"));
        MirrorPolicy before = other.current();
        admin.putRule(ROOT, "old-itoa", new RuleRequest("deny", "itoa", null, "no"));
        assertSame(before, other.current(), "cached: DynamoDB is not read per request");
        clock.advance(MirrorPolicySource.REFRESH);
        assertTrue(other.current().versionRefusal("itoa", "1.0.1") != null);
    }
}
