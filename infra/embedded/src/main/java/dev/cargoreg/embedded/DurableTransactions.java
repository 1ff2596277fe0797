package dev.cargoreg.embedded;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Makes an acknowledged TransactWriteItems durable in embedded DynamoDB Local (defect D1, docs/testing.md).
 *
 * <p>DynamoDB Local 2.6.1 answers a transaction before committing it: {@code SQLiteDBAccess.commitTransaction} hands
 * the SQLite {@code COMMIT} to its job queue with {@code SQLiteQueue.execute} and returns without waiting for it. A
 * SIGKILL between the answer and the queued COMMIT loses a transaction the caller was told had succeeded (reproduced
 * outside the registry: the last acknowledged transaction before the kill was gone after restart in 2 of the first 5
 * cycles, plain PutItems never). The queue is first-in first-out on one thread, so any request the caller makes after
 * the answer runs after that COMMIT: this client waits for one (a consistent GetItem of a key no item has) before it
 * returns the transaction's answer. Only transactions need it: every other write runs BEGIN…COMMIT inside its own
 * job, which the request waits for.
 */
final class DurableTransactions implements InvocationHandler {
    /** A partition key value the registry never writes. */
    private static final String NO_ITEM = "cargoreg#commit-barrier";
    private final DynamoDbClient delegate;
    private final Map<String, Map<String, AttributeValue>> barrierKeys = new ConcurrentHashMap<>();

    private DurableTransactions(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    static DynamoDbClient wrap(DynamoDbClient delegate) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[]{DynamoDbClient.class}, new DurableTransactions(delegate));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("transactWriteItems") && args != null && args.length == 1) {
            TransactWriteItemsRequest request;
            if (args[0] instanceof TransactWriteItemsRequest r) {
                request = r;
            } else {
                TransactWriteItemsRequest.Builder b = TransactWriteItemsRequest.builder();
                ((Consumer<TransactWriteItemsRequest.Builder>) args[0]).accept(b);
                request = b.build();
            }
            Object answer = delegate.transactWriteItems(request);
            if (!request.transactItems().isEmpty()) {
                String table = table(request.transactItems().get(0));
                delegate.getItem(r -> r.tableName(table).key(barrierKey(table)).consistentRead(true));
            }
            return answer;
        }
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String table(TransactWriteItem item) {
        if (item.put() != null) {
            return item.put().tableName();
        }
        if (item.update() != null) {
            return item.update().tableName();
        }
        if (item.delete() != null) {
            return item.delete().tableName();
        }
        return item.conditionCheck().tableName();
    }

    /** A key of the table's own schema (its attribute types), for an item that does not exist. */
    private Map<String, AttributeValue> barrierKey(String table) {
        return barrierKeys.computeIfAbsent(table, t -> {
            DescribeTableResponse d = delegate.describeTable(r -> r.tableName(t));
            Map<String, ScalarAttributeType> types = new HashMap<>();
            d.table().attributeDefinitions().forEach(a -> types.put(a.attributeName(), a.attributeType()));
            Map<String, AttributeValue> key = new HashMap<>();
            for (KeySchemaElement k : d.table().keySchema()) {
                key.put(k.attributeName(), switch (types.get(k.attributeName())) {
                    case N -> AttributeValue.fromN("-1");
                    case B -> AttributeValue.fromB(SdkBytes.fromUtf8String(NO_ITEM));
                    default -> AttributeValue.fromS(NO_ITEM);
                });
            }
            return Map.copyOf(key);
        });
    }
}
