package dev.cargoreg.local.resilience;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.yank.YankService;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 threads, 500 publishes across 20 crates (many versions of one crate at once), with yanks and unyanks of
 * published versions interleaved, through the real adapters on DynamoDB Local and S3Mock.
 */
class ConcurrencyIT {

    @Test
    void five_hundred_concurrent_publishes_with_yanks_leave_every_index_equal_to_its_regeneration() throws Exception {
        AwsRegistryFixture fx = new AwsRegistryFixture();
        YankService yanks = fx.services.yank();
        int crates = 20;
        int perCrate = 25;
        List<String> names = new ArrayList<>();
        List<Runnable> work = new ArrayList<>();
        for (int c = 0; c < crates; c++) {
            String name = "busy-" + c;
            names.add(name);
            for (int v = 0; v < perCrate; v++) {
                String version = "1." + v + ".0";
                work.add(() -> fx.publish(AwsRegistryFixture.ALICE, name, version));
            }
        }
        Collections.shuffle(work, new Random(42));
        ConcurrentLinkedQueue<String[]> published = new ConcurrentLinkedQueue<>();
        AtomicInteger yankOps = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable r : work) {
            futures.add(pool.submit(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    errors.add("publish: " + e);
                }
            }));
            // interleave: every few publishes, yank or unyank something that exists already
            futures.add(pool.submit(() -> {
                int c = ThreadLocalRandom.current().nextInt(crates);
                int v = ThreadLocalRandom.current().nextInt(perCrate);
                try {
                    yanks.setYanked(fx.principal(AwsRegistryFixture.ALICE), "busy-" + c, "1." + v + ".0", ThreadLocalRandom.current().nextBoolean());
                    yankOps.incrementAndGet();
                } catch (RegistryException e) {
                    if (e.status() != 404) {
                        errors.add("yank: " + e.status() + " " + e.detail());
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertTrue(yankOps.get() > 50, "yanks really interleaved: " + yankOps.get());
        List<String> problems = Consistency.check(fx.store, fx.blobs, names);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        int lines = 0;
        for (String n : names) {
            lines += fx.indexFile(IndexPaths.pathOf(n)).split("\n").length;
        }
        assertEquals(crates * perCrate, lines, "every version appears exactly once");
    }
}
