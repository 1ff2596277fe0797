package dev.cargoreg.aws.lambda;

import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SDK's first call, made before a SnapStart snapshot so that it is not paid by the first request after restore:
 * one DynamoDB read and one S3 read (a HEAD and a GET) of keys that never exist. That loads and links the clients'
 * request path (marshalling, endpoint rules, signing, the HTTP client, response and 404 error parsing) into the
 * snapshot. Read-only by construction: nothing is written, nothing read is kept. A connection the reads leave open
 * may be stale after restore; the SDK retries a request whose connection fails, so that costs a retry at worst.
 * Never fails the hook: a priming read that cannot reach its service is logged and skipped.
 */
public final class StoragePriming {
    private static final Logger LOG = Logger.getLogger(StoragePriming.class.getName());
    /** No crate can have this name: crate names never contain a colon. */
    static final String ABSENT_CRATE = "cargoreg:priming";
    /** Outside every prefix the registry writes (index/, crates/, readmes/, …). */
    static final String ABSENT_KEY = "cargoreg-priming/absent";

    private StoragePriming() {
    }

    public static void prime(MetadataStore store, BlobStore blobs) {
        if (store != null) {
            run("DynamoDB", () -> store.findCrate(ABSENT_CRATE));
        }
        if (blobs != null) {
            run("S3", () -> {
                blobs.head(ABSENT_KEY);
                blobs.get(ABSENT_KEY);
            });
        }
    }

    private static void run(String what, Runnable read) {
        try {
            read.run();
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "priming read of " + what + " skipped: " + e);
        }
    }
}
