package io.mpsaas.entitlement.persistence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * DynamoDB Local behind a client of the combiners' tests: every request of one operation recorded, the first
 * {@code hold} of them held until {@link #release}, so the test decides which callers are waiting when a lane frees up
 * and which share a request never depends on timing.
 *
 * @param <Q> the operation's request
 * @param <T> what the test keeps of each request
 */
final class HeldClient<Q, T> {

    final List<T> requests = new CopyOnWriteArrayList<>();
    /** Requests held so far. */
    final AtomicInteger holding = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    final DynamoDbClient client;

    /**
     * @param operation the client's method ({@code transactWriteItems})
     * @param type      its request
     * @param builder   a builder of its request, for the calls that pass a {@code Consumer} of one
     * @param kept      what is recorded of each request
     * @param send      answers a request once it is let go (the real client's, or the test's own answer)
     */
    <B extends SdkBuilder<B, Q>> HeldClient(DynamoDbClient real, int hold, String operation, Class<Q> type,
            Supplier<B> builder, Function<Q, T> kept, Function<Q, Object> send) {
        AtomicInteger seen = new AtomicInteger();
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals(operation)) {
                        Q request = request(args[0], type, builder);
                        requests.add(kept.apply(request));
                        if (seen.getAndIncrement() < hold) {
                            holding.incrementAndGet();
                            release.await(60, TimeUnit.SECONDS);
                        }
                        return send.apply(request);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private static <Q, B extends SdkBuilder<B, Q>> Q request(Object arg, Class<Q> type, Supplier<B> builder) {
        if (type.isInstance(arg)) {
            return type.cast(arg);
        }
        B b = builder.get();
        ((Consumer<B>) arg).accept(b);
        return b.build();
    }

    /** Makes each call from its own thread, released together by a barrier so that they really overlap. */
    static <R> List<CompletableFuture<R>> atOnce(List<Supplier<R>> calls, Executor threads) {
        CyclicBarrier together = new CyclicBarrier(calls.size());
        List<CompletableFuture<R>> answers = new ArrayList<>();
        for (Supplier<R> call : calls) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return call.get();
            }, threads));
        }
        return answers;
    }
}
