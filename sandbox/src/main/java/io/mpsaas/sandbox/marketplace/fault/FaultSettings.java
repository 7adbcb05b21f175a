package io.mpsaas.sandbox.marketplace.fault;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A complete fault configuration: what the builder sets per run, what {@code GET /sandbox/faults} shows and
 * {@code PUT /sandbox/faults} replaces.
 *
 * @param seed                  seed of the random source deciding rate-based faults (same seed, same sequence)
 * @param operations            random faults per operation (missing = none)
 * @param failNext              pending deterministic failures, consumed in order
 * @param entitlementEmptyPages number of empty GetEntitlements pages (with a NextToken) served before the data of
 *                              every listing
 */
public record FaultSettings(
        long seed,
        Map<Operation, OperationFaults> operations,
        List<FailNextRule> failNext,
        int entitlementEmptyPages) {

    public FaultSettings {
        EnumMap<Operation, OperationFaults> ops = new EnumMap<>(Operation.class);
        if (operations != null) {
            ops.putAll(operations);
        }
        operations = Map.copyOf(ops);
        failNext = failNext == null ? List.of() : List.copyOf(failNext);
        if (entitlementEmptyPages < 0 || entitlementEmptyPages > 1000) {
            throw new IllegalArgumentException("entitlementEmptyPages must be 0..1000, not " + entitlementEmptyPages);
        }
    }

    public static FaultSettings none(long seed) {
        return new FaultSettings(seed, Map.of(), List.of(), 0);
    }

    public OperationFaults of(Operation operation) {
        return operations.getOrDefault(operation, OperationFaults.NONE);
    }
}
