package io.mpsaas.entitlement.rest;

/** An API error with its problem+json fields; {@link ProblemMapper} answers it. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;

    public ApiException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", "Bad request", detail);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }
}
