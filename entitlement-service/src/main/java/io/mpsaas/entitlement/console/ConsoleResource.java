package io.mpsaas.entitlement.console;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.console.ConsoleViews.Notice;
import io.mpsaas.entitlement.messaging.ParkedMessage;
import io.quarkus.logging.Log;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The operator console's pages. {@link ConsoleFilters} has already checked the session (every page but the login);
 * forms are CSRF-checked by quarkus-rest-csrf before they get here. The console reads DynamoDB and the queues, and
 * asks other services to act only through SQS (re-drives: a command to metering-service; replays: the message back
 * to its queue).
 */
@Path(ConsolePaths.BASE)
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    private final ConsoleAuth auth;
    private final ConsolePages pages;
    private final ConsolePaths paths;
    private final CustomerDirectory customers;
    private final UsageReader usage;
    private final DeadLetters deadLetters;
    private final Redrives redrives;
    private final EntitlementConfig.Console config;

    public ConsoleResource(ConsoleAuth auth, ConsolePages pages, ConsolePaths paths, CustomerDirectory customers,
            UsageReader usage, DeadLetters deadLetters, Redrives redrives, EntitlementConfig config) {
        this.auth = auth;
        this.pages = pages;
        this.paths = paths;
        this.customers = customers;
        this.usage = usage;
        this.deadLetters = deadLetters;
        this.redrives = redrives;
        this.config = config.console();
    }

    // ---------------------------------------------------------------- signing in and out

    @GET
    @Path("login")
    public Response loginPage(@QueryParam("next") String next, @QueryParam("expired") String expired,
            @QueryParam("signedOut") String signedOut, @Context RoutingContext routing) {
        if (auth.session(routing).isPresent()) {
            return redirect(paths.afterLogin(next));
        }
        Notice notice = signedOut != null ? new Notice("ok", "You are signed out.")
                : expired != null ? new Notice("info", "Your session has ended. Sign in again.") : null;
        return html(pages.login(200, next, null, notice));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("key") String key, @FormParam("next") String next,
            @Context RoutingContext routing) {
        if (key == null || key.isBlank()) {
            return html(pages.login(400, next, "Enter an admin API key.", null));
        }
        Optional<SessionTokens.Session> session = auth.login(key);
        if (session.isEmpty()) {
            Log.warn("Console sign-in refused: the key entered is not an admin key");
            return html(pages.login(401, next, "That key is not an operator key. Check it and try again.", null));
        }
        auth.setCookie(routing, session.get());
        Log.infof("Console sign-in with admin key %s", session.get().keyId());
        return redirect(paths.afterLogin(next));
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@Context RoutingContext routing) {
        Log.infof("Console sign-out of admin key %s", session(routing).keyId());
        auth.clearCookie(routing);
        return redirect(paths.href(ConsolePaths.LOGIN) + "?signedOut=1");
    }

    // ---------------------------------------------------------------- customers

    @GET
    public Response overview(@Context RoutingContext routing) {
        return html(pages.overview(session(routing), deadLetters.counts(), usage.failures(config.failuresLimit())));
    }

    @GET
    @Path("customers")
    public Response customers(@QueryParam("product") String product, @QueryParam("state") String state,
            @QueryParam("after") String after, @Context RoutingContext routing) {
        SubscriptionState filter = state(state);
        String code = product == null || product.isBlank() ? null : product.strip();
        CustomerDirectory.Page page = customers.page(code, filter, after);
        return html(pages.customers(session(routing), page, code, filter, after == null || after.isBlank()));
    }

    @POST
    @Path("search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response search(@FormParam("q") String text, @FormParam("by") String by,
            @Context RoutingContext routing) {
        SearchQuery query;
        try {
            query = SearchQuery.of(text, by);
        } catch (ConsoleInputException e) {
            return html(pages.searchError(session(routing), text, e.getMessage()));
        }
        return html(pages.searchResults(session(routing), query, customers.search(query)));
    }

    @GET
    @Path("customer")
    public Response customer(@QueryParam("key") String key, @Context RoutingContext routing) {
        CustomerRecord customer = customerOrNotFound(key);
        return html(pages.customer(session(routing), customer, customers.registration(key).orElse(null),
                customers.history(key), usage.ofCustomer(key, config.usageLimit())));
    }

    @GET
    @Path("usage")
    public Response usage(@QueryParam("key") String key, @Context RoutingContext routing) {
        CustomerRecord customer = customerOrNotFound(key);
        return html(pages.usage(session(routing), customer, customers.registration(key).orElse(null),
                usage.ofCustomer(key, config.usageLimit())));
    }

    // ---------------------------------------------------------------- failures and parked messages

    @GET
    @Path("failures")
    public Response failures(@Context RoutingContext routing) {
        return html(pages.failures(session(routing), usage.failures(config.failuresLimit())));
    }

    @POST
    @Path("metering/redrive")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response redrive(@FormParam("id") List<String> ids, @FormParam("back") String back,
            @Context RoutingContext routing) {
        SessionTokens.Session session = session(routing);
        List<Redrives.Outcome> outcomes = redrives.request(ids, session.keyId());
        String returnTo = back != null && back.startsWith(paths.root() + "/") && !back.contains("//") ? back
                : paths.href(ConsolePaths.FAILURES);
        return html(pages.redriveResult(session, outcomes, returnTo));
    }

    @GET
    @Path("parked")
    public Response parked(@QueryParam("replayed") Integer replayed, @QueryParam("queue") String queue,
            @Context RoutingContext routing) {
        Notice notice = null;
        if (replayed != null && queue != null) {
            notice = replayed == 0
                    ? new Notice("error", "Nothing was replayed: the message is no longer parked in " + queue + ".")
                    : new Notice("ok", replayed + (replayed == 1 ? " message" : " messages") + " moved back to "
                            + queue + ".");
        }
        return html(pages.parked(session(routing), deadLetters.listAll(), notice));
    }

    @POST
    @Path("parked/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response replay(@FormParam("queue") String queue, @FormParam("messageId") String messageId,
            @Context RoutingContext routing) {
        SessionTokens.Session session = session(routing);
        String id = messageId == null || messageId.isBlank() ? null : messageId.strip();
        List<ParkedMessage> replayed = deadLetters.replay(queue, id)
                .orElseThrow(() -> new WebApplicationException(404));
        Log.infof("Console operator (key %s) replayed %d parked messages of queue %s: %s", session.keyId(),
                replayed.size(), queue, replayed.stream().map(ParkedMessage::messageId).toList());
        return redirect(paths.href(ConsolePaths.PARKED) + "?replayed=" + replayed.size() + "&queue="
                + URLEncoder.encode(queue, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- errors

    /** Errors of the console's pages are pages too; never a stack trace, never JSON. */
    @ServerExceptionMapper
    public Response error(Exception exception, RoutingContext routing) {
        SessionTokens.Session session = routing.get(ConsoleAuth.SESSION);
        if (exception instanceof ConsoleInputException input) {
            return html(pages.problem(session, 400, "Check your input", input.getMessage()));
        }
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return html(status == 404 ? pages.problem(session, 404, "Not found", "There is nothing at this address.")
                    : pages.problem(session, status, "Request refused", "The console cannot answer this request."));
        }
        if (ConsoleErrors.unavailable(exception)) {
            Log.warnf("Console page %s failed: AWS did not answer (%s)", routing.normalizedPath(),
                    exception.getClass().getSimpleName());
            return html(pages.problem(session, 503, "Temporarily unavailable",
                    "DynamoDB or SQS did not answer. Nothing was changed; try again in a moment."));
        }
        Log.errorf(exception, "Console page %s failed", routing.normalizedPath());
        return html(pages.problem(session, 500, "Something went wrong",
                "The page could not be shown. The service log has the details."));
    }

    // ---------------------------------------------------------------- helpers

    private CustomerRecord customerOrNotFound(String key) {
        if (key == null || key.isBlank()) {
            throw new ConsoleInputException("Name a customer: open it from the list or a search.");
        }
        return customers.customer(key.strip()).orElseThrow(() -> new WebApplicationException(404));
    }

    private static SubscriptionState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return SubscriptionState.valueOf(state.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConsoleInputException("Choose a state from the list.");
        }
    }

    private static SessionTokens.Session session(RoutingContext routing) {
        SessionTokens.Session session = routing.get(ConsoleAuth.SESSION);
        if (session == null) {
            throw new IllegalStateException("console page reached without a session");
        }
        return session;
    }

    private static Response html(ConsolePages.Page page) {
        return Response.status(page.status()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.html())
                .build();
    }

    private static Response redirect(String location) {
        return Response.seeOther(URI.create(location)).build();
    }
}
