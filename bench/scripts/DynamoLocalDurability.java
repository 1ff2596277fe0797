import dev.cargoreg.embedded.EmbeddedBackends;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.*;
import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * D1 isolation (docs/testing.md): is a write that embedded DynamoDB Local acknowledged still there after a SIGKILL?
 * No registry code in the path: EmbeddedBackends' DynamoDB client, four writer threads (two with two-item
 * TransactWriteItems, two with PutItem), SIGKILL after 0.2-1.7 s, restart, every acknowledged key read back. Run from
 * the repository root:
 *   mvn -o -q -pl infra/embedded -am -DskipTests package
 *   mvn -o -q -pl infra/embedded dependency:build-classpath -Dmdep.outputFile=/tmp/emb.cp
 *   java -cp infra/embedded/target/classes:$(cat /tmp/emb.cp) bench/scripts/DynamoLocalDurability.java parent /tmp/d1/db 12 10
 * (arguments: data directory, cycles, seed). Child modes: "write DIR RUN" prints ACK lines, "check DIR ACKFILE" reads back.
 */
public class DynamoLocalDurability {
    static final String T = "durability";
    public static void main(String[] a) throws Exception {
        if (a[0].equals("parent")) { parent(Path.of(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3])); return; }
        Path dir = Path.of(a[1]);
        try (EmbeddedBackends b = EmbeddedBackends.start(dir, true)) {
            DynamoDbClient d = b.dynamo();
            if (d.listTables().tableNames().stream().noneMatch(T::equals)) {
                d.createTable(r -> r.tableName(T).keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH))
                        .attributeDefinitions(x -> x.attributeName("PK").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST));
            }
            if (a[0].equals("check")) {
                List<String> acked = Files.readAllLines(Path.of(a[2]));
                int missing = 0;
                for (String k : acked) {
                    if (!k.startsWith("ACK ")) continue;
                    String key = k.substring(4).trim();
                    if (!d.getItem(r -> r.tableName(T).consistentRead(true).key(Map.of("PK", AttributeValue.fromS(key)))).hasItem()) {
                        System.out.println("LOST " + key); missing++;
                    }
                }
                System.out.println("CHECKED " + acked.size() + " missing " + missing);
                System.exit(0);
            }
            String run = a[2];
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
            out.println("READY");
            ExecutorService ex = Executors.newFixedThreadPool(4);
            for (int th = 0; th < 4; th++) {
                int id = th;
                ex.submit(() -> {
                    for (int n = 0; ; n++) {
                        String key = run + "-t" + id + "-" + n;
                        try {
                            if (id % 2 == 0) {
                                // like a token revocation: a transaction of two items, one conditional
                                d.transactWriteItems(r -> r.transactItems(
                                        TransactWriteItem.builder().put(p -> p.tableName(T).item(Map.of("PK", AttributeValue.fromS(key)))
                                                .conditionExpression("attribute_not_exists(PK)")).build(),
                                        TransactWriteItem.builder().put(p -> p.tableName(T).item(Map.of("PK", AttributeValue.fromS(key + "-audit")))).build()));
                            } else {
                                d.putItem(r -> r.tableName(T).item(Map.of("PK", AttributeValue.fromS(key))));
                            }
                            out.println("ACK " + key);
                        } catch (Exception e) {
                            out.println("ERR " + key + " " + e);
                        }
                    }
                });
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    static void parent(Path dir, int cycles, long seed) throws Exception {
        Random rnd = new Random(seed);
        String cp = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path self = Path.of(System.getProperty("durability.source", "bench/scripts/DynamoLocalDurability.java"));
        int lostTotal = 0; long ackTotal = 0;
        for (int c = 1; c <= cycles; c++) {
            Path acks = dir.resolveSibling("acks-" + c + ".txt");
            Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", cp, self.toString(), "write", dir.toString(), "c" + c)
                    .redirectOutput(acks.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long until = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < until && !Files.readString(acks).contains("READY")) Thread.sleep(20);
            Thread.sleep(200 + rnd.nextInt(1500));
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            Process k = new ProcessBuilder(java, "-cp", cp, self.toString(), "check", dir.toString(), acks.toString())
                    .redirectErrorStream(true).start();
            String res = new String(k.getInputStream().readAllBytes());
            k.waitFor();
            long n = Files.readAllLines(acks).stream().filter(l -> l.startsWith("ACK ")).count();
            ackTotal += n;
            String last = res.lines().filter(l -> l.startsWith("CHECKED") || l.startsWith("LOST")).reduce((x, y) -> x + " | " + y).orElse(res);
            if (last.contains("LOST")) lostTotal++;
            System.out.println("cycle " + c + ": acked " + n + " -> " + last);
        }
        System.out.println("cycles with a lost acknowledged write: " + lostTotal + " of " + cycles + "; acknowledged writes " + ackTotal);
    }
}
