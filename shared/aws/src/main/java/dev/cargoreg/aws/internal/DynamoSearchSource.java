package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.SearchSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
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
                out.add(entry(item));
            }
        }
        return out;
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        String pk = DynamoMetadataStore.s(item, "PK");
        if (pk.startsWith("DL#")) {
            // a crate's download counts (DynamoMetadataStore.setRecentDownloads)
            return Entry.counts(pk.substring("DL#".length()), new Downloads(DynamoMetadataStore.n(item, "n"),
                    DynamoMetadataStore.n(item, "recent")), Instant.ofEpochMilli(DynamoMetadataStore.n(item, "countedMs")));
        }
        String canonical = pk.substring("CRATE#".length());
        boolean removed = "TOMBSTONE".equals(DynamoMetadataStore.s(item, "SK"));
        Instant updated = DynamoMetadataStore.instant(item, "updated");
        return new Entry(canonical, DynamoMetadataStore.s(item, "name"),
                removed ? null : SearchAttributes.summary(item),
                removed ? null : DynamoMetadataStore.instant(item, "created"), updated, removed);
    }

    /**
     * One Query of one shard of the search index, shard after shard: the cursor is the shard and the last key read
     * (its index and table keys), so the walk resumes where it stopped, after any entry of the page. An entry that
     * changes meanwhile moves to the end of its shard (its sort key is its change time) and may come again; none is
     * skipped.
     */
    @Override
    public Page page(String cursor, int limit) {
        PageCursor at = PageCursor.parse(cursor);
        QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(SearchAttributes.INDEX)
                .keyConditionExpression("spk = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(at.shardKey())))
                .limit(Math.max(1, limit));
        if (at.lastKey() != null) {
            q.exclusiveStartKey(at.lastKey());
        }
        var result = client.get().query(q.build());
        String next;
        if (result.hasLastEvaluatedKey() && !result.lastEvaluatedKey().isEmpty()) {
            next = PageCursor.of(at.shard(), result.lastEvaluatedKey());
        } else {
            next = at.shard() + 1 < SearchAttributes.SHARDS ? PageCursor.of(at.shard() + 1, null) : null;
        }
        List<Entry> entries = new ArrayList<>();
        List<String> after = new ArrayList<>();
        List<Map<String, AttributeValue>> items = result.items();
        for (int i = 0; i < items.size(); i++) {
            entries.add(entry(items.get(i)));
            // an item carries the keys DynamoDB goes on after (the index's and the table's)
            after.add(i + 1 < items.size() ? PageCursor.of(at.shard(), items.get(i)) : next);
        }
        return new Page(entries, next, after);
    }

    /**
     * {@code p1.<shard>} (a shard from its start) or {@code p1.<shard>.<ssk>.<PK>.<SK>}, the keys base64url-encoded:
     * what DynamoDB needs to go on after the last item read. Parsed strictly, so a cursor not made here is refused
     * before DynamoDB sees it.
     */
    record PageCursor(int shard, Map<String, AttributeValue> lastKey) {
        private static final String PREFIX = "p1";
        private static final String[] KEYS = {"ssk", "PK", "SK"};

        String shardKey() {
            return "S#" + Integer.toHexString(shard);
        }

        static String of(int shard, Map<String, AttributeValue> lastKey) {
            StringBuilder b = new StringBuilder(PREFIX).append('.').append(Integer.toHexString(shard));
            if (lastKey != null) {
                for (String k : KEYS) {
                    AttributeValue v = lastKey.get(k);
                    if (v == null || v.s() == null) {
                        throw new IllegalStateException("the search index's last key has no string " + k + ": " + lastKey.keySet());
                    }
                    b.append('.').append(Base64.getUrlEncoder().withoutPadding().encodeToString(v.s().getBytes(StandardCharsets.UTF_8)));
                }
            }
            return b.toString();
        }

        static PageCursor parse(String cursor) {
            if (cursor == null) {
                return new PageCursor(0, null);
            }
            String[] parts = cursor.split("\\.", -1);
            if (!parts[0].equals(PREFIX) || (parts.length != 2 && parts.length != 2 + KEYS.length)
                    || !parts[1].matches("[0-9a-f]") || Integer.parseInt(parts[1], 16) >= SearchAttributes.SHARDS) {
                throw new IllegalArgumentException("not a cursor of this search index");
            }
            int shard = Integer.parseInt(parts[1], 16);
            if (parts.length == 2) {
                return new PageCursor(shard, null);
            }
            Map<String, AttributeValue> key = new HashMap<>();
            key.put("spk", AttributeValue.fromS("S#" + parts[1]));
            for (int i = 0; i < KEYS.length; i++) {
                String value;
                try {
                    value = new String(Base64.getUrlDecoder().decode(parts[2 + i]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a cursor of this search index");
                }
                // DynamoDB refuses an empty key, and a sort key over 1,024 bytes: refused here, as not ours, instead
                if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > 1024) {
                    throw new IllegalArgumentException("not a cursor of this search index");
                }
                key.put(KEYS[i], AttributeValue.fromS(value));
            }
            return new PageCursor(shard, key);
        }
    }
}
