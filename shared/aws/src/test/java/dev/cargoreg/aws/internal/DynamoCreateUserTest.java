package dev.cargoreg.aws.internal;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creating a user reads a cancelled transaction as "login taken" only when the user item's own condition failed. The
 * cancellation is made by a client stub: DynamoDB Local cannot be made to cancel for a conflict on demand.
 */
class DynamoCreateUserTest {

    private static DynamoMetadataStore storeCancellingWith(String... codes) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (args != null && args.length == 1 && args[0] instanceof UpdateItemRequest) {
                return UpdateItemResponse.builder().attributes(Map.of("value", AttributeValue.fromN("1"))).build();
            }
            if (args != null && args.length == 1 && args[0] instanceof TransactWriteItemsRequest) {
                CancellationReason[] reasons = new CancellationReason[codes.length];
                for (int i = 0; i < codes.length; i++) {
                    reasons[i] = CancellationReason.builder().code(codes[i]).build();
                }
                throw TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
            }
            if (method.isDefault()) {
                // the consumer-builder forms build the request and call the forms above
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new UnsupportedOperationException(method.getName());
        };
        DynamoDbClient client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, handler);
        return new DynamoMetadataStore(client, "t");
    }

    @Test
    void the_user_items_condition_failing_means_the_login_is_taken() {
        assertTrue(storeCancellingWith("ConditionalCheckFailed", "None").createUser("bob", null, false, Instant.EPOCH, null)
                .isEmpty());
    }

    @Test
    void a_conflict_is_an_error_not_a_taken_login() {
        assertThrows(TransactionCanceledException.class, () -> storeCancellingWith("None", "TransactionConflict")
                .createUser("bob", null, false, Instant.EPOCH, null));
        assertThrows(TransactionCanceledException.class, () -> storeCancellingWith("TransactionConflict", "None")
                .createUser("bob", null, false, Instant.EPOCH, null));
    }
}
