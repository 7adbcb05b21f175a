package io.mpsaas.console.rest;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Error answers of the HTTP layer under {@code /console} (an unknown address, a wrong method, a form whose CSRF token
 * quarkus-rest-csrf refused) become readable pages instead of empty or JSON bodies. The console's own pages pass
 * through unchanged.
 */
public class ConsoleErrorPages {

    private final ConsolePages pages;
    private final SecurityIdentity identity;

    public ConsoleErrorPages(ConsolePages pages, SecurityIdentity identity) {
        this.pages = pages;
        this.identity = identity;
    }

    @ServerResponseFilter
    public void errorPages(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400 || !ConsolePaths.isConsole(request.getUriInfo().getPath())) {
            return;
        }
        MediaType type = response.getMediaType();
        if (response.hasEntity() && type != null && type.isCompatible(MediaType.TEXT_HTML_TYPE)) {
            return; // one of the console's own pages
        }
        String operator = identity.isAnonymous() ? null : identity.getPrincipal().getName();
        boolean form = "POST".equals(request.getMethod());
        ConsolePages.Page page = switch (status) {
            case 400 -> form ? pages.httpError(operator, 403, "This form has expired",
                    "For your security the form could not be accepted, and nothing was done. Go back, reload the"
                            + " page and try again.")
                    : pages.httpError(operator, 400, "Check your input", "The console cannot read this request.");
            case 403 -> pages.httpError(operator, 403, "Not allowed", "Your sign-in does not open this page.");
            case 404 -> pages.httpError(operator, 404, "Page not found", "There is no console page at this address.");
            case 405 -> pages.httpError(operator, 405, "Not allowed", "This address does not answer that request.");
            case 415 -> pages.httpError(operator, 415, "Not a form", "This address only accepts the console's forms.");
            default -> pages.httpError(operator, status, "Something went wrong",
                    "The request could not be completed. The console's log has the details.");
        };
        response.setStatus(page.status());
        response.getHeaders().remove("Content-Length");
        response.setEntity(page.html(), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
    }
}
