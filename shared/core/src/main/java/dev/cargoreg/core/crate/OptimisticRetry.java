package dev.cargoreg.core.crate;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Optimistic writes to one crate retry when another writer got there first. Each round lets at least one writer
 * through, so the attempts cover many concurrent writers; a random, growing pause spreads them out.
 */
public final class OptimisticRetry {
    /** Enough for dozens of simultaneous writers on one crate (a CI matrix publishing at once). */
    public static final int MAX_ATTEMPTS = 40;

    private OptimisticRetry() {
    }

    public static void pause(int attempt) {
        long cap = Math.min(200, 5L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
