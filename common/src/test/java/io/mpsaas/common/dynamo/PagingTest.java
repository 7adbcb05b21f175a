package io.mpsaas.common.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** The one paging loop, against a table of pages that records what it was asked. */
class PagingTest {

    /** Pages of two items; each page's LastEvaluatedKey is its last item's key, the last page's none (or empty). */
    private static final class PagedTable implements DynamoDbClient {
        final List<Map<String, AttributeValue>> items = new ArrayList<>();
        final List<Map<String, AttributeValue>> asked = new ArrayList<>();
        boolean emptyLastKey;

        PagedTable(int count) {
            for (int i = 0; i < count; i++) {
                items.add(SuiteTables.key("p", "i" + i));
            }
        }

        private int from(Map<String, AttributeValue> start) {
            asked.add(start);
            return start.isEmpty() ? 0 : items.indexOf(start) + 1;
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            int from = from(request.exclusiveStartKey());
            int to = Math.min(items.size(), from + 2);
            QueryResponse.Builder page = QueryResponse.builder().items(items.subList(from, to)).count(to - from);
            if (to < items.size()) {
                page.lastEvaluatedKey(items.get(to - 1));
            } else if (emptyLastKey) {
                page.lastEvaluatedKey(Map.of());
            }
            return page.build();
        }

        @Override
        public ScanResponse scan(ScanRequest request) {
            int from = from(request.exclusiveStartKey());
            int to = Math.min(items.size(), from + 2);
            ScanResponse.Builder page = ScanResponse.builder().items(items.subList(from, to)).scannedCount(to - from);
            if (to < items.size()) {
                page.lastEvaluatedKey(items.get(to - 1));
            }
            return page.build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static List<String> sortKeys(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> i.get("sk").s()).collect(Collectors.toList());
    }

    @Test
    void query_readsEveryPage_goingOnFromEachLastEvaluatedKey() {
        PagedTable table = new PagedTable(5);

        List<Map<String, AttributeValue>> items = Paging.query(table, QueryRequest.builder().tableName("t").build())
                .collect(Collectors.toList());

        assertThat(sortKeys(items)).containsExactly("i0", "i1", "i2", "i3", "i4");
        assertThat(table.asked).hasSize(3);
        assertThat(table.asked.get(1)).isEqualTo(table.items.get(1));
        assertThat(table.asked.get(2)).isEqualTo(table.items.get(3));
    }

    @Test
    void query_stopsAtAnEmptyLastEvaluatedKey() {
        PagedTable table = new PagedTable(4);
        table.emptyLastKey = true;

        assertThat(Paging.query(table, QueryRequest.builder().tableName("t").build()).count()).isEqualTo(4);
        assertThat(table.asked).hasSize(2);
    }

    @Test
    void query_readsNoFurtherPage_thanTheConsumerTakes() {
        PagedTable table = new PagedTable(10);

        List<Map<String, AttributeValue>> first = Paging.query(table, QueryRequest.builder().tableName("t").build())
                .limit(3).collect(Collectors.toList());

        assertThat(sortKeys(first)).containsExactly("i0", "i1", "i2");
        assertThat(table.asked).hasSize(2);
    }

    @Test
    void query_beginsAtTheRequestsOwnExclusiveStartKey() {
        PagedTable table = new PagedTable(5);

        List<Map<String, AttributeValue>> rest = Paging.query(table, QueryRequest.builder().tableName("t")
                .exclusiveStartKey(table.items.get(2)).build()).collect(Collectors.toList());

        assertThat(sortKeys(rest)).containsExactly("i3", "i4");
    }

    @Test
    void pages_beginAfterACallersCursor_andAtTheStartWithoutOne() {
        PagedTable table = new PagedTable(5);

        List<QueryResponse> fromCursor = Paging.queryPages(table, QueryRequest.builder().tableName("t").build(),
                table.items.get(0)).collect(Collectors.toList());
        List<ScanResponse> fromStart = Paging.scanPages(table, ScanRequest.builder().tableName("t").build(), Map.of())
                .collect(Collectors.toList());

        assertThat(fromCursor.stream().flatMap(p -> sortKeys(p.items()).stream())).containsExactly("i1", "i2", "i3",
                "i4");
        assertThat(fromStart.stream().flatMap(p -> sortKeys(p.items()).stream())).containsExactly("i0", "i1", "i2",
                "i3", "i4");
    }

    @Test
    void scanPages_areReadOneByOne_andTheLastHasNoNextKey() {
        PagedTable table = new PagedTable(3);

        List<ScanResponse> pages = Paging.scanPages(table, ScanRequest.builder().tableName("t").build())
                .collect(Collectors.toList());

        assertThat(pages).hasSize(2);
        assertThat(Paging.next(pages.get(0).lastEvaluatedKey())).isEqualTo(table.items.get(1));
        assertThat(Paging.next(pages.get(1).lastEvaluatedKey())).isNull();
        assertThat(sortKeys(Paging.scan(table, ScanRequest.builder().tableName("t").build())
                .collect(Collectors.toList()))).containsExactly("i0", "i1", "i2");
    }
}
