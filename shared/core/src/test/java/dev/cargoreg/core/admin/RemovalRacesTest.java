package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore.PendingRemoval;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.wiring.RegistryServices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Removals racing publishes, re-runs and index writes, each at the moment that broke it (found by a review): a hooked
 * blob store runs the other request at one exact call.
 */
class RemovalRacesTest {
    private FakeRegistry r;
    private RemovalService removal;
    private Principal root;

    @BeforeEach
    void setUp() {
        r = new FakeRegistry().users("alice", "bob").admin("root");
        removal = new RemovalService(r.store, r.blobs, r.index, r.cdn, r.clock);
        root = r.as("root");
    }

    /** BlobStore whose calls can be intercepted: hook(method, key) runs first, once per matching armed hook. */
    private BlobStore hooked(AtomicReference<BiFunction<String, String, Boolean>> hook) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[]{BlobStore.class},
                (p, m, args) -> {
                    BiFunction<String, String, Boolean> h = hook.get();
                    if (h != null && args != null && args.length > 0 && args[0] instanceof String key
                            && h.apply(m.getName(), key)) {
                        hook.set(null);
                    }
                    try {
                        return m.invoke(r.blobs, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void crashRightAfterTheCommit(Runnable op) {
        r.blobs.failWritesTo(k -> k.startsWith("index/"));
        r.blobs.failDeletesTo(k -> true);
        assertThrows(RegistryException.class, op::run);
        r.blobs.failWritesTo(k -> false);
        r.blobs.failDeletesTo(k -> false);
    }

    private String rendering(String canonical) {
        return new String(IndexLines.render(r.store.listVersions(canonical).stream()
                .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList()), StandardCharsets.UTF_8);
    }

    private String file(String name) {
        return r.blobs.get(IndexPaths.keyOf(name)).map(b -> new String(b.body(), StandardCharsets.UTF_8)).orElse("");
    }

    private static byte[] body(String name, String version) {
        return PublishEnvelope.encode(PublishBodyBuilder.of(name, version).bytes(), TarballBuilder.valid(name, version));
    }

    // IndexSync.afterCommit deletes the file unconditionally after seeing NO_SUCH_CRATE
    @Test
    void a_crate_created_again_while_its_removal_deletes_the_index_file_gets_its_file_back() {
        r.publish("alice", "solo", "1.0.0");
        AtomicReference<BiFunction<String, String, Boolean>> hook = new AtomicReference<>((m, k) -> {
            if (m.equals("delete") && k.equals(IndexPaths.keyOf("solo"))) {
                r.publish("bob", "solo", "2.0.0"); // a new crate under the freed name, committed and indexed
                return true;
            }
            return false;
        });
        BlobStore blobs = hooked(hook);
        RemovalService racing = new RemovalService(r.store, blobs, new IndexSync(r.store, blobs, r.config), r.cdn, r.clock);

        racing.removeCrate(root, "solo");

        assertTrue(r.store.findVersion("solo", "2.0.0").isPresent(), "bob's crate exists");
        assertEquals(rendering("solo"), file("solo"), "index file = rendering of DynamoDB");
    }

    // a version removal retried after a conflict removes whatever now holds the same version-without-build
    @Test
    void a_removal_retried_after_a_conflict_never_removes_another_version_published_meanwhile() {
        r.publish("alice", "qux", "0.1.0");
        byte[] a = body("qux", "1.0.0+a");
        r.publisher.publish(r.as("alice"), a);
        r.store.beforeNextChange(() -> {
            // another admin's removal of the same version runs to the end, then its owner publishes 1.0.0+b
            removal.removeVersion(root, "qux", "1.0.0+a");
            r.clock.advance(PendingRemoval.SETTLE.plusSeconds(1));
            r.publisher.publish(r.as("alice"), body("qux", "1.0.0+b"));
        });

        removal.removeVersion(root, "qux", "1.0.0+a");

        assertTrue(r.store.findVersion("qux", "1.0.0").isPresent(), "1.0.0+b was never asked to be removed; tarball of"
                + " 1.0.0+b still there: " + r.blobs.get("crates/qux/qux-1.0.0+b.crate").isPresent() + ", index: "
                + file("qux").contains("1.0.0+b") + ", pending: " + r.store.pendingRemovals("qux"));
    }

    // the 409 tells the publisher an admin can finish by "removing the version again"; with build metadata, 404
    @Test
    void a_pending_removal_of_a_version_with_build_metadata_is_finished_by_removing_the_version_the_409_names() {
        r.publish("alice", "bm", "0.1.0");
        r.publisher.publish(r.as("alice"), body("bm", "1.0.0+x"));
        crashRightAfterTheCommit(() -> removal.removeVersion(root, "bm", "1.0.0+x"));
        RegistryException blocked = assertThrows(RegistryException.class,
                () -> r.publisher.publish(r.as("alice"), body("bm", "1.0.0")));
        assertEquals(409, blocked.status());
        assertTrue(blocked.detail().contains("version `1.0.0`"), blocked.detail());

        removal.removeVersion(root, "bm", "1.0.0");          // 404 today

        assertTrue(r.store.pendingRemovals("bm").isEmpty());
    }

    // removeCrate answers 200 "removed crate" while a version published during the loop survives
    @Test
    void a_crate_removal_also_removes_a_version_published_while_it_runs() {
        r.publish("alice", "foo", "1.0.0");
        r.publish("alice", "foo", "1.1.0");
        r.store.beforeNextChange(() -> r.publish("alice", "foo", "3.0.0"));

        removal.removeCrate(root, "foo");

        assertTrue(r.store.findCrate("foo").isEmpty(), "a crate removal that answered 200 removed the crate");
    }

    // dropOutranking reads the crate, then the file: a publish in between makes the live file look "outranking"
    @Test
    void dropping_an_outranking_file_keeps_the_fresh_file_of_a_concurrent_publish() {
        r.publish("alice", "foo", "1.0.0");
        r.publish("alice", "foo", "1.1.0");
        AtomicReference<BiFunction<String, String, Boolean>> hook = new AtomicReference<>((m, k) -> {
            if (m.equals("head") && k.equals(IndexPaths.keyOf("foo"))) {
                r.publish("alice", "foo", "2.0.0");
                return true;
            }
            return false;
        });
        BlobStore blobs = hooked(hook);
        RemovalCleanup cleanup = new RemovalCleanup(r.store, blobs, new IndexSync(r.store, blobs, r.config), r.cdn, r.clock);

        cleanup.dropOutranking("foo");

        assertEquals(rendering("foo"), file("foo"), "the live crate's correct file is not deleted");
    }

    // an index writer re-creates the file of a crate removed between its look at the crate and its write
    @Test
    void a_publish_racing_the_removal_of_its_crate_leaves_no_index_file_behind() {
        AtomicReference<BiFunction<String, String, Boolean>> hook = new AtomicReference<>((m, k) -> {
            if (m.equals("putIfAbsent") && k.equals(IndexPaths.keyOf("ghost"))) {
                // the publish has committed; an administrator removes the crate, to the end, before its index write
                removal.removeCrate(root, "ghost");
                return true;
            }
            return false;
        });
        var services = RegistryServices.builder().config(r.config).clock(r.clock)
                .store(r.store).blobs(hooked(hook)).cdn(r.cdn)
                .searchSource(InMemorySearchSource.of(r.store)).build();

        services.publish().publish(r.as("alice"), body("ghost", "1.0.0"));

        assertTrue(r.store.findCrate("ghost").isEmpty(), "removed");
        assertTrue(r.blobs.get("crates/ghost/ghost-1.0.0.crate").isEmpty(), "tarball deleted");
        assertEquals("", file("ghost"), "no index file for a crate that does not exist");
    }

    // an interrupted crate removal, then the crate created again under the other separator spelling
    @Test
    void a_crate_created_again_under_another_spelling_does_not_keep_the_removed_spellings_index_file() {
        r.publish("alice", "my-crate", "1.0.0");
        crashRightAfterTheCommit(() -> removal.removeCrate(root, "my-crate"));
        r.publish("bob", "my_crate", "2.0.0");

        removal.removeVersion(root, "my-crate", "1.0.0");   // finishes the pending removal (as the 409 says)
        r.services.reindex().reindex(root);                 // and a full reindex

        assertTrue(r.store.pendingRemovals("my_crate").isEmpty());
        assertTrue(r.blobs.get("crates/my-crate/my-crate-1.0.0.crate").isEmpty(), "tarball deleted");
        assertEquals("", file("my-crate"), "the removed crate's file (index/my/-c/my-crate) is gone");
    }

    // two cleanups of one removal (a re-run while the first still runs), and the same bytes published again between
    @Test
    void a_version_published_again_keeps_its_tarball_when_two_cleanups_of_its_removal_overlap() {
        r.publish("alice", "baz", "0.1.0");
        byte[] same = body("baz", "1.0.0");
        r.publisher.publish(r.as("alice"), same);
        crashRightAfterTheCommit(() -> removal.removeVersion(root, "baz", "1.0.0"));
        AtomicReference<RegistryException> refusedBetween = new AtomicReference<>();
        AtomicReference<BiFunction<String, String, Boolean>> hook = new AtomicReference<>((m, k) -> {
            if (m.equals("delete") && k.equals(IndexPaths.readmeKey("baz", "1.0.0"))) {
                // cleanup A has checked that the record still exists; cleanup B runs to the end, then CI publishes again
                removal.removeVersion(root, "baz", "1.0.0");
                refusedBetween.set(assertThrows(RegistryException.class, () -> r.publisher.publish(r.as("alice"), same)));
                return true;
            }
            return false;
        });
        BlobStore blobs = hooked(hook);
        new RemovalService(r.store, blobs, new IndexSync(r.store, blobs, r.config), r.cdn, r.clock)
                .removeVersion(root, "baz", "1.0.0");

        assertEquals(409, refusedBetween.get().status(), "the version waits until no cleanup of its removal can run");
        r.clock.advance(PendingRemoval.SETTLE.plusSeconds(1));
        r.publisher.publish(r.as("alice"), same);
        assertTrue(r.store.findVersion("baz", "1.0.0").isPresent(), "published again, and listed");
        assertTrue(r.blobs.get("crates/baz/baz-1.0.0.crate").isPresent(), "a listed version has its tarball");
    }
}
