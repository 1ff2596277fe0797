package dev.cargoreg.core.mirror;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.Upstream;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mirror's rules over in-memory storage and a scripted upstream (the real HTTP path is in infra/local's ITs). */
class MirrorServiceTest {
    static final String UP = "https://up.example/index/";
    static final byte[] CRATE = TarballBuilder.valid("itoa", "1.0.1");
    static final String CKSUM = Digests.sha256Hex(CRATE);
    /** A line with a field this registry has never heard of: it must survive byte for byte. */
    static final String LINE = "{\"name\":\"itoa\",\"vers\":\"1.0.1\",\"deps\":[],\"cksum\":\"" + CKSUM
            + "\",\"features\":{},\"yanked\":false,\"rust_version\":\"1.36\",\"future_field\":{\"x\":[1, 2]}}\n";

    /** Answers by URL; a missing URL is a 404; a null response is a transport failure. */
    static final class ScriptedUpstream implements Upstream {
        final Map<String, Response> answers = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public Response get(String url, String ifNoneMatch, long maxBytes, Duration timeout) {
            calls.add(url + (ifNoneMatch == null ? "" : " if-none-match " + ifNoneMatch));
            if (!answers.containsKey(url)) {
                return new Response(404, new byte[0], null);
            }
            Response r = answers.get(url);
            if (r == null) {
                throw new UpstreamFailure(url + " did not answer within 3000 ms", null);
            }
            if (ifNoneMatch != null && ifNoneMatch.equals(r.etag()) && r.status() == 200) {
                return new Response(304, new byte[0], r.etag());
            }
            if (r.body().length > maxBytes) {
                throw new UpstreamFailure(url + " is over the mirror's limit of " + maxBytes + " bytes", null);
            }
            return r;
        }

        void serve(String url, String body, String etag) {
            answers.put(url, new Response(200, body.getBytes(StandardCharsets.UTF_8), etag));
        }
    }

    MutableClock clock;
    InMemoryMetadataStore store;
    InMemoryBlobStore blobs;
    ScriptedUpstream upstream;
    RegistryConfig config;
    MirrorService mirror;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
        store = new InMemoryMetadataStore();
        blobs = new InMemoryBlobStore(clock);
        upstream = new ScriptedUpstream();
        upstream.serve(UP + "config.json", "{\"dl\":\"https://static.example/crates\",\"api\":\"https://up.example\"}", "\"c\"");
        upstream.serve(UP + "it/oa/itoa", LINE, "\"e1\"");
        upstream.answers.put("https://static.example/crates/itoa/1.0.1/download", new Upstream.Response(200, CRATE, null));
        build(MirrorConfig.of("sparse+" + UP).withReserved(List.of("acme-*")));
    }

    void build(MirrorConfig m) {
        config = TestConfigs.config().toBuilder().mirror(m).build();
        mirror = new MirrorService(config, store, blobs, upstream, clock);
    }

    String text(MirrorAnswer a) {
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Test
    void config_json_points_downloads_at_our_cdn_and_has_no_api() {
        String json = text(mirror.index("config.json"));
        assertEquals("{\"dl\":\"" + config.cdnBaseUrl() + "/mirror/crates/{crate}/{crate}-{version}.crate\"}", json);
        mirror.ensureConfig();
        assertEquals(json, new String(blobs.get(MirrorService.CONFIG_KEY).orElseThrow().body(), StandardCharsets.UTF_8));
    }

    @Test
    void a_miss_stores_upstream_bytes_exactly_and_the_next_read_within_the_ttl_asks_nobody() {
        MirrorAnswer a = mirror.index("it/oa/itoa");
        assertEquals(200, a.status());
        assertEquals("miss", a.outcome());
        assertEquals(LINE, text(a), "unknown fields, spacing and key order kept");
        var stored = blobs.get("mirror/index/it/oa/itoa").orElseThrow();
        assertArrayEquals(LINE.getBytes(StandardCharsets.UTF_8), stored.body());
        assertEquals("\"e1\"", stored.info().metadata().get("upstream-etag"));
        assertEquals(Long.toString(clock.instant().toEpochMilli()), stored.info().metadata().get("fetched-at"));

        upstream.calls.clear();
        clock.advance(Duration.ofSeconds(59));
        assertEquals("hit", mirror.index("it/oa/itoa").outcome());
        assertEquals(List.of(), upstream.calls);
    }

    @Test
    void after_the_ttl_a_conditional_get_revalidates_or_brings_the_new_version() {
        mirror.index("it/oa/itoa");
        clock.advance(Duration.ofSeconds(61));
        upstream.calls.clear();
        MirrorAnswer same = mirror.index("it/oa/itoa");
        assertEquals("revalidated", same.outcome());
        assertEquals(List.of(UP + "it/oa/itoa if-none-match \"e1\""), upstream.calls);
        assertEquals(LINE, text(same));

        String two = LINE + LINE.replace("1.0.1", "1.0.2");
        upstream.serve(UP + "it/oa/itoa", two, "\"e2\"");
        assertEquals("hit", mirror.index("it/oa/itoa").outcome(), "the revalidation restarted the TTL");
        clock.advance(Duration.ofSeconds(61));
        MirrorAnswer updated = mirror.index("it/oa/itoa");
        assertEquals("updated", updated.outcome());
        assertEquals(two, text(updated));
        assertEquals("\"e2\"", blobs.get("mirror/index/it/oa/itoa").orElseThrow().info().metadata().get("upstream-etag"));
    }

    @Test
    void upstream_down_serves_the_stale_copy_and_without_one_a_clear_error_and_nothing_stored() {
        mirror.index("it/oa/itoa");
        clock.advance(Duration.ofMinutes(5));
        upstream.answers.put(UP + "it/oa/itoa", null);
        MirrorAnswer stale = mirror.index("it/oa/itoa");
        assertEquals(200, stale.status());
        assertEquals("stale", stale.outcome());
        assertEquals(LINE, text(stale));

        upstream.answers.put(UP + "ry/u/ryu", null);
        upstream.answers.put(UP + "3/r/ryu", null);
        MirrorAnswer none = mirror.index("3/r/ryu");
        assertEquals(502, none.status());
        assertTrue(none.detail().contains("not cached yet") && none.detail().contains("did not answer within"), none.detail());
        assertTrue(blobs.get("mirror/index/3/r/ryu").isEmpty());
    }

    @Test
    void a_5xx_garbage_or_an_oversized_file_is_never_stored() {
        upstream.answers.put(UP + "3/r/ryu", new Upstream.Response(503, "busy".getBytes(StandardCharsets.UTF_8), null));
        assertEquals(502, mirror.index("3/r/ryu").status());
        assertTrue(mirror.index("3/r/ryu").detail().contains("HTTP 503"));

        upstream.serve(UP + "3/r/ryu", "<html>captive portal</html>\n", null);
        MirrorAnswer garbage = mirror.index("3/r/ryu");
        assertEquals(502, garbage.status());
        assertTrue(garbage.detail().contains("not valid (line 1 is not JSON)"), garbage.detail());

        upstream.serve(UP + "3/r/ryu", LINE, null);
        assertTrue(mirror.index("3/r/ryu").detail().contains("is not a version of `ryu`"), "another crate's lines are garbage too");

        build(MirrorConfig.of(UP).withMaxBytes(100, 1000));
        upstream.serve(UP + "3/r/ryu", LINE.replace("itoa", "ryu"), null);
        MirrorAnswer huge = mirror.index("3/r/ryu");
        assertEquals(502, huge.status());
        assertTrue(huge.detail().contains("over the mirror's limit of 100 bytes"), huge.detail());
        assertTrue(blobs.get("mirror/index/3/r/ryu").isEmpty());
    }

    @Test
    void a_crate_is_stored_only_when_its_checksum_matches_its_line_and_then_served_without_upstream() {
        upstream.answers.put("https://static.example/crates/itoa/1.0.1/download",
                new Upstream.Response(200, TarballBuilder.valid("itoa", "9.9.9"), null));
        MirrorAnswer bad = mirror.crate("itoa/itoa-1.0.1.crate");
        assertEquals(502, bad.status());
        assertTrue(bad.detail().contains("but its index says " + CKSUM) && bad.detail().contains("nothing was stored"), bad.detail());
        assertTrue(blobs.get("mirror/crates/itoa/itoa-1.0.1.crate").isEmpty());

        upstream.answers.put("https://static.example/crates/itoa/1.0.1/download", new Upstream.Response(200, CRATE, null));
        MirrorAnswer ok = mirror.crate("itoa/itoa-1.0.1.crate");
        assertEquals(200, ok.status());
        assertArrayEquals(CRATE, ok.body());
        assertEquals(MirrorService.CRATE_CACHE, blobs.get("mirror/crates/itoa/itoa-1.0.1.crate").orElseThrow().info().cacheControl());

        upstream.answers.clear();
        assertEquals("hit", mirror.crate("itoa/itoa-1.0.1.crate").outcome(), "a cached crate outlives its upstream");
        assertEquals(404, mirror.crate("itoa/itoa-7.0.0.crate").status(), "a version no line names");
    }

    @Test
    void dl_templates_follow_cargo() {
        assertEquals("https://s/crates/serde/1.0.0/download", MirrorService.dlUrl("https://s/crates", "serde", "1.0.0", "x"));
        assertEquals("https://s/se/rd/serde/serde-1.0.0.crate?c=ab",
                MirrorService.dlUrl("https://s/{prefix}/{crate}/{crate}-{version}.crate?c={sha256-checksum}", "serde", "1.0.0", "ab"));
        assertEquals("https://s/3/A/Abc", MirrorService.dlUrl("https://s/{prefix}/{crate}", "Abc", "1.0.0", "x"));
        assertEquals("https://s/3/a/Abc", MirrorService.dlUrl("https://s/{lowerprefix}/{crate}", "Abc", "1.0.0", "x"));
    }

    @Test
    void offline_serves_only_what_is_cached() {
        mirror.index("it/oa/itoa");
        mirror.crate("itoa/itoa-1.0.1.crate");
        build(MirrorConfig.of(UP).withOffline(true));
        upstream.calls.clear();
        clock.advance(Duration.ofDays(30));
        assertEquals("hit", mirror.index("it/oa/itoa").outcome());
        assertEquals("hit", mirror.crate("itoa/itoa-1.0.1.crate").outcome());
        MirrorAnswer miss = mirror.index("3/r/ryu");
        assertEquals(404, miss.status());
        assertTrue(miss.detail().contains("offline"));
        assertEquals(List.of(), upstream.calls);
    }

    @Test
    void names_of_the_private_registry_and_reserved_names_are_never_served_from_upstream() {
        store.addUserWithToken("alice", "cargoreg_alice_secret");
        PublishService publish = new PublishService(config, store, blobs, new IndexSync(store, blobs, config),
                clock, mirror);
        publish.publish(new Authenticator(store, clock).resolve("cargoreg_alice_secret", false),
                PublishBodyBuilder.of("private-thing", "0.1.0").body(TarballBuilder.valid("private-thing", "0.1.0")));
        upstream.serve(UP + "pr/iv/private_thing", LINE.replace("itoa", "private_thing"), null);
        upstream.calls.clear();
        MirrorAnswer privateName = mirror.index("pr/iv/private_thing");
        assertEquals(403, privateName.status());
        assertTrue(privateName.detail().contains("is a crate of this private registry"), privateName.detail());
        assertEquals(403, mirror.crate("private_thing/private_thing-1.0.1.crate").status());

        MirrorAnswer reserved = mirror.index("ac/me/acme_core");
        assertEquals(403, reserved.status());
        assertTrue(reserved.detail().contains("reserved name pattern `acme_*`"), reserved.detail());
        assertTrue(upstream.calls.stream().noneMatch(c -> c.contains("private_thing") || c.contains("acme")), upstream.calls.toString());
        assertTrue(blobs.get("mirror/index/pr/iv/private_thing").isEmpty());
    }

    @Test
    void a_private_publish_of_a_new_upstream_name_is_refused_unless_allowed() {
        store.addUserWithToken("alice", "cargoreg_alice_secret");
        PublishService publish = new PublishService(config, store, blobs, new IndexSync(store, blobs, config),
                clock, mirror);
        var alice = new Authenticator(store, clock).resolve("cargoreg_alice_secret", false);
        RegistryException e = assertThrows(RegistryException.class,
                () -> publish.publish(alice, PublishBodyBuilder.of("itoa", "5.0.0").body(TarballBuilder.valid("itoa", "5.0.0"))));
        assertEquals(403, e.status());
        assertTrue(e.detail().contains("exists on the upstream registry " + UP) && e.detail().contains("dependency confusion"), e.detail());
        assertTrue(store.findCrate("itoa").isEmpty(), "nothing written");

        upstream.answers.put(UP + "ry/u/ryu", null);
        upstream.answers.put(UP + "3/r/ryu", null);
        RegistryException down = assertThrows(RegistryException.class,
                () -> publish.publish(alice, PublishBodyBuilder.of("ryu", "1.0.0").body(TarballBuilder.valid("ryu", "1.0.0"))));
        assertEquals(503, down.status(), "unknown is not free: fail closed");

        build(MirrorConfig.of(UP).withAllowedPrivate(Set.of("itoa")));
        PublishService allowed = new PublishService(config, store, blobs, new IndexSync(store, blobs, config),
                clock, mirror);
        assertEquals("itoa", allowed.publish(alice, PublishBodyBuilder.of("itoa", "5.0.0").body(TarballBuilder.valid("itoa", "5.0.0"))).name());
        // a name upstream does not have is free; a later version of an existing private crate is not asked about again
        allowed.publish(alice, PublishBodyBuilder.of("brand-new", "0.1.0").body(TarballBuilder.valid("brand-new", "0.1.0")));
        upstream.calls.clear();
        allowed.publish(alice, PublishBodyBuilder.of("brand-new", "0.2.0").body(TarballBuilder.valid("brand-new", "0.2.0")));
        assertEquals(List.of(), upstream.calls);
    }

    @Test
    void paths_that_are_not_where_cargo_looks_are_refused() {
        assertNull(MirrorService.nameOfIndexPath("se/rd/Serde"));
        assertNull(MirrorService.nameOfIndexPath("xx/rd/serde"));
        assertNull(MirrorService.nameOfIndexPath("../../index/se/rd/serde"));
        assertEquals("serde", MirrorService.nameOfIndexPath("se/rd/serde"));
        assertEquals(404, mirror.crate("itoa/../../x.crate").status());
        assertFalse(upstream.calls.stream().anyMatch(c -> c.contains("..")));
    }

    @Test
    void a_name_upstream_has_not_is_remembered_for_the_negative_ttl_then_asked_again() {
        build(MirrorConfig.of(UP).withNegativeTtl(Duration.ofSeconds(60)));
        MirrorAnswer first = mirror.index("3/r/ryu");
        assertEquals(404, first.status());
        assertEquals("not-found", first.outcome());
        assertEquals(List.of(UP + "3/r/ryu"), upstream.calls);
        assertTrue(blobs.head(MirrorService.ABSENT_PREFIX + "3/r/ryu").isPresent(), "the marker is shared through the bucket");
        assertTrue(blobs.get("mirror/index/3/r/ryu").isEmpty(), "no index file for a name upstream does not have");

        upstream.calls.clear();
        clock.advance(Duration.ofSeconds(59));
        MirrorAnswer remembered = mirror.index("3/r/ryu");
        assertEquals(404, remembered.status());
        assertEquals("negative-hit", remembered.outcome());
        assertEquals(404, mirror.crate("ryu/ryu-1.0.0.crate").status(), "a download of it does not ask upstream either");
        assertEquals(List.of(), upstream.calls, "within the negative TTL upstream is not asked");

        // published upstream meanwhile: visible once the negative TTL has passed
        upstream.serve(UP + "3/r/ryu", LINE.replace("itoa", "ryu"), "\"r1\"");
        clock.advance(Duration.ofSeconds(2));
        MirrorAnswer later = mirror.index("3/r/ryu");
        assertEquals(200, later.status(), later.detail());
        assertEquals("miss", later.outcome());
        assertEquals(List.of(UP + "3/r/ryu"), upstream.calls);
    }

    @Test
    void a_zero_negative_ttl_asks_upstream_on_every_miss_and_the_publish_check_never_uses_the_negative_cache() {
        build(MirrorConfig.of(UP).withNegativeTtl(Duration.ZERO));
        mirror.index("3/r/ryu");
        mirror.index("3/r/ryu");
        assertEquals(List.of(UP + "3/r/ryu", UP + "3/r/ryu"), upstream.calls);
        assertTrue(blobs.head(MirrorService.ABSENT_PREFIX + "3/r/ryu").isEmpty());

        build(MirrorConfig.of(UP));
        mirror.index("3/r/ryu");
        upstream.serve(UP + "3/r/ryu", LINE.replace("itoa", "ryu"), "\"r1\"");
        // the dependency-confusion check must see upstream as it is now, not a 404 remembered a moment ago
        assertThrows(RegistryException.class, () -> mirror.requireFreeForPrivatePublish("ryu"));
    }

    /** crates.io files a crate under the spelling it was published with; cargo treats every `-`/`_` mix as that name. */
    @Test
    void a_private_name_is_refused_when_upstream_has_it_under_another_mix_of_dashes_and_underscores() {
        build(MirrorConfig.of(UP));
        upstream.serve(UP + "fo/o_/foo_bar-baz", LINE.replace("itoa", "foo_bar-baz"), "\"r1\"");
        assertThrows(RegistryException.class, () -> mirror.requireFreeForPrivatePublish("foo-bar_baz"));
        assertTrue(upstream.calls.contains(UP + "fo/o_/foo_bar-baz"), upstream.calls.toString());

        assertEquals(Set.of("a-b_c", "a_b_c", "a-b-c", "a_b-c"), MirrorService.spellings("A-b_c"));
        assertEquals(16, MirrorService.spellings("a-b-c-d-e").size(), "every mix up to four separators");
        assertEquals(Set.of("a-b-c-d-e-f", "a_b_c_d_e_f"), MirrorService.spellings("a-b-c-d-e-f"), "beyond, the two uniform ones");
    }

    @Test
    void a_crate_over_the_inline_limit_is_stored_and_answered_with_a_307_to_its_cdn_path() {
        build(MirrorConfig.of(UP).withMaxInlineBytes(CRATE.length - 1));
        MirrorAnswer miss = mirror.crate("itoa/itoa-1.0.1.crate");
        assertEquals(307, miss.status());
        assertEquals("/mirror/crates/itoa/itoa-1.0.1.crate", miss.location(), "a path: same host, cargo keeps its token");
        assertEquals("no-store", miss.cacheControl(), "the CDN must not keep the redirect: next time S3 has the file");
        assertArrayEquals(CRATE, blobs.get("mirror/crates/itoa/itoa-1.0.1.crate").orElseThrow().body(), "stored first");
        assertEquals(307, mirror.crate("itoa/itoa-1.0.1.crate").status(), "a cached large crate is redirected too");

        build(MirrorConfig.of(UP).withMaxInlineBytes(CRATE.length));
        MirrorAnswer inline = mirror.crate("itoa/itoa-1.0.1.crate");
        assertEquals(200, inline.status());
        assertArrayEquals(CRATE, inline.body());
    }

    @Test
    void the_negative_ttl_and_inline_limit_come_from_the_environment() {
        MirrorConfig c = MirrorConfig.fromEnvironment(Map.of("REGISTRY_MIRROR_UPSTREAM", UP,
                "REGISTRY_MIRROR_NEGATIVE_TTL_SECONDS", "15", "REGISTRY_MIRROR_MAX_INLINE_BYTES", "1000"));
        assertEquals(Duration.ofSeconds(15), c.negativeTtl());
        assertEquals(1000, c.maxInlineBytes());
        MirrorConfig d = MirrorConfig.fromEnvironment(Map.of("REGISTRY_MIRROR_UPSTREAM", UP));
        assertEquals(MirrorConfig.DEFAULT_NEGATIVE_TTL, d.negativeTtl());
        assertEquals(MirrorConfig.DEFAULT_MAX_INLINE_BYTES, d.maxInlineBytes());
    }

    @Test
    void bootstrap_and_reindex_write_the_mirror_config_json_beside_the_index_one() {
        new IndexSync(store, blobs, config).ensureConfig();
        assertArrayEquals(mirror.configJson(), blobs.get(MirrorService.CONFIG_KEY).orElseThrow().body());
        InMemoryBlobStore other = new InMemoryBlobStore(clock);
        new IndexSync(store, other, TestConfigs.config()).ensureConfig();
        assertTrue(other.get(MirrorService.CONFIG_KEY).isEmpty(), "no mirror, no mirror config.json");
    }
}
