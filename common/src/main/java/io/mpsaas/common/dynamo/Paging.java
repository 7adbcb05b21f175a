package io.mpsaas.common.dynamo;

import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The one paging loop of the suite: a Query or Scan read page after page ({@code ExclusiveStartKey} from the last
 * page's {@code LastEvaluatedKey}), lazily, so a caller that stops consuming (a limit reached, a budget spent) reads
 * no further page. A page without a {@code LastEvaluatedKey}, or with an empty one, is the last.
 */
public final class Paging {

    private Paging() {
    }

    /** Every item of the query, page by page. */
    public static Stream<Map<String, AttributeValue>> query(DynamoDbClient dynamo, QueryRequest request) {
        return queryPages(dynamo, request).flatMap(page -> page.items().stream());
    }

    /** The query's pages, each read when the stream gets to it. */
    public static Stream<QueryResponse> queryPages(DynamoDbClient dynamo, QueryRequest request) {
        return queryPages(dynamo, request, request.exclusiveStartKey());
    }

    /**
     * The query's pages from after {@code from} (a cursor a caller handed out, the whole table's start when null or
     * empty), each read when the stream gets to it.
     */
    public static Stream<QueryResponse> queryPages(DynamoDbClient dynamo, QueryRequest request,
            Map<String, AttributeValue> from) {
        return pages(start -> dynamo.query(request.toBuilder().exclusiveStartKey(start).build()),
                page -> page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null, from);
    }

    /** Every item of the scan, page by page. */
    public static Stream<Map<String, AttributeValue>> scan(DynamoDbClient dynamo, ScanRequest request) {
        return scanPages(dynamo, request).flatMap(page -> page.items().stream());
    }

    /** The scan's pages, each read when the stream gets to it. */
    public static Stream<ScanResponse> scanPages(DynamoDbClient dynamo, ScanRequest request) {
        return scanPages(dynamo, request, request.exclusiveStartKey());
    }

    /** The scan's pages from after {@code from} (null or empty: from the start), each read when the stream gets to it. */
    public static Stream<ScanResponse> scanPages(DynamoDbClient dynamo, ScanRequest request,
            Map<String, AttributeValue> from) {
        return pages(start -> dynamo.scan(request.toBuilder().exclusiveStartKey(start).build()),
                page -> page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null, from);
    }

    /** The key to go on from after {@code lastEvaluatedKey}; null when that page was the last. */
    public static Map<String, AttributeValue> next(Map<String, AttributeValue> lastEvaluatedKey) {
        return lastEvaluatedKey == null || lastEvaluatedKey.isEmpty() ? null : lastEvaluatedKey;
    }

    private static <P> Stream<P> pages(Function<Map<String, AttributeValue>, P> read,
            Function<P, Map<String, AttributeValue>> lastKey, Map<String, AttributeValue> first) {
        Spliterator<P> pages = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL) {
            private Map<String, AttributeValue> start = next(first);
            private boolean done;

            @Override
            public boolean tryAdvance(Consumer<? super P> action) {
                if (done) {
                    return false;
                }
                P page = read.apply(start);
                start = next(lastKey.apply(page));
                done = start == null;
                action.accept(page);
                return true;
            }
        };
        return StreamSupport.stream(pages, false);
    }
}
