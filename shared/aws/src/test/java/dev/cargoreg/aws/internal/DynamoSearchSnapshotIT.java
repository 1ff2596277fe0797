package dev.cargoreg.aws.internal;

import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search snapshot in DynamoDB Local: chunked, whole or not at all, never replaced by an older one, old ones deleted. */
class DynamoSearchSnapshotIT {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private DynamoDbClient dynamo;
    private String table;
    private DynamoSearchSource source;

    @BeforeEach
    void setUp() {
        dynamo = EmbeddedBackends.shared().dynamo();
        table = "snapshot-" + UUID.randomUUID().toString().substring(0, 8);
        Provisioning.ensureTable(dynamo, table);
        source = new DynamoSearchSource(dynamo, table);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<String> storedKeys() {
        return dynamo.query(q -> q.tableName(table).keyConditionExpression("PK = :p")
                        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(DynamoSearchSource.SNAPSHOT_PK))))
                .items().stream().map(i -> i.get("SK").s()).toList();
    }

    @Test
    void no_snapshot_reads_as_none() {
        assertTrue(source.snapshot().isEmpty());
    }

    @Test
    void a_snapshot_larger_than_an_item_is_stored_in_chunks_and_read_back_whole() {
        byte[] data = bytes(DynamoSearchSource.CHUNK_BYTES * 2 + 1234, 1);

        source.saveSnapshot(new SearchSource.Snapshot(T, data));

        SearchSource.Snapshot back = source.snapshot().orElseThrow();
        assertEquals(T, back.asOf());
        assertArrayEquals(data, back.data());
        assertEquals(4, storedKeys().size(), "three chunks and the head: " + storedKeys());
    }

    @Test
    void an_older_snapshot_saved_late_never_replaces_a_newer_one_and_leaves_nothing_behind() {
        byte[] newer = bytes(1000, 2);
        source.saveSnapshot(new SearchSource.Snapshot(T, newer));

        source.saveSnapshot(new SearchSource.Snapshot(T.minusSeconds(60), bytes(1000, 3)));

        assertArrayEquals(newer, source.snapshot().orElseThrow().data());
        assertEquals(2, storedKeys().size(), "the newer chunk and the head: " + storedKeys());
    }

    @Test
    void each_save_keeps_the_previous_generation_for_readers_still_on_it_and_deletes_the_ones_before() {
        for (int i = 0; i < 4; i++) {
            source.saveSnapshot(new SearchSource.Snapshot(T.plusSeconds(i), bytes(1000, i)));
        }

        List<String> keys = storedKeys();
        assertEquals(3, keys.size(), "two generations of one chunk each, and the head: " + keys);
        assertTrue(keys.get(0).contains(String.format("%020d", T.plusSeconds(2).toEpochMilli())), keys.toString());
        assertArrayEquals(bytes(1000, 3), source.snapshot().orElseThrow().data());
    }

    @Test
    void a_generation_with_a_missing_chunk_reads_as_none_so_the_caller_loads_everything() {
        source.saveSnapshot(new SearchSource.Snapshot(T, bytes(DynamoSearchSource.CHUNK_BYTES + 10, 4)));
        String chunk = storedKeys().get(1);
        dynamo.deleteItem(d -> d.tableName(table).key(Map.of("PK", AttributeValue.fromS(DynamoSearchSource.SNAPSHOT_PK),
                "SK", AttributeValue.fromS(chunk))));

        assertTrue(source.snapshot().isEmpty());
    }
}
