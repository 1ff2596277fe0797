package dev.cargoreg.core.publish;

import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.wiring.RegistryServices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A publish adds one line to the crate's index file without reading the crate's other versions, and the file is
 * always exactly what a full rendering from the truth gives.
 */
class PublishAppendsToTheIndexTest {
    private final FakeRegistry r = new FakeRegistry().users("alice");
    private final AtomicInteger versionListings = new AtomicInteger();
    private PublishService publish;

    @BeforeEach
    void countingStore() {
        MetadataStore counting = (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[]{MetadataStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("listVersions")) {
                        versionListings.incrementAndGet();
                    }
                    try {
                        return method.invoke(r.store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        publish = RegistryServices.builder().config(r.config).clock(r.clock).store(counting).blobs(r.blobs).cdn(r.cdn)
                .searchSource(InMemorySearchSource.of(r.store)).build().publish();
    }

    private void publish(String name, String version) {
        publish.publish(r.as("alice"), PublishBodyBuilder.of(name, version).body());
    }

    private byte[] fullRendering(String name) {
        return IndexLines.render(r.store.listVersions(name).stream()
                .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList());
    }

    private BlobStore.Blob indexFile(String name) {
        return r.blobs.get(IndexPaths.keyOf(name)).orElseThrow();
    }

    @Test
    void each_publish_appends_its_line_and_lists_no_versions() {
        for (String v : new String[]{"0.1.0", "0.2.0", "1.0.0-rc.1", "0.2.1", "1.0.0"}) {
            publish("foo", v);
        }

        assertEquals(0, versionListings.get(), "no publish read the crate's versions");
        assertArrayEquals(fullRendering("foo"), indexFile("foo").body());
        assertEquals("5", indexFile("foo").info().metadata().get(IndexSync.REVISION_METADATA));
        assertEquals("5", indexFile("foo").info().metadata().get(IndexSync.LAST_SEQ_METADATA));
    }

    @Test
    void after_a_yank_the_next_publish_appends_to_the_yanked_rendering() {
        publish("foo", "1.0.0");
        r.services.yank().setYanked(r.as("alice"), "foo", "1.0.0", true);
        publish("foo", "1.1.0");

        assertArrayEquals(fullRendering("foo"), indexFile("foo").body());
        assertEquals(r.store.findCrate("foo").orElseThrow().revision(),
                Long.parseLong(indexFile("foo").info().metadata().get(IndexSync.REVISION_METADATA)));
    }

    @Test
    void a_file_written_before_files_carried_their_last_sequence_is_rendered_in_full() {
        publish("foo", "1.0.0");
        BlobStore.Blob old = indexFile("foo");
        // as an older registry wrote it: a revision label only, and here a line it would never have had
        byte[] stale = (new String(old.body()) + "{\"stale\":true}\n").getBytes();
        r.blobs.put(IndexPaths.keyOf("foo"), stale, new BlobStore.Attributes(old.info().contentType(),
                old.info().cacheControl(), Map.of(IndexSync.REVISION_METADATA, "1")));

        publish("foo", "1.1.0");

        assertEquals(1, versionListings.get(), "the fallback renders from the truth");
        assertArrayEquals(fullRendering("foo"), indexFile("foo").body());
    }

    @Test
    void a_file_behind_the_revision_before_is_rendered_in_full() {
        publish("foo", "1.0.0");
        r.blobs.delete(IndexPaths.keyOf("foo"));

        publish("foo", "1.1.0");

        assertArrayEquals(fullRendering("foo"), indexFile("foo").body());
    }
}
