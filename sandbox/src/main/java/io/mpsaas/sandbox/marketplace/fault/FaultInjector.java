package io.mpsaas.sandbox.marketplace.fault;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Decides, per call, whether to fail, delay or drop records; deterministic for a given seed. Thread-safe (one
 * monitor: the random sequence is shared across calls, as a seed only means something if draws are ordered).
 */
public final class FaultInjector {

    private final FaultSettings initial;
    private FaultSettings current;
    private Random random;

    public FaultInjector(FaultSettings initial) {
        this.initial = initial;
        this.current = initial;
        this.random = new Random(initial.seed());
    }

    public synchronized FaultSettings settings() {
        return current;
    }

    /** Replaces the whole configuration and restarts the random sequence from its seed. */
    public synchronized void apply(FaultSettings settings) {
        current = settings;
        random = new Random(settings.seed());
    }

    /** Sets the random faults of one operation, or of all operations when {@code operation} is null. */
    public synchronized void set(Operation operation, OperationFaults faults) {
        Map<Operation, OperationFaults> ops = new EnumMap<>(Operation.class);
        ops.putAll(current.operations());
        if (operation == null) {
            for (Operation o : Operation.values()) {
                ops.put(o, faults);
            }
        } else {
            ops.put(operation, faults);
        }
        current = new FaultSettings(current.seed(), ops, current.failNext(), current.entitlementEmptyPages());
    }

    /** Fails the next {@code count} calls of the operation (null = any) with the given AWS error type. */
    public synchronized void failNext(Operation operation, int count, String errorCode) {
        failNext(new FailNextRule(operation, count, errorCode, null, 0));
    }

    public synchronized void failNext(FailNextRule rule) {
        List<FailNextRule> rules = new ArrayList<>(current.failNext());
        rules.add(rule);
        current = new FaultSettings(current.seed(), current.operations(), rules, current.entitlementEmptyPages());
    }

    public synchronized void entitlementEmptyPages(int pages) {
        current = new FaultSettings(current.seed(), current.operations(), current.failNext(), pages);
    }

    /** Restarts the random sequence with a new seed. */
    public synchronized void reseed(long seed) {
        current = new FaultSettings(seed, current.operations(), current.failNext(), current.entitlementEmptyPages());
        random = new Random(seed);
    }

    /** Back to what the simulator was built with. */
    public synchronized void reset() {
        apply(initial);
    }

    /** The error to answer this call with, if any: pending fail-next rules first, then the random rates. */
    public synchronized Optional<InjectedError> nextError(Operation operation) {
        List<FailNextRule> rules = current.failNext();
        for (int i = 0; i < rules.size(); i++) {
            FailNextRule rule = rules.get(i);
            if (rule.matches(operation)) {
                List<FailNextRule> rest = new ArrayList<>(rules);
                FailNextRule left = rule.consumed();
                if (left == null) {
                    rest.remove(i);
                } else {
                    rest.set(i, left);
                }
                current = new FaultSettings(current.seed(), current.operations(), rest,
                        current.entitlementEmptyPages());
                return Optional.of(new InjectedError(rule.errorCode(), rule.httpStatus(), rule.message()));
            }
        }
        OperationFaults faults = current.of(operation);
        if (faults.throttlingRate() > 0 && random.nextDouble() < faults.throttlingRate()) {
            return Optional.of(new InjectedError("ThrottlingException", 400, "Rate exceeded (injected fault)"));
        }
        if (faults.internalErrorRate() > 0 && random.nextDouble() < faults.internalErrorRate()) {
            return Optional.of(new InjectedError("InternalServiceErrorException", 500,
                    "An internal error has occurred (injected fault)"));
        }
        return Optional.empty();
    }

    /** Whether to return this usage record in UnprocessedRecords. */
    public synchronized boolean unprocessed(Operation operation) {
        double rate = current.of(operation).unprocessedRate();
        return rate > 0 && random.nextDouble() < rate;
    }

    public synchronized long latencyMs(Operation operation) {
        return current.of(operation).latencyMs();
    }

    public synchronized int entitlementEmptyPages() {
        return current.entitlementEmptyPages();
    }
}
