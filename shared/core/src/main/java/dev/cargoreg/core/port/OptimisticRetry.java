package dev.cargoreg.core.port;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore.CommitConflict;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry policy for optimistic writes to a crate: every write reads the crate's revision, commits on condition
 * that it is unchanged, and starts over when another writer got there first. Each round lets at least one writer
 * through, so the attempts cover many concurrent writers; a random, growing pause spreads them out.
 */
public final class OptimisticRetry {
    /** Enough for dozens of simultaneous writers on one crate (a CI matrix publishing at once). */
    public static final int MAX_ATTEMPTS = 40;

    private OptimisticRetry() {
    }

    /**
     * Runs {@code attempt} (given its number, from 1) until it returns without a {@link CommitConflict}; after
     * {@link #MAX_ATTEMPTS} conflicts answers 409 telling the user to {@code again} ("publish again", "try again").
     */
    public static <T> T run(String crateName, String again, Attempt<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.run(n);
            } catch (CommitConflict conflict) {
                if (n >= MAX_ATTEMPTS) {
                    throw RegistryException.conflict("crate `" + crateName + "` is being changed by other requests right now; "
                            + again + " in a moment");
                }
                pause(n);
            }
        }
    }

    static void pause(int attempt) {
        long cap = Math.min(200, 5L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One attempt: read what it needs, decide, commit (or throw {@link CommitConflict} when the revision moved). */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws CommitConflict;
    }
}
