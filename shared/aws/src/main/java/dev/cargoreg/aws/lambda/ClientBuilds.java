package dev.cargoreg.aws.lambda;

import dev.cargoreg.aws.di.ClientBuild;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds a function's SDK clients side by side, each on a thread of its own, from the Lambda constructor: the shared
 * HTTP client's TLS set-up, DynamoDB's and S3's client (endpoint rules, interceptors, the services' models) no longer
 * wait for one another, and all of it happens during init, which Lambda runs with more CPU than a 1,024 MB function has
 * for its requests (SnapStart takes its snapshot after it). A client that another one needs while it is being built is
 * waited for (Dagger's {@code Lazy} builds it once); a build that fails is logged and left to the first request, which
 * builds it again and gets the error itself.
 */
public final class ClientBuilds {
    private static final Logger LOG = Logger.getLogger(ClientBuilds.class.getName());
    private static final long AWAIT_MILLIS = 30_000;
    private final List<Thread> threads;

    private ClientBuilds(List<Thread> threads) {
        this.threads = threads;
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

    /** Returns once every build has ended, or after 30 seconds (a build that hangs is the first request's problem). */
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
