package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.MetadataStore.DependencyEdge;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What DynamoDB Local never does: answering items unprocessed (throttling) and failing one batch of many. The store's
 * reverse-dependency writes against a client that does, for each BatchWriteItem, what the test says.
 */
class DynamoReverseDependenciesTest {

    private static List<DependencyEdge> edges(int n) {
        List<DependencyEdge> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new DependencyEdge("serde", "app", "1.0." + i, i + 1, 0, "{\"name\":\"serde\",\"req\":\"^1\"}"));
        }
        return out;
    }

    /** A client whose BatchWriteItem answers what {@code answer} says, recording every request's items. */
    private static final class Client implements DynamoDbClient {
        final List<List<WriteRequest>> calls = Collections.synchronizedList(new ArrayList<>());
        final Function<List<WriteRequest>, BatchWriteItemResponse> answer;

        Client(Function<List<WriteRequest>, BatchWriteItemResponse> answer) {
            this.answer = answer;
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            List<WriteRequest> items = request.requestItems().get("t");
            calls.add(items);
            return answer.apply(items);
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static BatchWriteItemResponse done() {
        return BatchWriteItemResponse.builder().unprocessedItems(Map.of()).build();
    }

    @Test
    void items_left_unprocessed_are_sent_again_until_written() {
        AtomicInteger n = new AtomicInteger();
        Client client = new Client(items -> n.getAndIncrement() == 0
                ? BatchWriteItemResponse.builder().unprocessedItems(Map.of("t", items.subList(20, 25))).build()
                : done());

        new DynamoMetadataStore(client, "t").recordDependents(edges(25));

        assertEquals(2, client.calls.size());
        assertEquals(25, client.calls.get(0).size());
        assertEquals(client.calls.get(0).subList(20, 25), client.calls.get(1), "the unprocessed five, again");
    }

    @Test
    void items_that_stay_unprocessed_fail_after_a_bounded_number_of_attempts() {
        Client client = new Client(items -> BatchWriteItemResponse.builder().unprocessedItems(Map.of("t", items)).build());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DynamoMetadataStore(client, "t").recordDependents(edges(3)));

        assertEquals(DynamoMetadataStore.BATCH_WRITE_ATTEMPTS, client.calls.size());
        assertTrue(e.getMessage().contains("3 reverse-dependency items unprocessed"), e.getMessage());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String version(List<WriteRequest> items) {
        return items.get(0).putRequest().item().get("vwb").s();
    }

    @Test
    void a_failing_batch_of_many_fails_the_call_with_its_error_and_no_batch_begins_after_it() {
        // 40 batches of 25; the second fails at once while the first is still under way (300 ms), the others take 20 ms
        Client client = new Client(items -> {
            String first = version(items);
            if (first.equals("1.0.25")) {
                throw ProvisionedThroughputExceededException.builder().message("slow down").build();
            }
            pause(first.equals("1.0.0") ? 300 : 20);
            return done();
        });

        RuntimeException e = assertThrows(RuntimeException.class,
                () -> new DynamoMetadataStore(client, "t").recordDependents(edges(40 * 25)));

        assertInstanceOf(ProvisionedThroughputExceededException.class, e, e.toString());
        int sent = client.calls.size();
        // the call returns once nothing is under way: no batch is sent after it
        pause(200);
        assertEquals(sent, client.calls.size(), "nothing sent after the call returned");
        // the batches the four threads had begun, and none of the other 36
        assertTrue(sent <= 8, sent + " of 40 batches sent");
    }

    @Test
    void many_batches_are_each_sent_once() {
        Client client = new Client(items -> done());

        new DynamoMetadataStore(client, "t").recordDependents(edges(1_000));

        assertEquals(40, client.calls.size());
        List<String> versions = new ArrayList<>();
        client.calls.forEach(c -> c.forEach(w -> versions.add(w.putRequest().item().get("vwb").s())));
        assertEquals(1_000, versions.stream().distinct().count(), "every edge once");
    }
}
