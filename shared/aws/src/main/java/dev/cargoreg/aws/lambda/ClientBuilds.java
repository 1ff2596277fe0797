package dev.cargoreg.aws.lambda;

import dev.cargoreg.aws.di.ClientBuild;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds a function's SDK clients on a second thread, started from the Lambda constructor. In a cold start the first
 * request's own work (reading the event, the publish envelope, the tarball) then runs beside the clients' building
 * (the HTTP client's TLS set-up, endpoint rules, the services' models) instead of after it: wall time on two cores, not
 * CPU time. A client the request needs first waits for the build under way (Dagger's {@code Lazy} builds it once); a
 * build that fails is logged and left to the request, which builds it again and gets the error itself.
 */
public final class ClientBuilds {
    private static final Logger LOG = Logger.getLogger(ClientBuilds.class.getName());
    private static final long AWAIT_MILLIS = 30_000;
    private final List<Thread> threads;

    private ClientBuilds(List<Thread> threads) {
        this.threads = threads;
    }

    private static final ClientBuilds NONE = new ClientBuilds(List.of());

    /** Nothing to build: the constructors tests and the local runner use. */
    public static ClientBuilds none() {
        return NONE;
    }

    /** Starts building each of {@code builds} on a thread of its own. */
    public static ClientBuilds start(Collection<ClientBuild> builds) {
        List<Thread> threads = new ArrayList<>();
        for (ClientBuild b : builds) {
            Thread t = new Thread(() -> build(b), "sdk-client-build-" + b.service());
            // never keeps a JVM alive, and a frozen Lambda sandbox resumes it where it was
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return new ClientBuilds(List.copyOf(threads));
    }

    private static void build(ClientBuild b) {
        try {
            b.build().run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "building the " + b.service() + " client at init failed, the first request builds it: " + e);
        }
    }

    /** Before a SnapStart snapshot: no thread half-way through a build is captured. */
    public void await() {
        long deadline = System.nanoTime() + AWAIT_MILLIS * 1_000_000;
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
