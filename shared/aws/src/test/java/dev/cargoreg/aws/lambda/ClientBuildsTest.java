package dev.cargoreg.aws.lambda;

import dagger.Lazy;
import dagger.internal.DoubleCheck;
import dev.cargoreg.aws.di.ClientBuild;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client builds at init: on threads of their own, each client built once, a failure left to the request. */
class ClientBuildsTest {
    private final LogCapture logs = new LogCapture(ClientBuilds.class);

    @BeforeEach
    void listen() {
        logs.start();
    }

    @AfterEach
    void stopListening() {
        logs.stop();
    }

    @Test
    void every_build_runs_off_the_calling_thread_and_await_returns_once_all_are_done() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger done = new AtomicInteger();
        List<ClientBuild> builds = new ArrayList<>();
        for (String service : List.of("HTTP", "DynamoDB", "S3")) {
            builds.add(new ClientBuild(service, () -> {
                sleep(50);
                threads.add(Thread.currentThread().getName());
                done.incrementAndGet();
            }));
        }

        ClientBuilds started = ClientBuilds.start(builds);
        started.await();

        assertEquals(3, done.get(), "await returns after every build");
        assertEquals(Set.of("sdk-client-build-HTTP", "sdk-client-build-DynamoDB", "sdk-client-build-S3"), threads);
        assertFalse(threads.contains(Thread.currentThread().getName()));
        assertEquals(List.of(), messages());
    }

    @Test
    void a_request_that_needs_a_client_under_construction_waits_for_it_and_the_client_is_built_once() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger built = new AtomicInteger();
        Lazy<Object> client = DoubleCheck.lazy(() -> {
            building.countDown();
            await(release);
            built.incrementAndGet();
            return new Object();
        });
        ClientBuilds started = ClientBuilds.start(List.of(new ClientBuild("DynamoDB", client::get)));
        assertTrue(building.await(10, TimeUnit.SECONDS), "the build started on its own thread");

        // the request's thread asks while the build is under way
        Object[] seen = new Object[1];
        Thread request = new Thread(() -> seen[0] = client.get());
        request.start();
        Thread.sleep(50);
        assertTrue(request.isAlive(), "the request waits for the build under way, it does not start a second one");
        release.countDown();
        request.join(10_000);
        started.await();

        assertEquals(1, built.get());
        assertSame(client.get(), seen[0]);
    }

    @Test
    void a_build_that_fails_is_logged_and_left_to_the_first_request_which_then_builds_it() {
        AtomicInteger attempts = new AtomicInteger();
        Lazy<Object> client = DoubleCheck.lazy(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no region configured");
            }
            return new Object();
        });

        ClientBuilds.start(List.of(new ClientBuild("S3", client::get), new ClientBuild("HTTP", () -> { }))).await();

        assertEquals(List.of("WARNING building the S3 client at init failed, the first request builds it: "
                + "java.lang.IllegalStateException: no region configured"), messages());
        // Dagger's Lazy keeps nothing from a failed build: the request's own get builds it (or gets the error itself)
        Object first = client.get();
        assertSame(first, client.get());
        assertEquals(2, attempts.get());
    }

    @Test
    void nothing_to_build_is_nothing_to_wait_for() {
        long t0 = System.nanoTime();
        ClientBuilds.start(List.of()).await();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        assertEquals(List.of(), messages());
    }

    private List<String> messages() {
        return logs.records().stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
