package io.mpsaas.entitlement.console;

import io.mpsaas.entitlement.config.EntitlementConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * The console's gate and its error pages. Every {@code /console} request but the login page needs a valid session:
 * without one a page request is redirected to the login (then back), anything else too, and nothing is read or done.
 * Every POST needs its form's CSRF token ({@link ConsoleAuth#csrfValid}), or it is refused with a page and does
 * nothing. Error answers of the HTTP layer under {@code /console} (an unknown address, a wrong method) become readable
 * pages instead of empty or JSON bodies.
 */
public class ConsoleFilters {

    private final ConsoleAuth auth;
    private final ConsolePages pages;
    private final ConsolePaths paths;
    private final EntitlementConfig config;

    public ConsoleFilters(ConsoleAuth auth, ConsolePages pages, ConsolePaths paths, EntitlementConfig config) {
        this.auth = auth;
        this.pages = pages;
        this.paths = paths;
        this.config = config;
    }

    @ServerRequestFilter
    @WithFormRead
    public Response authenticate(ResteasyReactiveContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        if (!ConsolePaths.isConsole(path)) {
            return null;
        }
        if (!config.console().enabled()) {
            return Response.status(404).build();
        }
        boolean post = "POST".equals(request.getMethod());
        if (ConsolePaths.isPublic(path)) {
            return post && !auth.csrfValid(routing, null, csrfField(request)) ? csrfRefused(null) : null;
        }
        Optional<SessionTokens.Session> session = auth.session(routing);
        if (session.isEmpty()) {
            StringBuilder login = new StringBuilder(paths.href(ConsolePaths.LOGIN));
            String separator = "?";
            if ("GET".equals(request.getMethod())) {
                String query = request.getUriInfo().getRequestUri().getRawQuery();
                String next = paths.href(path) + (query == null ? "" : "?" + query);
                login.append("?next=").append(URLEncoder.encode(next, StandardCharsets.UTF_8));
                separator = "&";
            }
            if (routing.request().getCookie(ConsoleAuth.COOKIE) != null) {
                login.append(separator).append("expired=1");
            }
            return Response.seeOther(URI.create(login.toString())).build();
        }
        if (post && !auth.csrfValid(routing, session.get(), csrfField(request))) {
            return csrfRefused(session.get());
        }
        routing.put(ConsoleAuth.SESSION, session.get());
        auth.renewIfDue(routing, session.get());
        return null;
    }

    private static String csrfField(ResteasyReactiveContainerRequestContext request) {
        Object value = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                .getFormParameter(ConsoleAuth.CSRF_FIELD, true, false);
        return value instanceof String token ? token : null;
    }

    private Response csrfRefused(SessionTokens.Session session) {
        ConsolePages.Page page = pages.problem(session, 403, "This form has expired",
                "For your security the form could not be accepted, and nothing was done. Go back, reload the page"
                        + " and try again.");
        return Response.status(page.status()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.html())
                .build();
    }

    @ServerResponseFilter
    public void errorPages(ContainerRequestContext request, ContainerResponseContext response,
            RoutingContext routing) {
        int status = response.getStatus();
        if (status < 400 || !ConsolePaths.isConsole(request.getUriInfo().getPath())) {
            return;
        }
        MediaType type = response.getMediaType();
        if (response.hasEntity() && type != null && type.isCompatible(MediaType.TEXT_HTML_TYPE)) {
            return; // one of the console's own pages
        }
        SessionTokens.Session session = routing.get(ConsoleAuth.SESSION);
        ConsolePages.Page page = switch (status) {
            case 404 -> pages.problem(session, 404, "Page not found", "There is no console page at this address.");
            case 405 -> pages.problem(session, 405, "Not allowed", "This address does not answer that request.");
            case 415 -> pages.problem(session, 415, "Not a form", "This address only accepts the console's forms.");
            default -> pages.problem(session, status, "Something went wrong",
                    "The request could not be completed. The service log has the details.");
        };
        response.setStatus(page.status());
        response.getHeaders().remove("Content-Length");
        response.setEntity(page.html(), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
    }
}
