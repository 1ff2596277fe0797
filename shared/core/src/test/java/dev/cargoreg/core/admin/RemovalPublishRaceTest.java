package dev.cargoreg.core.admin;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.RecordingCdn;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import dev.cargoreg.core.wiring.RegistryServices;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding M1: an admin removal racing a re-publish of the same bytes (a CI retry) must never leave a listed version
 * without its tarball. Each trial runs the two on real threads over the in-memory fakes, with a random pause before
 * every store call so that the interleavings vary; either the publish fails or the tarball survives.
 */
class RemovalPublishRaceTest {
    private static final int TRIALS = 150;

    @Test
    void a_version_removal_racing_a_republish_of_the_same_bytes_never_leaves_a_listed_version_without_its_tarball() {
        List<String> broken = race(false);
        assertEquals(List.of(), broken, broken.size() + " of " + TRIALS + " trials broke");
    }

    @Test
    void a_crate_removal_racing_a_republish_of_the_same_bytes_never_leaves_a_listed_version_without_its_tarball() {
        List<String> broken = race(true);
        assertEquals(List.of(), broken, broken.size() + " of " + TRIALS + " trials broke");
    }

    private List<String> race(boolean wholeCrate) {
        MutableClock clock = new MutableClock(FakeRegistry.START);
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        InMemoryBlobStore blobs = new InMemoryBlobStore(clock);
        RegistryServices services = RegistryServices.builder().config(TestConfigs.config()).clock(clock)
                .store(jittery(MetadataStore.class, store)).blobs(jittery(BlobStore.class, blobs)).cdn(new RecordingCdn())
                .searchSource(InMemorySearchSource.of(store)).build();
        store.addUserWithToken("alice", "a");
        store.addUserWithToken("root", "r", true);
        Principal alice = new Principal("alice", 1, false, null, null, null, false);
        Principal root = new Principal("root", 2, true, null, null, null, false);
        if (!wholeCrate) {
            services.publish().publish(alice, body("racer", "0.0.1"));
        }
        List<String> broken = new ArrayList<>();
        for (int i = 0; i < TRIALS; i++) {
            String name = wholeCrate ? "racer" + i : "racer";
            String vers = "1.0." + i;
            byte[] body = body(name, vers);
            services.publish().publish(alice, body);
            CountDownLatch go = new CountDownLatch(1);
            Thread remover = new Thread(() -> {
                await(go);
                try {
                    if (wholeCrate) {
                        services.removal().removeCrate(root, name);
                    } else {
                        services.removal().removeVersion(root, name, vers);
                    }
                } catch (RuntimeException refused) {
                    // a 409 after too many conflicts is an acceptable outcome; the check below is what matters
                }
            });
            Thread publisher = new Thread(() -> {
                await(go);
                pause(ThreadLocalRandom.current().nextInt(0, 3000));
                for (int k = 0; k < 3; k++) {
                    try {
                        services.publish().publish(alice, body);
                    } catch (RuntimeException refused) {
                        // "already uploaded", or the removal is still being completed
                    }
                }
            });
            remover.start();
            publisher.start();
            go.countDown();
            join(remover);
            join(publisher);
            String canonical = name;
            boolean listed = store.findVersion(canonical, vers).isPresent();
            boolean tarball = blobs.get(IndexPaths.crateKey(name, vers)).isPresent();
            if (listed && !tarball) {
                broken.add(name + "@" + vers);
            }
            // PENDING-CHECK
            assertTrue(store.pendingRemovals(canonical).isEmpty(), "every removal finished its cleanup");
            assertEquals(listed, indexLists(blobs, name, vers), "the index file agrees with the truth");
        }
        return broken;
    }

    private static boolean indexLists(InMemoryBlobStore blobs, String name, String vers) {
        return blobs.get(IndexPaths.keyOf(name))
                .map(b -> new String(b.body(), StandardCharsets.UTF_8).contains("\"vers\":\"" + vers + "\""))
                .orElse(false);
    }

    private static byte[] body(String name, String vers) {
        return PublishEnvelope.encode(PublishBodyBuilder.of(name, vers).bytes(), TarballBuilder.valid(name, vers));
    }

    /** The same object, with a random pause of up to 300 µs before each call, so that two threads interleave. */
    @SuppressWarnings("unchecked")
    private static <T> T jittery(Class<T> type, T target) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            pause(ThreadLocalRandom.current().nextInt(0, 300));
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static void pause(long micros) {
        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
