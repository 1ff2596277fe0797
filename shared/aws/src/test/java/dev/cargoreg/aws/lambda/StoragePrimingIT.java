package dev.cargoreg.aws.lambda;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SnapStart hook's storage calls against DynamoDB Local and the embedded S3 server: every call gets the answer it
 * is made for (a miss, a cancelled transaction, a refused conditional PUT: nothing is logged as skipped), and the table
 * and the bucket are exactly as before, to the item and the object.
 */
class StoragePrimingIT {
    private final LogCapture logs = new LogCapture(StoragePriming.class);
    private DynamoDbClient dynamo;
    private S3Client s3;
    private String table;
    private String bucket;
    private DynamoMetadataStore store;
    private S3BlobStore blobs;

    @BeforeEach
    void setUp() {
        EmbeddedBackends b = EmbeddedBackends.shared();
        dynamo = b.dynamo();
        s3 = AwsClients.s3(AwsClients.Settings.emulated(null, b.s3Endpoint()));
        String id = UUID.randomUUID().toString().substring(0, 8);
        table = "priming-" + id;
        bucket = "priming-" + id;
        Provisioning.ensureTable(dynamo, table);
        Provisioning.ensureBucket(s3, bucket);
        store = new DynamoMetadataStore(dynamo, table);
        blobs = new S3BlobStore(s3, bucket);
        // something in both, so that "unchanged" is not the trivial comparison of two empty sets
        Unaudited.of(store).createUser("alice", "Alice", false, Instant.parse("2026-12-01T00:00:00Z"));
        blobs.put("index/3/f/foo", "{}\n".getBytes(StandardCharsets.UTF_8),
                new BlobStore.Attributes("application/json", "max-age=1", Map.of()));
        logs.start();
    }

    @AfterEach
    void tearDown() {
        logs.stop();
    }

    @Test
    void a_writer_scope_reads_and_attempts_writes_that_cannot_commit_and_nothing_changes() {
        TreeSet<String> itemsBefore = items();
        TreeSet<String> objectsBefore = objects();
        assertFalse(itemsBefore.isEmpty());
        assertFalse(objectsBefore.isEmpty());

        StoragePriming.prime(store, blobs, new StoragePriming.Scope(StoragePriming.Scope.INDEX_KEY, StoragePriming.Call.values()));

        assertEquals(List.of(), logs.records().stream().map(r -> r.getLevel() + " " + r.getMessage()).toList(),
                "every priming call got the answer it is made for");
        assertEquals(itemsBefore, items(), "no item written, none changed");
        assertEquals(objectsBefore, objects(), "no object written, none changed");
        assertTrue(blobs.head(StoragePriming.Scope.INDEX_KEY).isEmpty());
    }

    @Test
    void a_reader_scope_makes_no_write_call_and_a_service_that_cannot_be_reached_never_fails_the_hook() {
        TreeSet<String> objectsBefore = objects();

        StoragePriming.prime(store, blobs, new StoragePriming.Scope(StoragePriming.Scope.CRATES_KEY, StoragePriming.Call.QUERY,
                StoragePriming.Call.BATCH_GET));
        assertEquals(List.of(), logs.records().stream().map(LogRecord::getMessage).toList());
        assertEquals(objectsBefore, objects());

        // nothing listens on port 1: every call fails to connect
        S3BlobStore unreachable = new S3BlobStore(AwsClients.s3(AwsClients.Settings.emulated(null, URI.create("http://127.0.0.1:1"))),
                bucket);
        StoragePriming.prime(null, unreachable, new StoragePriming.Scope(StoragePriming.Scope.INDEX_KEY, StoragePriming.Call.values()));
        assertEquals(List.of("priming S3 reads skipped", "priming S3 conditional write skipped"),
                logs.records().stream().map(r -> r.getMessage().replaceFirst(": .*", "")).toList(),
                "a failed call is logged and skipped: " + logs.records().stream().map(LogRecord::getMessage).toList());
        assertEquals(List.of(Level.WARNING, Level.WARNING), logs.records().stream().map(LogRecord::getLevel).toList(),
                "a snapshot without what a call loads is worth a warning");
    }

    private TreeSet<String> items() {
        TreeSet<String> all = new TreeSet<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(i -> all.add(new TreeMap<>(i).toString()));
        return all;
    }

    private TreeSet<String> objects() {
        TreeSet<String> all = new TreeSet<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> all.add(o.key() + " " + o.eTag() + " " + o.size()));
        return all;
    }
}
