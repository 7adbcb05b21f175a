package io.mpsaas.metering.persistence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Counts what the service's DynamoDB client does, per operation: requests (API calls, the SDK's own retries inside
 * one) and items written by the requests that succeeded (a transaction's puts, updates and deletes, not its condition
 * checks; a batch write's requests minus the unprocessed ones). Registered on the Quarkus DynamoDB client with
 * {@code quarkus.dynamodb.interceptors} (the SDK creates it, so the counts are static); {@code MeteringMetrics}
 * exposes them as {@code mpsaas_metering_dynamodb_requests_total} and
 * {@code mpsaas_metering_dynamodb_items_written_total}: the write units a usage record costs are read there.
 */
public final class DynamoDbCalls implements ExecutionInterceptor {

    /** The operations counted by name; any other is counted as {@code other}. */
    public static final List<String> OPERATIONS = List.of("GetItem", "BatchGetItem", "Query", "Scan", "PutItem",
            "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "other");

    private static final Map<String, LongAdder> REQUESTS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> ITEMS_WRITTEN = new ConcurrentHashMap<>();

    /** Requests made so far by this process's DynamoDB client(s) with this operation. */
    public static long requests(String operation) {
        LongAdder n = REQUESTS.get(operation);
        return n == null ? 0 : n.sum();
    }

    /** Items written so far by successful requests of this operation. */
    public static long itemsWritten(String operation) {
        LongAdder n = ITEMS_WRITTEN.get(operation);
        return n == null ? 0 : n.sum();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String operation = operation(attributes);
        count(REQUESTS, operation, 1);
        count(ITEMS_WRITTEN, operation, written(context.request(), context.response()));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        count(REQUESTS, operation(attributes), 1);
    }

    static long written(SdkRequest request, SdkResponse response) {
        if (request instanceof TransactWriteItemsRequest tx) {
            long n = 0;
            for (TransactWriteItem item : tx.transactItems()) {
                if (item.put() != null || item.update() != null || item.delete() != null) {
                    n++;
                }
            }
            return n;
        }
        if (request instanceof BatchWriteItemRequest batch) {
            long n = batch.requestItems().values().stream().mapToLong(List::size).sum();
            if (response instanceof BatchWriteItemResponse answer && answer.hasUnprocessedItems()) {
                for (List<WriteRequest> unprocessed : answer.unprocessedItems().values()) {
                    n -= unprocessed.size();
                }
            }
            return n;
        }
        return request instanceof PutItemRequest || request instanceof UpdateItemRequest
                || request instanceof DeleteItemRequest ? 1 : 0;
    }

    private static String operation(ExecutionAttributes attributes) {
        String name = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return name != null && OPERATIONS.contains(name) ? name : "other";
    }

    private static void count(Map<String, LongAdder> counts, String operation, long n) {
        if (n > 0) {
            counts.computeIfAbsent(operation, o -> new LongAdder()).add(n);
        }
    }
}
