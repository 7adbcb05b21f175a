package io.mpsaas.common.dynamo;

import io.mpsaas.common.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The one {@code BatchWriteItem} loop of the suite: requests to one table written {@value #MAX_ITEMS} to a call, and
 * what DynamoDB leaves unprocessed (throttling part of a batch) written again after a pause (full jitter: a random part
 * of 50 ms doubling to at most a second, so replicas throttled together do not write again in step), {@value #ROUNDS}
 * rounds at most. A batch write has no condition: callers put items whose whole content they
 * know to be right whatever is stored.
 */
public final class BatchWrites {

    /** Most requests one {@code BatchWriteItem} takes. */
    public static final int MAX_ITEMS = 25;
    /** Rounds of unprocessed items tried again before giving up. */
    public static final int ROUNDS = 8;

    static final Backoff BACKOFF = Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(1));

    private BatchWrites() {
    }

    /**
     * Writes the requests, {@value #MAX_ITEMS} to a call; answers those still unprocessed after {@value #ROUNDS} rounds
     * (empty once all are written). Throws when DynamoDB refuses a call (the requests of later calls then unwritten
     * too).
     */
    public static List<WriteRequest> write(DynamoDbClient dynamo, String table, List<WriteRequest> requests) {
        List<WriteRequest> unwritten = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += MAX_ITEMS) {
            List<WriteRequest> pending = requests.subList(from, Math.min(requests.size(), from + MAX_ITEMS));
            for (int round = 0; !pending.isEmpty() && round < ROUNDS; round++) {
                if (round > 0) {
                    BACKOFF.pause(round);
                }
                BatchWriteItemResponse response = dynamo.batchWriteItem(BatchWriteItemRequest.builder()
                        .requestItems(Map.of(table, pending)).build());
                pending = response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(table, List.of())
                        : List.of();
            }
            unwritten.addAll(pending);
        }
        return unwritten;
    }

    /**
     * Whether DynamoDB refused the call for the role's lack of a permission (a stack older than the code that batches):
     * a caller falls back to its one-item writes rather than failing every batch.
     */
    public static boolean accessDenied(DynamoDbException e) {
        return e.awsErrorDetails() != null && "AccessDeniedException".equals(e.awsErrorDetails().errorCode());
    }
}
