package io.mpsaas.metering;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The test's own view of a DynamoDB client: the real one (DynamoDB Local) behind it, every call counted by method and
 * every TransactWriteItems' action count kept; a hook can fail a call to play a crash between two writes, another
 * hold a Query.
 */
final class CountingDynamo {

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Actions of each TransactWriteItems request, committed or not, in call order. */
    final List<Integer> transactions = new CopyOnWriteArrayList<>();
    /** Called with the number (1, 2, ...) of each TransactWriteItems before it is sent; may throw. */
    volatile Consumer<Integer> beforeTransaction = n -> {
    };
    /** Called with each Query request before it is sent; may block or throw. */
    volatile Consumer<QueryRequest> beforeQuery = q -> {
    };
    final DynamoDbClient client;

    CountingDynamo(DynamoDbClient real) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
                    if (method.getName().equals("transactWriteItems") && args != null && args.length == 1) {
                        TransactWriteItemsRequest request = args[0] instanceof TransactWriteItemsRequest r ? r
                                : build(args[0]);
                        transactions.add(request.transactItems().size());
                        beforeTransaction.accept(transactions.size());
                        args = new Object[] {request};
                        method = DynamoDbClient.class.getMethod("transactWriteItems",
                                TransactWriteItemsRequest.class);
                    }
                    if (method.getName().equals("query") && args != null && args.length == 1
                            && args[0] instanceof QueryRequest q) {
                        beforeQuery.accept(q);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private static TransactWriteItemsRequest build(Object consumer) {
        TransactWriteItemsRequest.Builder b = TransactWriteItemsRequest.builder();
        ((Consumer<TransactWriteItemsRequest.Builder>) consumer).accept(b);
        return b.build();
    }

    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** Items a transaction writes: every action of the usage table's transactions is a put or an update. */
    int actions() {
        return transactions.stream().mapToInt(Integer::intValue).sum();
    }
}
