package io.mpsaas.console.rest;

import io.mpsaas.console.client.EntitlementAdmin.CustomerDetail;
import io.mpsaas.console.client.EntitlementAdmin.DeadLetterQueue;
import io.mpsaas.console.client.EntitlementAdmin.ParkedMessage;
import io.mpsaas.console.client.EntitlementAdmin.ParkedMessages;
import io.mpsaas.console.client.MeteringAdmin;
import io.mpsaas.console.config.ConsoleConfig;
import io.mpsaas.console.rest.ConsoleViews.Notice;
import io.mpsaas.console.security.SsoOperatorAugmentor;
import io.quarkus.logging.Log;
import io.quarkus.oidc.OidcSession;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
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
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The operator console's pages. Quarkus's form authentication has signed the operator in before any page but the
 * login runs ({@code quarkus.http.auth.permission.*}); quarkus-rest-csrf has checked every form's token. Every read
 * and every action goes through the services' admin APIs ({@link AdminApis}): the console owns no data.
 */
@Path(ConsolePaths.BASE)
@Produces(MediaType.TEXT_HTML)
@Blocking
public class ConsoleResource {

    private final ConsolePages pages;
    private final ConsolePaths paths;
    private final AdminApis apis;
    private final ConsoleConfig config;
    private final SecurityIdentity identity;
    private final OidcSession oidcSession;

    public ConsoleResource(ConsolePages pages, ConsolePaths paths, AdminApis apis, ConsoleConfig config,
            SecurityIdentity identity, OidcSession oidcSession) {
        this.pages = pages;
        this.paths = paths;
        this.apis = apis;
        this.config = config;
        this.identity = identity;
        this.oidcSession = oidcSession;
    }

    // ---------------------------------------------------------------- signing in and out

    /** The sign-in form; its fields post to Quarkus's form authentication ({@link ConsolePaths#SIGN_IN}). */
    @GET
    @Path("login")
    public Response loginPage(@QueryParam("error") String error, @QueryParam("signedOut") String signedOut) {
        if (!identity.isAnonymous()) {
            return redirect(paths.href(ConsolePaths.BASE));
        }
        if (error != null) {
            return html(pages.login(401, "That name and key are not an operator's. Check the key and try again.",
                    null));
        }
        Notice notice = signedOut != null ? new Notice("ok", "You are signed out.") : null;
        return html(pages.login(200, null, notice));
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@Context RoutingContext routing) {
        Log.infof("Console sign-out of operator %s", operator());
        if (Boolean.TRUE.equals(identity.getAttribute(SsoOperatorAugmentor.SSO))) {
            // the console's own session with the identity provider's sign-in; the provider's session stays
            oidcSession.logout().await().atMost(Duration.ofSeconds(10));
        } else {
            FormAuthenticationMechanism.logout(identity);
        }
        return redirect(paths.href(ConsolePaths.LOGIN) + "?signedOut=1");
    }

    // ---------------------------------------------------------------- customers

    @GET
    public Response overview() {
        List<DeadLetterQueue> queues = apis.entitlement(e -> e.deadLetterQueues(false));
        List<MeteringAdmin.Aggregate> failures = apis.metering(m -> m.failures(config.failuresLimit()));
        return html(pages.overview(operator(), queues, failures));
    }

    @GET
    @Path("customers")
    public Response customers(@QueryParam("product") String product, @QueryParam("state") String state,
            @QueryParam("after") String after) {
        String code = blankToNull(product);
        String filter = blankToNull(state);
        String cursor = blankToNull(after);
        return html(pages.customers(operator(), apis.entitlement(e -> e.customers(code, filter, cursor)), code,
                filter, cursor == null));
    }

    @POST
    @Path("search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response search(@FormParam("q") String text, @FormParam("by") String by) {
        if (text == null || text.isBlank()) {
            return html(pages.searchError(operator(), text, "Enter something to search for."));
        }
        try {
            return html(pages.searchResults(operator(), apis.entitlement(e -> e.search(text, blankToNull(by)))));
        } catch (ConsoleInputException e) {
            return html(pages.searchError(operator(), text, e.getMessage()));
        }
    }

    @GET
    @Path("customer")
    public Response customer(@QueryParam("key") String key) {
        CustomerDetail detail = customerOrNotFound(key);
        return html(pages.customer(operator(), detail, usage(detail)));
    }

    @GET
    @Path("usage")
    public Response usage(@QueryParam("key") String key) {
        CustomerDetail detail = customerOrNotFound(key);
        return html(pages.usage(operator(), detail, usage(detail)));
    }

    // ---------------------------------------------------------------- failures and parked messages

    @GET
    @Path("failures")
    public Response failures() {
        return html(pages.failures(operator(), apis.metering(m -> m.failures(config.failuresLimit()))));
    }

    /** Re-drives through metering-service's admin API, which checks each aggregate and answers what it did. */
    @POST
    @Path("metering/redrive")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response redrive(@FormParam("id") List<String> ids, @FormParam("back") String back) {
        Set<String> unique = new LinkedHashSet<>(ids == null ? List.of() : ids);
        unique.removeIf(String::isBlank);
        if (unique.isEmpty()) {
            throw new ConsoleInputException("Select at least one aggregate to re-drive.");
        }
        if (unique.size() > config.maxRedriveIds()) {
            throw new ConsoleInputException("Select at most " + config.maxRedriveIds() + " aggregates at a time.");
        }
        List<MeteringAdmin.Redrive> outcomes = apis.metering(m -> m.redrive(
                new MeteringAdmin.RedriveRequest(List.copyOf(unique))));
        Log.infof("Console operator %s asked metering-service to re-drive %d aggregates, %d requeued: %s", operator(),
                unique.size(), outcomes.stream().filter(MeteringAdmin.Redrive::requeued).count(), unique);
        List<ConsoleViews.RedriveRow> rows = outcomes.stream().map(o -> pages.redriveRow(o.id(), null, o.requeued(),
                o.message())).toList();
        return html(pages.redriveResult(operator(), rows, paths.back(back, ConsolePaths.FAILURES)));
    }

    @GET
    @Path("parked")
    public Response parked(@QueryParam("replayed") Integer replayed, @QueryParam("queue") String queue) {
        Notice notice = null;
        if (replayed != null && queue != null) {
            notice = replayed == 0
                    ? new Notice("error", "Nothing was replayed: the message is no longer parked in " + queue + ".")
                    : new Notice("ok", replayed + (replayed == 1 ? " message" : " messages") + " moved back to "
                            + queue + ".");
        }
        return html(pages.parked(operator(), apis.entitlement(e -> e.deadLetterQueues(true)), notice));
    }

    /** Moves one parked message (or every one listed) back to its queue, through entitlement-service's admin API. */
    @POST
    @Path("parked/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response replay(@FormParam("queue") String queue, @FormParam("messageId") String messageId) {
        String name = blankToNull(queue);
        String id = blankToNull(messageId);
        boolean known = name != null && apis.entitlement(e -> e.deadLetterQueues(false)).stream()
                .anyMatch(q -> q.queue().equals(name) && q.deadLetterQueue() != null);
        if (!known) {
            throw new NotFoundException("no queue of the suite named " + name);
        }
        List<ParkedMessage> replayed;
        try {
            ParkedMessages answer = apis.entitlement(e -> id == null ? e.replayAll(name) : e.replayOne(id, name));
            replayed = answer.messages() == null ? List.of() : answer.messages();
        } catch (NotFoundException e) {
            replayed = List.of(); // the message is no longer parked: the page says so
        }
        Log.infof("Console operator %s replayed %d parked messages of queue %s: %s", operator(), replayed.size(),
                name, replayed.stream().map(ParkedMessage::messageId).toList());
        return redirect(paths.href(ConsolePaths.PARKED) + "?replayed=" + replayed.size() + "&queue="
                + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- errors

    /** Any other address under the console (but its stylesheet's) is a readable 404 page, not the server's. */
    @GET
    @Path("{unknown: (?!assets/).+}")
    public Response unknown() {
        throw new NotFoundException();
    }

    /**
     * Errors of the console's pages are pages too; never a stack trace, never JSON. Those the console's own code raised
     * (input, a service down) come after quarkus-rest-csrf issued the request's token, so their page keeps its forms
     * (sign out); the framework's (a form it could not read, an unknown address) may come before it: no form.
     */
    @ServerExceptionMapper
    public Response error(Exception exception, RoutingContext routing) {
        String operator = identity.isAnonymous() ? null : operator();
        if (exception instanceof ConsoleInputException input) {
            return html(pages.problem(operator, 400, "Check your input", input.getMessage()));
        }
        if (exception instanceof ServiceUnavailableException down) {
            return html(pages.problem(operator, down.status(), down.service() + " is unavailable",
                    down.getMessage()));
        }
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return html(status == 404 ? pages.httpError(operator, 404, "Not found", "There is nothing at this address.")
                    : pages.httpError(operator, status, "Request refused", "The console cannot answer this request."));
        }
        Log.errorf(exception, "Console page %s failed", routing.normalizedPath());
        return html(pages.httpError(operator, 500, "Something went wrong",
                "The page could not be shown. The console's log has the details."));
    }

    // ---------------------------------------------------------------- helpers

    private CustomerDetail customerOrNotFound(String key) {
        String customerKey = blankToNull(key);
        if (customerKey == null) {
            throw new ConsoleInputException("Name a customer: open it from the list or a search.");
        }
        return apis.entitlement(e -> e.customer(customerKey));
    }

    private List<MeteringAdmin.Aggregate> usage(CustomerDetail detail) {
        return apis.metering(m -> m.usage(detail.customer().customerKey(), config.usageLimit()));
    }

    /** The signed-in operator as the log names them: the name entered and the key's id. */
    private String operator() {
        return identity.getPrincipal().getName();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Response html(ConsolePages.Page page) {
        return Response.status(page.status()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.html())
                .build();
    }

    private static Response redirect(String location) {
        return Response.seeOther(URI.create(location)).build();
    }
}
