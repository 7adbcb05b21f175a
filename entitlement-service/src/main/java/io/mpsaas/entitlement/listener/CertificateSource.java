package io.mpsaas.entitlement.listener;

import java.net.URI;

/** Where certificate bytes come from: HTTP(S) in production, a map in unit tests. */
@FunctionalInterface
public interface CertificateSource {

    /**
     * The body at {@code uri}.
     *
     * @throws UnprocessableMessageException when the certificate does not exist there (HTTP 403, 404, 410)
     * @throws CertificateUnavailableException when it cannot be read now (network, other statuses)
     */
    byte[] fetch(URI uri) throws UnprocessableMessageException, CertificateUnavailableException;
}
