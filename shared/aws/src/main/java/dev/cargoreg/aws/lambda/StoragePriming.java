package dev.cargoreg.aws.lambda;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SDK's first calls, made before a SnapStart snapshot so that the first request after restore does not pay them:
 * they load and link the clients' request path (marshalling, endpoint rules, signing, checksums, the HTTP client,
 * response and error parsing) into the snapshot. Every call is on a key no object or item can ever have, and every
 * write is conditional on something that cannot hold, so <b>nothing is written</b> and nothing read is kept:
 * <ul>
 *   <li>reads: a DynamoDB GetItem of the crate {@value #ABSENT_CRATE} (and, where the role may, a Query of its
 *       versions and a BatchGetItem of a user who cannot exist), an S3 HEAD and GET of {@link Scope#absentKey};</li>
 *   <li>writes (for functions whose role writes): a yank transaction on that crate, which DynamoDB cancels (the crate
 *       has no revision to match, so neither its update nor its audit record is written), and a PUT of
 *       {@link Scope#absentKey} with {@code If-Match}, which S3 refuses (there is no object to match).</li>
 * </ul>
 * Each function names a scope its IAM role allows, so priming never draws an AccessDenied. A connection left open may
 * be stale after restore; the SDK retries a request whose connection fails, so that costs a retry at worst. Never
 * fails the hook: a call that cannot reach its service is logged and skipped.
 */
public final class StoragePriming {
    private static final Logger LOG = Logger.getLogger(StoragePriming.class.getName());
    /** No crate can have this name: crate names never contain a colon. */
    static final String ABSENT_CRATE = "cargoreg:priming";
    private static final String PRIMING = "cargoreg-priming";
    private static final CrateSummary SUMMARY = new CrateSummary(null, null, null, null, List.of(), List.of(), "0.0.0",
            null, "0.0.0", 1, false);

    /** The calls beyond a GetItem that a function's role allows. */
    public enum Call {
        /** Query the table (an absent crate's versions). */
        QUERY,
        /** BatchGetItem (an absent user). */
        BATCH_GET,
        /** Crate transactions and, with a key, PUT objects: attempts that cannot commit. */
        WRITE
    }

    /**
     * What a function's role lets priming touch.
     *
     * @param absentKey an S3 key the role may read (and, with {@link Call#WRITE}, put) that no object ever has; null
     *                  for a function without S3 priming
     * @param calls     the DynamoDB calls beyond a GetItem, and whether to attempt writes
     */
    public record Scope(String absentKey, Set<Call> calls) {
        /** Index files are two or more levels below {@code index/} (or {@code index/config.json}): never this one. */
        public static final String INDEX_KEY = "index/" + PRIMING;
        /** Tarballs are {@code crates/<name>/<name>-<version>.crate}: never this one. */
        public static final String CRATES_KEY = "crates/" + PRIMING;
        /** The mirror's objects are under {@code mirror/index/}, {@code mirror/crates/} and the like: never this one. */
        public static final String MIRROR_KEY = "mirror/" + PRIMING;
        /** Beside the search snapshot ({@code search/snapshot}), the one other key the search function may read. */
        public static final String SEARCH_KEY = "search/" + PRIMING;

        public Scope {
            calls = calls.isEmpty() ? EnumSet.noneOf(Call.class) : EnumSet.copyOf(calls);
        }

        public Scope(String absentKey, Call... calls) {
            this(absentKey, calls.length == 0 ? Set.of() : EnumSet.copyOf(List.of(calls)));
        }

        /** A DynamoDB GetItem only (no S3, nothing else). */
        public static Scope reads() {
            return new Scope(null);
        }
    }

    private StoragePriming() {
    }

    public static void prime(MetadataStore store, BlobStore blobs, Scope scope) {
        if (store != null) {
            run("DynamoDB read", () -> store.findCrate(ABSENT_CRATE));
            if (scope.calls().contains(Call.QUERY)) {
                run("DynamoDB query", () -> store.listVersions(ABSENT_CRATE));
            }
            if (scope.calls().contains(Call.BATCH_GET)) {
                run("DynamoDB batch read", () -> store.findUsers(List.of(ABSENT_CRATE)));
            }
            if (scope.calls().contains(Call.WRITE)) {
                run("DynamoDB transaction", () -> cancelledTransaction(store));
            }
        }
        if (blobs != null && scope.absentKey() != null) {
            String key = scope.absentKey();
            run("S3 reads", () -> {
                blobs.head(key);
                blobs.get(key);
            });
            if (scope.calls().contains(Call.WRITE)) {
                run("S3 conditional write", () -> {
                    if (blobs.putIfMatch(key, new byte[]{'\n'}, new BlobStore.Attributes("text/plain", "no-store", Map.of()),
                            "\"" + PRIMING + "\"")) {
                        // cannot happen (no object has that ETag); said loudly if it ever does
                        LOG.severe("priming wrote " + key + ": delete it");
                    }
                });
            }
        }
    }

    /** The transaction cannot commit: the crate does not exist, so its revision condition fails. */
    private static void cancelledTransaction(MetadataStore store) {
        Instant at = Instant.EPOCH;
        try {
            // a fixed record id, not a random one: nothing seeded before the snapshot (SnapStart and uniqueness)
            store.commitYank(new MetadataStore.YankCommit(ABSENT_CRATE, "0.0.0", true, 1, PRIMING, SUMMARY, at, true),
                    new AuditRecord(PRIMING, at, AuditRecord.Action.CRATE_YANKED.wire(), PRIMING, 0, ABSENT_CRATE, "0.0.0",
                            "SnapStart priming: a transaction that cannot commit", null, null, null, null));
            LOG.severe("priming committed a yank of " + ABSENT_CRATE + ": a crate with that name must not exist");
        } catch (MetadataStore.CommitConflict expected) {
            // cancelled, as intended
        }
    }

    /**
     * Runs one priming call; a failure is logged and skipped, never fails the hook. A warning, not information: the
     * snapshot then lacks what the call would have loaded (a role without the permission, a service not reachable
     * from the function), so every restored instance's first request pays for it, and an operator should hear of it.
     */
    public static void run(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "priming " + what + " skipped: " + e);
        }
    }
}
