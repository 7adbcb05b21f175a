package io.mpsaas.entitlement.listener;

/** A certificate could not be fetched right now (network, 5xx): the message is retried later, not parked. */
public class CertificateUnavailableException extends Exception {

    public CertificateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
