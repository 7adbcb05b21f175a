package io.mpsaas.console.rest;

/**
 * A service's admin API did not answer, failed, or refused the console's key: a page that names the service and what
 * to check, never a stack trace. {@code status} is the page's: 503 when the service did not answer in time, 502 when
 * it answered with an error.
 */
public class ServiceUnavailableException extends RuntimeException {

    private final int status;
    private final String service;

    public ServiceUnavailableException(int status, String service, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.service = service;
    }

    public int status() {
        return status;
    }

    public String service() {
        return service;
    }
}
