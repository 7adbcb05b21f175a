package io.mpsaas.entitlement.listener;

/**
 * A message that can never be handled: malformed, forged, from an unknown topic or source, of an unknown kind. It is
 * parked in the dead-letter queue with {@link #getMessage()} as its reason, which therefore never holds personal data.
 */
public class UnprocessableMessageException extends Exception {

    public UnprocessableMessageException(String reason) {
        super(reason);
    }

    public UnprocessableMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
