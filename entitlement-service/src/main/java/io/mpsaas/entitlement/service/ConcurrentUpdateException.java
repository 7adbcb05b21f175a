package io.mpsaas.entitlement.service;

/** A customer kept changing under a write for every allowed attempt: the message is retried later. */
public class ConcurrentUpdateException extends RuntimeException {

    public ConcurrentUpdateException(String message) {
        super(message);
    }
}
