package io.mpsaas.sandbox.marketplace.fault;

/**
 * Random faults for one operation.
 *
 * @param throttlingRate    probability (0..1) that a call fails with ThrottlingException
 * @param internalErrorRate probability (0..1) that a call fails with InternalServiceErrorException (HTTP 500)
 * @param unprocessedRate   probability (0..1), per usage record, that BatchMeterUsage returns it in
 *                          UnprocessedRecords instead of processing it
 * @param latencyMs         delay added before answering
 */
public record OperationFaults(double throttlingRate, double internalErrorRate, double unprocessedRate, long latencyMs) {

    public static final OperationFaults NONE = new OperationFaults(0, 0, 0, 0);

    public OperationFaults {
        checkRate("throttlingRate", throttlingRate);
        checkRate("internalErrorRate", internalErrorRate);
        checkRate("unprocessedRate", unprocessedRate);
        if (latencyMs < 0 || latencyMs > 60_000) {
            throw new IllegalArgumentException("latencyMs must be 0..60000, not " + latencyMs);
        }
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, not " + rate);
        }
    }

    public OperationFaults withThrottlingRate(double value) {
        return new OperationFaults(value, internalErrorRate, unprocessedRate, latencyMs);
    }

    public OperationFaults withInternalErrorRate(double value) {
        return new OperationFaults(throttlingRate, value, unprocessedRate, latencyMs);
    }

    public OperationFaults withUnprocessedRate(double value) {
        return new OperationFaults(throttlingRate, internalErrorRate, value, latencyMs);
    }

    public OperationFaults withLatencyMs(long value) {
        return new OperationFaults(throttlingRate, internalErrorRate, unprocessedRate, value);
    }
}
