package io.mpsaas.entitlement.console;

import software.amazon.awssdk.core.exception.SdkException;

/** How the console tells a failing dependency (answered 503, try again) from its own bug (500). */
final class ConsoleErrors {

    private ConsoleErrors() {
    }

    /** Whether DynamoDB or SQS failed (after the SDK's own retries). */
    static boolean unavailable(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SdkException) {
                return true;
            }
        }
        return false;
    }
}
