package io.mpsaas.sandbox.marketplace.fault;

/**
 * "Fail the next {@code remaining} calls of {@code operation} (null = any operation) with {@code errorCode}".
 *
 * @param httpStatus 500 for InternalServiceErrorException, otherwise 400 unless given
 */
public record FailNextRule(Operation operation, int remaining, String errorCode, String message, int httpStatus) {

    public FailNextRule {
        if (remaining < 1) {
            throw new IllegalArgumentException("count must be >= 1, not " + remaining);
        }
        if (errorCode == null || !errorCode.matches("[A-Za-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("errorCode must be an AWS error type such as ThrottlingException, not '"
                    + errorCode + "'");
        }
        message = message == null ? "Injected by the marketplace simulator" : message;
        if (httpStatus == 0) {
            httpStatus = "InternalServiceErrorException".equals(errorCode) ? 500 : 400;
        }
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus must be 4xx or 5xx, not " + httpStatus);
        }
    }

    boolean matches(Operation op) {
        return operation == null || operation == op;
    }

    FailNextRule consumed() {
        return remaining == 1 ? null : new FailNextRule(operation, remaining - 1, errorCode, message, httpStatus);
    }
}
