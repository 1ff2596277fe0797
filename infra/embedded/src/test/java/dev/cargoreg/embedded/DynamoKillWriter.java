package dev.cargoreg.embedded;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child process {@link DynamoCrashSafetyIT} kills: embedded DynamoDB Local on a data directory, written through
 * {@link EmbeddedBackends#dynamo()} from 4 threads as fast as it goes: two with two-item TransactWriteItems (the shape
 * of a token revocation or an owner change: a conditional put and an audit item), two with PutItem. It prints
 * {@code ok KEY} only after the call returned, so every printed key was acknowledged before the kill.
 *
 * <p>Arguments: data directory, first counter.
 */
public final class DynamoKillWriter {
    static final String TABLE = "kill-writer";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        EmbeddedBackends backends = EmbeddedBackends.start(dir, true);
        DynamoDbClient dynamo = backends.dynamo();
        if (!dynamo.listTables().tableNames().contains(TABLE)) {
            dynamo.createTable(r -> r.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("PK").attributeType(ScalarAttributeType.S)));
        }
        PrintStream out = System.out;
        out.println("ready");
        out.flush();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int tn = t;
            threads[t] = new Thread(() -> {
                for (int i = first + tn; ; i += threads.length) {
                    String key = "k-" + i;
                    if (tn % 2 == 0) {
                        dynamo.transactWriteItems(r -> r.transactItems(
                                TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(item(key))
                                        .conditionExpression("attribute_not_exists(PK)")).build(),
                                TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(item(key + "-audit"))).build()));
                    } else {
                        dynamo.putItem(r -> r.tableName(TABLE).item(item(key)));
                    }
                    synchronized (out) {
                        out.println("ok " + key);
                        out.flush();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    static Map<String, AttributeValue> item(String key) {
        return Map.of("PK", AttributeValue.fromS(key));
    }
}
