package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.SearchSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Search data from the table's `search` index: all 16 shards queried in parallel, never a table scan. The search
 * snapshot is not here but in the bucket (core's {@code SnapshotInBlobStore}).
 */
public final class DynamoSearchSource implements SearchSource {
    private final Supplier<DynamoDbClient> client;
    private final String table;

    public DynamoSearchSource(DynamoDbClient dynamo, String table) {
        this(() -> dynamo, table);
    }

    /** A client built on first use, or beside the other clients at a Lambda function's init (ClientBuild). */
    public DynamoSearchSource(Supplier<DynamoDbClient> client, String table) {
        this.client = client;
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
        for (var page : client.get().queryPaginator(q.build())) {
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
