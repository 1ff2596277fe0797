package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.crate.VersionDetails;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishServiceTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryConfig config = TestConfigs.config();
    private MutableClock clock;
    private InMemoryMetadataStore store;
    private InMemoryBlobStore blobs;
    private PublishService service;
    private String alice;
    private String bob;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        store = new InMemoryMetadataStore();
        blobs = new InMemoryBlobStore(clock);
        service = new PublishService(config, store, blobs, new IndexSync(store, blobs, config), clock);
        alice = store.addUserWithToken("alice", "cargoreg_alice_secret");
        bob = store.addUserWithToken("bob", "cargoreg_bob_secret");
    }

    private static byte[] body(String name, String vers) {
        return body(PublishBodyBuilder.of(name, vers), TarballBuilder.valid(name, vers));
    }

    private static byte[] body(PublishBodyBuilder m, byte[] crate) {
        return m.body(crate);
    }

    private static String sha256(byte[] b) {
        return Digests.sha256Hex(b);
    }

    private RegistryException refused(String token, byte[] body) {
        return assertThrows(RegistryException.class, () -> publishAs(token, body));
    }

    private List<String> indexLines(String key) {
        return blobs.get(key).map(b -> List.of(new String(b.body(), StandardCharsets.UTF_8).split("\n"))).orElse(List.of());
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }

    // ---- happy path ---------------------------------------------------------------------------------------------

    /** The caller as the authorizer resolves it from the Authorization header. */
    private PublishService.Result publishAs(String authorization, byte[] body) {
        return service.publish(new Authenticator(store, clock).resolve(authorization, false), body);
    }

    @Test
    void publish_writes_tarball_and_index() {
        byte[] crate = TarballBuilder.valid("foo", "1.0.0");

        PublishService.Result r = publishAs(alice, body(PublishBodyBuilder.of("foo", "1.0.0"), crate));

        assertEquals("foo", r.name());
        assertEquals("1.0.0", r.version());
        assertEquals(List.of(), r.otherWarnings());

        BlobStore.Blob tarball = blobs.get("crates/foo/foo-1.0.0.crate").orElseThrow();
        assertArrayEquals(crate, tarball.body(), "the exact uploaded bytes");
        assertEquals("application/gzip", tarball.info().contentType());
        assertEquals(config.cache().crate(), tarball.info().cacheControl());
        assertEquals(sha256(crate), tarball.info().metadata().get("sha256"));

        List<String> lines = indexLines("index/3/f/foo");
        assertEquals(1, lines.size());
        JsonNode line = json(lines.get(0));
        assertEquals("foo", line.get("name").asText());
        assertEquals("1.0.0", line.get("vers").asText());
        assertEquals(sha256(crate), line.get("cksum").asText());
        assertTrue(line.get("cksum").asText().matches("[0-9a-f]{64}"), "lowercase hex");
        assertFalse(line.get("yanked").asBoolean());
        assertEquals("2025-06-01T12:00:00Z", line.get("pubtime").asText());
        assertTrue(new String(blobs.get("index/3/f/foo").orElseThrow().body(), StandardCharsets.UTF_8).endsWith("\n"));

        List<String> writes = blobs.writes();
        assertTrue(writes.indexOf("crates/foo/foo-1.0.0.crate") == 0, "tarball first: " + writes);
        assertTrue(writes.indexOf("index/3/f/foo") == 1, "then the index: " + writes);
    }

    @Test
    void first_publish_of_an_instance_writes_config_json_once() throws Exception {
        publishAs(alice, body("foo", "1.0.0"));
        publishAs(alice, body("bar", "1.0.0"));

        assertEquals(1, blobs.writes().stream().filter("index/config.json"::equals).count(), blobs.writes().toString());
        JsonNode config = JSON.readTree(blobs.get("index/config.json").orElseThrow().body());
        assertEquals("https://api.example.com", config.get("api").asText());
        assertTrue(config.get("dl").asText().startsWith("https://cdn.example.com/"), config.toString());
    }

    @Test
    void publish_keeps_the_crate_summary_up_to_date() {
        publishAs(alice, body(PublishBodyBuilder.of("foo", "1.0.0").with("description", "first"), TarballBuilder.valid("foo", "1.0.0")));
        publishAs(alice, body(PublishBodyBuilder.of("foo", "2.0.0-beta.1").with("description", "second"),
                TarballBuilder.valid("foo", "2.0.0-beta.1")));
        publishAs(alice, body(PublishBodyBuilder.of("foo", "0.9.0").with("description", "third"), TarballBuilder.valid("foo", "0.9.0")));

        var summary = store.findCrate("foo").orElseThrow().summary();
        assertEquals("2.0.0-beta.1", summary.maxVersion());
        assertEquals("1.0.0", summary.maxStableVersion());
        assertEquals("0.9.0", summary.newestVersion());
        assertEquals(3, summary.numVersions());
        assertEquals("third", summary.description(), "descriptive fields come from the latest publish");
        assertFalse(summary.allYanked());
    }

    @Test
    void publish_records_crate_owner_and_version() {
        byte[] crate = TarballBuilder.valid("foo", "1.0.0");
        publishAs(alice, body(PublishBodyBuilder.of("foo", "1.0.0").with("repository", "https://example.com/foo"), crate));

        MetadataStore.CrateRecord c = store.findCrate("foo").orElseThrow();
        assertEquals("foo", c.name());
        assertEquals(Set.of("alice"), c.owners());
        MetadataStore.VersionRecord v = store.findVersion("foo", "1.0.0").orElseThrow();
        assertEquals("alice", v.publishedBy());
        assertEquals(1, v.seq());
        assertEquals(crate.length, v.crateSize());
        assertEquals(sha256(crate), v.cksum());
        assertEquals("https://example.com/foo", v.details().repository());
        assertFalse(v.yanked());
        assertEquals(START, v.publishedAt());
    }

    @Test
    void publish_accepts_bearer_tokens() {
        assertEquals("foo", publishAs("Bearer " + alice, body("foo", "1.0.0")).name());
    }

    @Test
    void new_versions_are_appended_to_the_index() {
        publishAs(alice, body("foo", "1.0.0"));
        clock.advance(Duration.ofMinutes(1));
        publishAs(alice, body("foo", "0.9.0"));
        clock.advance(Duration.ofMinutes(1));
        publishAs(alice, body("foo", "1.1.0-beta.1+build.7"));

        List<String> lines = indexLines("index/3/f/foo");
        assertEquals(List.of("1.0.0", "0.9.0", "1.1.0-beta.1+build.7"),
                lines.stream().map(l -> json(l).get("vers").asText()).toList());
        assertEquals("3", blobs.head("index/3/f/foo").orElseThrow().metadata().get(IndexSync.REVISION_METADATA));
        assertEquals(3, store.findVersion("foo", "1.1.0-beta.1").orElseThrow().seq());
    }

    @Test
    void index_line_uses_extended_features_and_dependency_mapping() {
        Map<String, Object> dep = PublishBodyBuilder.dep("serde", "^1.0");
        dep.put("explicit_name_in_toml", "serde1");
        dep.put("registry", "https://github.com/rust-lang/crates.io-index");
        dep.put("optional", true);
        PublishBodyBuilder m = PublishBodyBuilder.of("foo", "1.0.0").dep(dep).feature("json", "dep:serde1").feature("std");

        publishAs(alice, body(m, TarballBuilder.valid("foo", "1.0.0")));

        JsonNode line = json(indexLines("index/3/f/foo").get(0));
        assertEquals("serde1", line.get("deps").get(0).get("name").asText());
        assertEquals("serde", line.get("deps").get(0).get("package").asText());
        assertEquals(2, line.get("v").asInt());
        assertEquals("[\"dep:serde1\"]", line.get("features2").get("json").toString());
    }

    @Test
    void added_owner_can_publish_a_new_version() {
        publishAs(alice, body("foo", "1.0.0"));
        store.addOwner("foo", "bob");

        assertEquals("1.1.0", publishAs(bob, body("foo", "1.1.0")).version());
        assertEquals(2, indexLines("index/3/f/foo").size());
    }

    @Test
    void publish_accepts_a_major_version_beyond_32_bits() {
        // CrateVersion accepts any u64 major as cargo does; the rest of the publish must cope with it (not a 500)
        String v = "4294967296.0.0";

        assertEquals(v, publishAs(alice, body("foo", v)).version());

        assertEquals(v, store.findCrate("foo").orElseThrow().summary().maxVersion());
        assertEquals(v, json(indexLines("index/3/f/foo").get(0)).get("vers").asText());
    }

    @Test
    void a_pre_release_with_a_huge_numeric_identifier_does_not_brick_the_crate() {
        String huge = "1.0.0-alpha.99999999999999999999";
        publishAs(alice, body("foo", huge));

        // every later publish compares against the crate's max version
        assertEquals("1.0.0-alpha.2", publishAs(alice, body("foo", "1.0.0-alpha.2")).version());

        assertEquals(huge, store.findCrate("foo").orElseThrow().summary().maxVersion());
        assertEquals(2, indexLines("index/3/f/foo").size());
    }

    // ---- refusals -------------------------------------------------------------------------------------------------

    @Test
    void duplicate_version_is_refused_and_nothing_new_is_written() {
        publishAs(alice, body("foo", "1.0.0"));
        List<String> writes = blobs.writes();
        Map<String, BlobStore.Blob> before = blobs.snapshot();
        int commits = store.commits().size();

        RegistryException e = refused(alice, body("foo", "1.0.0"));

        assertEquals(400, e.status());
        assertEquals("crate version `1.0.0` is already uploaded", e.detail());
        assertEquals(writes, blobs.writes());
        assertEquals(before, blobs.snapshot());
        assertEquals(commits, store.commits().size());
    }

    @Test
    void duplicate_with_different_contents_is_refused_and_the_original_tarball_kept() {
        byte[] original = TarballBuilder.valid("foo", "1.0.0");
        publishAs(alice, body(PublishBodyBuilder.of("foo", "1.0.0"), original));
        byte[] changed = TarballBuilder.empty()
                .file("foo-1.0.0/Cargo.toml", TarballBuilder.manifest("foo", "1.0.0"))
                .file("foo-1.0.0/src/lib.rs", "pub fn changed() {}\n")
                .build();

        assertEquals(400, refused(alice, body(PublishBodyBuilder.of("foo", "1.0.0"), changed)).status());

        assertArrayEquals(original, blobs.get("crates/foo/foo-1.0.0.crate").orElseThrow().body());
        assertEquals(sha256(original), json(indexLines("index/3/f/foo").get(0)).get("cksum").asText());
    }

    @Test
    void version_differing_only_in_build_metadata_is_a_duplicate() {
        publishAs(alice, body("foo", "1.0.0"));
        List<String> writes = blobs.writes();

        RegistryException e = refused(alice, body("foo", "1.0.0+build.7"));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("already uploaded"), e.detail());
        assertTrue(e.detail().contains("`1.0.0`"), "names the version that exists: " + e.detail());
        assertEquals(writes, blobs.writes());
        assertTrue(blobs.get("crates/foo/foo-1.0.0+build.7.crate").isEmpty());
        assertEquals(1, indexLines("index/3/f/foo").size());
    }

    @Test
    void build_metadata_duplicate_is_refused_the_other_way_round_too() {
        publishAs(alice, body("foo", "1.0.0+a"));

        RegistryException e = refused(alice, body("foo", "1.0.0+b"));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("`1.0.0+a` is already uploaded"), e.detail());
    }

    @Test
    void yanked_version_cannot_be_published_again() {
        publishAs(alice, body("foo", "1.0.0"));
        store.yank("foo", "1.0.0");

        RegistryException e = refused(alice, body("foo", "1.0.0"));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("already uploaded"), e.detail());
    }

    @Test
    void publish_by_non_owner_of_existing_crate_is_forbidden() {
        publishAs(alice, body("foo", "1.0.0"));
        List<String> writes = blobs.writes();

        RegistryException e = refused(bob, body("foo", "1.1.0"));

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("`bob` is not one of its owners"), e.detail());
        assertEquals(writes, blobs.writes());
        assertTrue(store.findVersion("foo", "1.1.0").isEmpty());
    }

    @Test
    void non_owner_gets_403_even_for_an_existing_version() {
        publishAs(alice, body("foo", "1.0.0"));

        assertEquals(403, refused(bob, body("foo", "1.0.0")).status());
    }

    @Test
    void name_differing_only_in_case_or_dash_underscore_is_refused_as_previously_named() {
        publishAs(alice, body("foo-bar", "1.0.0"));
        List<String> writes = blobs.writes();

        for (String variant : List.of("Foo-Bar", "foo_bar", "FOO_BAR")) {
            RegistryException e = refused(alice, body(variant, "1.1.0"));

            assertEquals(400, e.status(), variant);
            assertTrue(e.detail().contains("previously named `foo-bar`"), e.detail());
        }
        assertEquals(writes, blobs.writes());
    }

    @Test
    void name_variant_by_non_owner_is_forbidden() {
        publishAs(alice, body("foo-bar", "1.0.0"));

        assertEquals(403, refused(bob, body("foo_bar", "1.0.0")).status());
    }

    @Test
    void missing_token_is_forbidden_before_the_body_is_even_read() {
        byte[] garbage = {1, 2, 3};

        RegistryException e = refused(null, garbage);

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("requires authentication"), e.detail());
        assertEquals(List.of(), blobs.writes());
    }

    @Test
    void unknown_token_is_forbidden() {
        RegistryException e = refused("cargoreg_not_a_real_token", body("foo", "1.0.0"));

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("authentication failed"), e.detail());
        assertEquals(List.of(), blobs.writes());
        assertTrue(store.findCrate("foo").isEmpty());
    }

    @Test
    void manifest_mismatch_is_refused_and_nothing_is_written() {
        byte[] crate = TarballBuilder.empty().file("foo-1.0.0/Cargo.toml", TarballBuilder.manifest("foo", "1.0.1")).build();

        RegistryException e = refused(alice, body(PublishBodyBuilder.of("foo", "1.0.0"), crate));

        assertEquals(400, e.status());
        assertTrue(e.detail().contains("does not match manifest version"), e.detail());
        assertEquals(List.of(), blobs.writes());
        assertTrue(store.findCrate("foo").isEmpty());
    }

    @Test
    void invalid_metadata_is_refused_and_nothing_is_written() {
        byte[] b = PublishBodyBuilder.envelope("{not json", TarballBuilder.valid("foo", "1.0.0"));

        RegistryException e = refused(alice, b);

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid upload request"), e.detail());
        assertEquals(List.of(), blobs.writes());
    }

    @Test
    void oversized_crate_is_413() {
        RegistryConfig tiny = TestConfigs.config(RegistryConfig.Limits.defaults().withMaxCrateBytes(100));
        PublishService s = new PublishService(tiny, store, blobs, new IndexSync(store, blobs, tiny), clock);

        RegistryException e = assertThrows(RegistryException.class, () -> s.publish(new Authenticator(store, clock).resolve(alice, false), body("foo", "1.0.0")));

        assertEquals(413, e.status());
    }

    @Test
    void reserved_name_is_refused() {
        assertTrue(refused(alice, body("Compiler-Builtins", "1.0.0")).detail().contains("reserved name"));
    }

    // ---- token scopes (publish with the principal the authorizer resolved) ------------------------------------

    private static Principal scoped(String login, Set<Scope> scopes,
                                                           List<String> crates) {
        return new Principal(login, 9, false, scopes, crates, null, false);
    }

    @Test
    void a_publish_update_token_cannot_create_a_crate() {
        var p = scoped("alice", EnumSet.of(Scope.PUBLISH_UPDATE), null);

        RegistryException e = assertThrows(RegistryException.class, () -> service.publish(p, body("foo", "1.0.0")));

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("`publish-new` scope"), e.detail());
        assertEquals(List.of(), blobs.writes());
        assertTrue(store.findCrate("foo").isEmpty());
    }

    @Test
    void a_publish_new_token_cannot_add_a_version_to_an_existing_crate() {
        publishAs(alice, body("foo", "1.0.0"));
        List<String> writes = blobs.writes();
        var p = scoped("alice", EnumSet.of(Scope.PUBLISH_NEW), null);

        RegistryException e = assertThrows(RegistryException.class, () -> service.publish(p, body("foo", "1.1.0")));

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("`publish-update` scope"), e.detail());
        assertEquals(writes, blobs.writes());
        assertTrue(store.findVersion("foo", "1.1.0").isEmpty());
    }

    @Test
    void a_crate_scoped_token_publishes_only_the_crates_it_names() {
        var p = scoped("alice", null, List.of("foo-*"));

        assertEquals("foo-core", service.publish(p, body("foo-core", "1.0.0")).name());
        assertEquals("Foo_Util", service.publish(p, body("Foo_Util", "1.0.0")).name(), "matched canonically");
        RegistryException e = assertThrows(RegistryException.class, () -> service.publish(p, body("bar", "1.0.0")));

        assertEquals(403, e.status());
        assertTrue(store.findCrate("bar").isEmpty());
        assertTrue(blobs.get("crates/bar/bar-1.0.0.crate").isEmpty());
    }

    @Test
    void an_anonymous_principal_cannot_publish() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> service.publish(Principal.anonymous(null, false), new byte[] {1, 2, 3}));

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("requires authentication"), e.detail());
    }

    @Test
    void a_revoked_token_cannot_publish_and_says_why() {
        String secret = store.addToken("alice", "cargoreg_revoked", null, null, null);
        long id = store.findToken(Tokens.sha256Hex(secret)).orElseThrow().id();
        Unaudited.of(store).revokeToken("alice", id, START);

        RegistryException e = refused(secret, body("foo", "1.0.0"));

        assertEquals(403, e.status());
        assertTrue(e.detail().contains("revoked"), e.detail());
        assertEquals(List.of(), blobs.writes());
    }

    // ---- failures after the commit ------------------------------------------------------------------------------

    @Test
    void failing_index_write_after_commit_is_503_and_a_retry_repairs_the_index() {
        blobs.failWritesTo(k -> k.startsWith("index/"));
        byte[] b = body("foo", "1.0.0");

        RegistryException first = refused(alice, b);

        assertEquals(503, first.status());
        assertTrue(first.detail().contains("was recorded"), first.detail());
        assertTrue(first.detail().contains("cargo publish"), "tells the user what to do: " + first.detail());
        assertTrue(store.findVersion("foo", "1.0.0").isPresent(), "the commit stands");
        assertTrue(blobs.get("index/3/f/foo").isEmpty());

        blobs.failWritesTo(k -> false);
        RegistryException retry = refused(alice, b);

        assertEquals(400, retry.status());
        assertEquals("crate version `1.0.0` is already uploaded", retry.detail());
        List<String> lines = indexLines("index/3/f/foo");
        assertEquals(1, lines.size());
        assertEquals("1.0.0", json(lines.get(0)).get("vers").asText());
        assertEquals(1, store.commits().size(), "the retry committed nothing new");
    }

    @Test
    void a_later_publish_also_repairs_a_missed_index_update() {
        blobs.failWritesTo(k -> k.startsWith("index/"));
        assertEquals(503, refused(alice, body("foo", "1.0.0")).status());
        blobs.failWritesTo(k -> false);

        publishAs(alice, body("foo", "1.1.0"));

        assertEquals(2, indexLines("index/3/f/foo").size());
    }

    // ---- the README text ----------------------------------------------------------------------------------------

    private static byte[] withReadme(String vers, String readme) {
        return body(PublishBodyBuilder.of("foo", vers).with("readme_file", "README.md").with("readme", readme),
                TarballBuilder.valid("foo", vers));
    }

    @Test
    void the_readme_text_is_stored_as_sent_after_the_commit_marked_with_the_checksum_and_not_rendered() {
        store.beforeNextCommit(c -> assertTrue(blobs.get("crates/foo/foo-1.0.0.readme").isEmpty(), "nothing before the commit"));

        PublishService.Result r = publishAs(alice, withReadme("1.0.0", "# foo <script>x()</script>\n"));

        BlobStore.Blob text = blobs.get("crates/foo/foo-1.0.0.readme").orElseThrow();
        assertEquals("# foo <script>x()</script>\n", new String(text.body(), StandardCharsets.UTF_8));
        assertEquals(Map.of("sha256", r.cksum()), text.info().metadata());
        assertEquals("text/plain; charset=utf-8", text.info().contentType());
        assertTrue(blobs.get("crates/foo/foo-1.0.0.readme.html").isEmpty(), "rendered on the first read, not here");
    }

    @Test
    void a_publish_that_loses_the_commit_to_a_concurrent_one_writes_no_readme_text() {
        // same bytes, other README text: the one that commits first is the version, and only its text is kept
        store.beforeNextCommit(c -> publishAs(bob, withReadme("1.0.0", "# the winner's\n")));

        assertEquals(400, refused(alice, withReadme("1.0.0", "# the loser's\n")).status());

        assertEquals("# the winner's\n", new String(blobs.get("crates/foo/foo-1.0.0.readme").orElseThrow().body(), StandardCharsets.UTF_8));
        assertEquals(1, blobs.writes().stream().filter("crates/foo/foo-1.0.0.readme"::equals).count(), blobs.writes().toString());
    }

    @Test
    void a_readme_text_that_cannot_be_stored_does_not_fail_the_publish() {
        blobs.failWritesTo(k -> k.endsWith(".readme"));

        assertEquals("1.0.0", publishAs(alice, withReadme("1.0.0", "# foo\n")).version());

        assertTrue(store.findVersion("foo", "1.0.0").isPresent());
        assertTrue(blobs.get("crates/foo/foo-1.0.0.readme").isEmpty());
    }

    // ---- races and leftovers ------------------------------------------------------------------------------------

    @Test
    void commit_is_retried_when_the_crate_changed_concurrently() {
        publishAs(alice, body("foo", "1.0.0"));
        // while our publish of 1.2.0 runs, another publish of 1.1.0 commits first
        store.beforeNextCommit(c -> {
            try {
                var cur = store.findCrate("foo").orElseThrow();
                var other = new MetadataStore.VersionRecord("foo", "1.1.0", "1.1.0", cur.versionCount() + 1,
                        c.version().line().replace("1.2.0", "1.1.0"), false, "0".repeat(64), 1, "alice", START, VersionDetails.EMPTY);
                Unaudited.of(store).commitPublish(new MetadataStore.PublishCommit("foo", "foo", cur.revision(), cur.versionCount(),
                        "alice", other, cur.summary(), START));
            } catch (MetadataStore.CommitConflict e) {
                throw new AssertionError(e);
            }
        });

        assertEquals("1.2.0", publishAs(alice, body("foo", "1.2.0")).version());

        assertEquals(3, store.findVersion("foo", "1.2.0").orElseThrow().seq());
        assertEquals(List.of("1.0.0", "1.1.0", "1.2.0"),
                indexLines("index/3/f/foo").stream().map(l -> json(l).get("vers").asText()).toList());
    }

    @Test
    void commit_conflict_on_the_same_version_answers_already_uploaded() {
        publishAs(alice, body("foo", "1.0.0"));
        store.beforeNextCommit(c -> {
            try {
                var cur = store.findCrate("foo").orElseThrow();
                var other = new MetadataStore.VersionRecord("foo", "1.1.0+other", "1.1.0", cur.versionCount() + 1,
                        c.version().line(), false, "0".repeat(64), 1, "alice", START, VersionDetails.EMPTY);
                Unaudited.of(store).commitPublish(new MetadataStore.PublishCommit("foo", "foo", cur.revision(), cur.versionCount(),
                        "alice", other, cur.summary(), START));
            } catch (MetadataStore.CommitConflict e) {
                throw new AssertionError(e);
            }
        });

        RegistryException e = refused(alice, body("foo", "1.1.0"));

        assertEquals(400, e.status());
        assertEquals("crate version `1.1.0+other` is already uploaded", e.detail());
    }

    @Test
    void ownership_lost_during_a_commit_retry_is_forbidden() {
        publishAs(bob, body("foo", "1.0.0"));
        store.addOwner("foo", "alice");
        // alice's publish reads the crate, then (before her commit) she is no longer an owner
        store.beforeNextCommit(c -> store.setOwners("foo", Set.of("bob")));

        assertEquals(403, refused(alice, body("foo", "1.1.0")).status());
        assertTrue(store.findVersion("foo", "1.1.0").isEmpty());
    }

    @Test
    void concurrent_first_publish_of_a_new_crate_by_someone_else_is_forbidden() {
        store.beforeNextCommit(c -> publishAs(bob, body("foo", "0.1.0")));

        RegistryException e = refused(alice, body("foo", "1.0.0"));

        assertEquals(403, e.status());
        assertEquals(Set.of("bob"), store.findCrate("foo").orElseThrow().owners());
    }

    @Test
    void leftover_tarball_with_the_same_bytes_is_reused() {
        byte[] crate = TarballBuilder.valid("foo", "1.0.0");
        blobs.seed("crates/foo/foo-1.0.0.crate", crate,
                new BlobStore.Attributes("application/gzip", "x", Map.of("sha256", sha256(crate))), START);

        assertEquals("1.0.0", publishAs(alice, body(PublishBodyBuilder.of("foo", "1.0.0"), crate)).version());
        assertEquals(1, indexLines("index/3/f/foo").size());
    }

    @Test
    void recent_leftover_tarball_with_other_bytes_is_a_conflict() {
        blobs.seed("crates/foo/foo-1.0.0.crate", new byte[] {1, 2, 3},
                new BlobStore.Attributes("application/gzip", "x", Map.of("sha256", "0".repeat(64))), START);

        RegistryException e = refused(alice, body("foo", "1.0.0"));

        assertEquals(409, e.status());
        assertArrayEquals(new byte[] {1, 2, 3}, blobs.get("crates/foo/foo-1.0.0.crate").orElseThrow().body());
        assertTrue(store.findCrate("foo").isEmpty(), "nothing committed");
    }

    @Test
    void stale_leftover_tarball_with_other_bytes_is_replaced() {
        blobs.seed("crates/foo/foo-1.0.0.crate", new byte[] {1, 2, 3},
                new BlobStore.Attributes("application/gzip", "x", Map.of("sha256", "0".repeat(64))), START);
        clock.advance(Duration.ofSeconds(config.limits().stalePublishSeconds()));
        byte[] crate = TarballBuilder.valid("foo", "1.0.0");

        publishAs(alice, body(PublishBodyBuilder.of("foo", "1.0.0"), crate));

        assertArrayEquals(crate, blobs.get("crates/foo/foo-1.0.0.crate").orElseThrow().body());
        assertEquals(sha256(crate), json(indexLines("index/3/f/foo").get(0)).get("cksum").asText());
    }
}
