package io.mpsaas.common.marketplace;

/**
 * Paces calls to an AWS Marketplace API: hands out slots (times on this process's {@link System#nanoTime} clock) at
 * most one interval apart. {@link CallPacer} paces the callers of one process; {@link SharedCallPacer} paces every
 * replica together through one DynamoDB item.
 */
public interface Pacer {

    /**
     * Takes the next slot without waiting for it: the time ({@link System#nanoTime}) at which the caller may call.
     * Slots go in the order they are reserved, so calls reserved in order start in order.
     */
    long reserve();

    /** Blocks until a reserved slot. */
    void await(long slot);

    /** Blocks until this caller's slot (taken first, waited for after, so callers queue fairly). */
    default void acquire() {
        await(reserve());
    }

    /**
     * AWS throttled a call anyway (another process's calls, the network's jitter): its retry will come on top of the
     * calls this pacer spaces, so the next slot is left free for it rather than let the two collide again.
     */
    void throttled();
}
