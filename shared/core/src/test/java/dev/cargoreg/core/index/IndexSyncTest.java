package dev.cargoreg.core.index;

import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.VersionDetails;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.IndexEntries;
import dev.cargoreg.core.publish.NewCrateMetadata;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexSyncTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final String KEY = "index/3/f/foo";

    private final RegistryConfig config = TestConfigs.config();
    private InMemoryMetadataStore store;
    private InMemoryBlobStore blobs;
    private IndexSync sync;

    @BeforeEach
    void setUp() {
        store = new InMemoryMetadataStore();
        blobs = new InMemoryBlobStore(Clock.fixed(NOW, ZoneOffset.UTC));
        sync = new IndexSync(store, blobs, config);
    }

    private static String line(String name, String vers) {
        try {
            NewCrateMetadata m = Json.mapper().readValue(PublishBodyBuilder.of(name, vers).bytes(), NewCrateMetadata.class);
            return IndexLines.serialize(IndexEntries.of(m, "0".repeat(64), NOW));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commits a version the way PublishService does; returns the crate revision afterwards. */
    private long publish(String name, String vers) throws MetadataStore.CommitConflict {
        String canonical = CrateName.canonical(name);
        var existing = store.findCrate(canonical);
        long revision = existing.map(MetadataStore.CrateRecord::revision).orElse(0L);
        long count = existing.map(MetadataStore.CrateRecord::versionCount).orElse(0L);
        var record = new MetadataStore.VersionRecord(canonical, vers, vers.split("\\+")[0], count + 1, line(name, vers),
                false, "0".repeat(64), 10, "alice", NOW, VersionDetails.EMPTY);
        Unaudited.of(store).commitPublish(new MetadataStore.PublishCommit(canonical, name, revision, count, "alice", record, null, NOW));
        return store.findCrate(canonical).orElseThrow().revision();
    }

    private String indexFile() {
        return new String(blobs.get(KEY).orElseThrow().body(), StandardCharsets.UTF_8);
    }

    private String revisionLabel() {
        return blobs.head(KEY).orElseThrow().metadata().get(IndexSync.REVISION_METADATA);
    }

    @Test
    void sync_writes_the_index_file_with_its_revision() throws Exception {
        long rev = publish("Foo", "1.0.0");

        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false));

        assertEquals(line("Foo", "1.0.0") + "\n", indexFile());
        assertEquals(Long.toString(rev), revisionLabel());
        BlobStore.BlobInfo info = blobs.head(KEY).orElseThrow();
        assertTrue(info.contentType().startsWith("text/plain"), info.contentType());
        assertEquals(config.cache().index(), info.cacheControl());
    }

    @Test
    void sync_renders_versions_in_publish_order() throws Exception {
        publish("foo", "1.0.0");
        publish("foo", "0.9.0");
        publish("foo", "2.0.0");

        sync.sync("foo", false);

        assertEquals(line("foo", "1.0.0") + "\n" + line("foo", "0.9.0") + "\n" + line("foo", "2.0.0") + "\n", indexFile());
    }

    @Test
    void sync_shows_yanked_versions_as_yanked() throws Exception {
        publish("foo", "1.0.0");
        publish("foo", "1.1.0");
        store.yank("foo", "1.0.0");

        sync.sync("foo", false);

        String[] lines = indexFile().split("\n");
        assertTrue(lines[0].contains("\"yanked\":true"), lines[0]);
        assertTrue(lines[1].contains("\"yanked\":false"), lines[1]);
        assertEquals("3", revisionLabel(), "two publishes and a yank");
    }

    @Test
    void sync_of_an_unknown_crate_writes_nothing() {
        assertEquals(IndexSync.Outcome.NO_SUCH_CRATE, sync.sync("nope", false));
        assertEquals(List.of(), blobs.writes());
    }

    @Test
    void sync_twice_writes_once() throws Exception {
        publish("foo", "1.0.0");

        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false));
        assertEquals(IndexSync.Outcome.ALREADY_CURRENT, sync.sync("foo", false));

        assertEquals(List.of(KEY), blobs.writes());
    }

    @Test
    void sync_never_overwrites_an_index_object_with_an_equal_revision() throws Exception {
        long rev = publish("foo", "1.0.0");
        byte[] theirs = "someone else's rendering\n".getBytes(StandardCharsets.UTF_8);
        blobs.seed(KEY, theirs, new BlobStore.Attributes("text/plain", "x", Map.of("revision", Long.toString(rev))), NOW);

        assertEquals(IndexSync.Outcome.ALREADY_CURRENT, sync.sync("foo", false));

        assertArrayEquals(theirs, blobs.get(KEY).orElseThrow().body());
        assertEquals(List.of(), blobs.writes());
    }

    @Test
    void sync_never_overwrites_an_index_object_with_a_newer_revision() throws Exception {
        long rev = publish("foo", "1.0.0");
        byte[] theirs = "a newer rendering\n".getBytes(StandardCharsets.UTF_8);
        blobs.seed(KEY, theirs, new BlobStore.Attributes("text/plain", "x", Map.of("revision", Long.toString(rev + 5))), NOW);

        assertEquals(IndexSync.Outcome.ALREADY_CURRENT, sync.sync("foo", false));

        assertArrayEquals(theirs, blobs.get(KEY).orElseThrow().body());
    }

    @Test
    void revisions_are_compared_as_numbers_not_strings() throws Exception {
        for (int i = 0; i < 10; i++) {
            publish("foo", "1.0." + i);
        }
        assertEquals(10, store.findCrate("foo").orElseThrow().revision());
        blobs.seed(KEY, "old\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/plain", "x", Map.of("revision", "9")), NOW);

        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false), "\"9\" > \"10\" as strings, 9 < 10 as numbers");
        assertEquals("10", revisionLabel());
    }

    @Test
    void sync_replaces_an_older_revision() throws Exception {
        publish("foo", "1.0.0");
        sync.sync("foo", false);
        long rev = publish("foo", "1.1.0");

        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false));

        assertEquals(Long.toString(rev), revisionLabel());
        assertEquals(2, indexFile().split("\n").length);
    }

    @Test
    void sync_replaces_an_object_without_or_with_a_garbled_revision() throws Exception {
        publish("foo", "1.0.0");
        blobs.seed(KEY, "legacy\n".getBytes(StandardCharsets.UTF_8), new BlobStore.Attributes("text/plain", "x", Map.of()), NOW);
        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false));

        blobs.seed(KEY, "garbled\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/plain", "x", Map.of("revision", "abc")), NOW);
        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false));
        assertEquals(line("foo", "1.0.0") + "\n", indexFile());
    }

    @Test
    void sync_loses_a_race_to_a_newer_writer_gracefully() throws Exception {
        publish("foo", "1.0.0");
        long rev = store.findCrate("foo").orElseThrow().revision();
        byte[] theirs = "written concurrently by a newer sync\n".getBytes(StandardCharsets.UTF_8);
        // between our HEAD and our conditional PUT, a sync holding a newer revision writes the object
        blobs.beforeNextPutIfMatch(() -> blobs.seed(KEY, theirs,
                new BlobStore.Attributes("text/plain", "x", Map.of("revision", Long.toString(rev + 1))), NOW));

        assertEquals(IndexSync.Outcome.ALREADY_CURRENT, sync.sync("foo", false));

        assertArrayEquals(theirs, blobs.get(KEY).orElseThrow().body(), "the newer rendering is kept");
    }

    @Test
    void sync_retries_when_an_older_writer_slipped_in() throws Exception {
        publish("foo", "1.0.0");
        publish("foo", "1.1.0");
        // a stale sync (revision 1) writes between our HEAD and our PUT; we must still end up with revision 2
        blobs.beforeNextPutIfMatch(() -> blobs.seed(KEY, "stale\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("text/plain", "x", Map.of("revision", "1")), NOW));

        assertEquals(IndexSync.Outcome.WRITTEN, sync.sync("foo", false));

        assertEquals("2", revisionLabel());
        assertEquals(2, indexFile().split("\n").length);
    }

    @Test
    void sync_gives_up_when_the_object_keeps_changing() throws Exception {
        publish("foo", "1.0.0");
        BlobStore flapping = new BlobStore() {
            private int n;

            @Override
            public Optional<BlobInfo> head(String key) {
                return Optional.of(new BlobInfo("\"e" + (n++) + "\"", NOW, 1, "text/plain", "x", Map.of()));
            }

            @Override
            public Optional<Blob> get(String key) {
                return Optional.empty();
            }

            @Override
            public boolean putIfAbsent(String key, byte[] body, Attributes attributes) {
                return false;
            }

            @Override
            public boolean putIfMatch(String key, byte[] body, Attributes attributes, String expectedEtag) {
                return false;
            }

            @Override
            public void put(String key, byte[] body, Attributes attributes) {
                throw new AssertionError("unconditional writes are never used");
            }

            @Override
            public void delete(String key) {
            }

            @Override
            public URI presignPut(String key, Duration ttl) {
                throw new UnsupportedOperationException("index sync never presigns");
            }

            @Override
            public List<String> keys(String prefix) {
                return List.of();
            }
        };

        IndexSync s = new IndexSync(store, flapping, config);

        assertThrows(IllegalStateException.class, () -> s.sync("foo", false));
    }

    @Test
    void index_file_is_keyed_by_the_lowercased_exact_name() throws Exception {
        publish("My_Crate", "1.0.0");

        sync.sync("my_crate", false);

        assertEquals(List.of("index/my/_c/my_crate"), blobs.writes());
        assertTrue(new String(blobs.get("index/my/_c/my_crate").orElseThrow().body(), StandardCharsets.UTF_8)
                .startsWith("{\"name\":\"My_Crate\""));
    }
}
