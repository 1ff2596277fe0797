package dev.cargoreg.aws.internal;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.port.SearchSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * Search data from the table's `search` index: all 16 shards queried in parallel, never a table scan. The snapshot
 * lives in the same table under its own partition key ({@value #SNAPSHOT_PK}): chunks of one generation, then a head
 * item naming that generation, its size and its SHA-256, written last, so a reader sees a whole generation or falls
 * back to the full load. Each save deletes the generations before the previous one (a reader may still be on that).
 */
public final class DynamoSearchSource implements SearchSource {
    static final String SNAPSHOT_PK = "SEARCH#snapshot";
    /** Under DynamoDB's 400 KB item limit with room for the keys. */
    static final int CHUNK_BYTES = 350_000;
    private static final Logger LOG = Logger.getLogger(DynamoSearchSource.class.getName());
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSearchSource(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<Entry> loadAll() {
        return queryShards(null);
    }

    @Override
    public List<Entry> changedSince(Instant since) {
        return queryShards(since);
    }

    @Override
    public Optional<Snapshot> snapshot() {
        Map<String, AttributeValue> head = dynamo.getItem(r -> r.tableName(table).key(snapshotKey("HEAD"))).item();
        if (head == null || head.isEmpty()) {
            return Optional.empty();
        }
        long generation = DynamoMetadataStore.n(head, "gen");
        int chunks = (int) DynamoMetadataStore.n(head, "chunks");
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            keys.add(snapshotKey(chunkSk(generation, i)));
        }
        Map<String, byte[]> parts = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> pending = Map.of(table,
                    KeysAndAttributes.builder().keys(keys.subList(from, Math.min(keys.size(), from + 100))).build());
            while (!pending.isEmpty()) {
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(request));
                r.responses().getOrDefault(table, List.of())
                        .forEach(item -> parts.put(DynamoMetadataStore.s(item, "SK"), item.get("data").b().asByteArrayUnsafe()));
                pending = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
            }
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
            byte[] part = parts.get(chunkSk(generation, i));
            if (part == null) {
                LOG.warning("search snapshot generation " + generation + " lacks chunk " + i + " (deleted by a newer save)");
                return Optional.empty();
            }
            data.writeBytes(part);
        }
        byte[] bytes = data.toByteArray();
        if (!Digests.sha256Hex(bytes).equals(DynamoMetadataStore.s(head, "sha256"))) {
            LOG.warning("search snapshot generation " + generation + " does not match its checksum");
            return Optional.empty();
        }
        return Optional.of(new Snapshot(DynamoMetadataStore.instant(head, "asOf"), bytes));
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        long generation = snapshot.asOf().toEpochMilli();
        byte[] data = snapshot.data();
        int chunks = Math.max(1, (data.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            Map<String, AttributeValue> item = new HashMap<>(snapshotKey(chunkSk(generation, i)));
            item.put("data", AttributeValue.fromB(SdkBytes.fromByteArray(
                    Arrays.copyOfRange(data, i * CHUNK_BYTES, Math.min(data.length, (i + 1) * CHUNK_BYTES)))));
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        batchWrite(writes);
        Map<String, AttributeValue> head = new HashMap<>(snapshotKey("HEAD"));
        head.put("gen", AttributeValue.fromN(Long.toString(generation)));
        head.put("chunks", AttributeValue.fromN(Integer.toString(chunks)));
        head.put("sha256", AttributeValue.fromS(Digests.sha256Hex(data)));
        head.put("asOf", AttributeValue.fromS(snapshot.asOf().toString()));
        try {
            // a slower instance must not put an older generation back in front of a newer one
            dynamo.putItem(r -> r.tableName(table).item(head).conditionExpression("attribute_not_exists(gen) OR gen < :g")
                    .expressionAttributeValues(Map.of(":g", head.get("gen"))));
        } catch (ConditionalCheckFailedException newerThere) {
            deleteGenerations(generation, generation + 1);
            return;
        }
        deleteGenerations(0, previousGeneration(generation));
    }

    /** The newest generation before {@code generation} still stored (readers may hold its head), or the same one. */
    private long previousGeneration(long generation) {
        var page = dynamo.query(q -> q.tableName(table).keyConditionExpression("PK = :p AND SK < :g")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(SNAPSHOT_PK), ":g", AttributeValue.fromS(chunkSk(generation, 0))))
                .projectionExpression("SK").scanIndexForward(false).limit(1));
        return page.items().isEmpty() ? generation : Long.parseLong(DynamoMetadataStore.s(page.items().get(0), "SK").substring(2, 22));
    }

    /** Deletes the chunks of the generations from {@code from} (inclusive) to {@code to} (exclusive). */
    private void deleteGenerations(long from, long to) {
        List<WriteRequest> deletes = new ArrayList<>();
        String end = chunkSk(to, 0);
        var request = QueryRequest.builder().tableName(table).keyConditionExpression("PK = :p AND SK BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(SNAPSHOT_PK),
                        ":a", AttributeValue.fromS(chunkSk(from, 0)), ":b", AttributeValue.fromS(end)))
                .projectionExpression("PK, SK").build();
        for (var page : dynamo.queryPaginator(request)) {
            for (Map<String, AttributeValue> item : page.items()) {
                if (!DynamoMetadataStore.s(item, "SK").equals(end)) {
                    deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(item).build()).build());
                }
            }
        }
        batchWrite(deletes);
    }

    private void batchWrite(List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += 25) {
            Map<String, List<WriteRequest>> pending = Map.of(table, writes.subList(from, Math.min(writes.size(), from + 25)));
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
            }
        }
    }

    private static Map<String, AttributeValue> snapshotKey(String sk) {
        return Map.of("PK", AttributeValue.fromS(SNAPSHOT_PK), "SK", AttributeValue.fromS(sk));
    }

    private static String chunkSk(long generation, int index) {
        return String.format("G#%020d#%05d", generation, index);
    }

    private List<Entry> queryShards(Instant since) {
        ExecutorService pool = Executors.newFixedThreadPool(SearchAttributes.SHARDS);
        try {
            List<CompletableFuture<List<Entry>>> parts = new ArrayList<>();
            for (int i = 0; i < SearchAttributes.SHARDS; i++) {
                String shard = "S#" + Integer.toHexString(i);
                parts.add(CompletableFuture.supplyAsync(() -> queryShard(shard, since), pool));
            }
            List<Entry> all = new ArrayList<>();
            for (CompletableFuture<List<Entry>> p : parts) {
                all.addAll(p.join());
            }
            return all;
        } finally {
            pool.shutdown();
        }
    }

    private List<Entry> queryShard(String shard, Instant since) {
        QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(SearchAttributes.INDEX);
        if (since == null) {
            q.keyConditionExpression("spk = :p").expressionAttributeValues(Map.of(":p", AttributeValue.fromS(shard)));
        } else {
            q.keyConditionExpression("spk = :p AND ssk >= :t").expressionAttributeValues(Map.of(
                    ":p", AttributeValue.fromS(shard), ":t", AttributeValue.fromS(SearchAttributes.changeKeyFloor(since))));
        }
        List<Entry> out = new ArrayList<>();
        for (var page : dynamo.queryPaginator(q.build())) {
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = DynamoMetadataStore.s(item, "PK");
                if (pk.startsWith("DL#")) {
                    // a crate's download counts (DynamoMetadataStore.setRecentDownloads)
                    out.add(Entry.counts(pk.substring("DL#".length()), new Downloads(DynamoMetadataStore.n(item, "n"),
                            DynamoMetadataStore.n(item, "recent")), Instant.ofEpochMilli(DynamoMetadataStore.n(item, "countedMs"))));
                    continue;
                }
                String canonical = pk.substring("CRATE#".length());
                boolean removed = "TOMBSTONE".equals(DynamoMetadataStore.s(item, "SK"));
                Instant updated = DynamoMetadataStore.instant(item, "updated");
                out.add(new Entry(canonical, DynamoMetadataStore.s(item, "name"),
                        removed ? null : SearchAttributes.summary(item),
                        removed ? null : DynamoMetadataStore.instant(item, "created"), updated, removed));
            }
        }
        return out;
    }
}
