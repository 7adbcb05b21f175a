package io.mpsaas.console.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.console.client.EntitlementAdmin;
import io.mpsaas.console.client.MeteringAdmin;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.function.Function;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The console's one way to call the services' admin APIs: each call's failure becomes what the operator should see. A
 * 404 of the API is the page's 404; a 400 is the operator's input, with the API's own explanation; a refused admin key
 * (401/403), a 5xx or no answer within the client's timeouts ({@code quarkus.rest-client.*.read-timeout}) is a page
 * naming the service, and nothing was changed.
 */
@ApplicationScoped
public class AdminApis {

    private final EntitlementAdmin entitlement;
    private final MeteringAdmin metering;
    private final ObjectMapper mapper;

    public AdminApis(@RestClient EntitlementAdmin entitlement, @RestClient MeteringAdmin metering,
            ObjectMapper mapper) {
        this.entitlement = entitlement;
        this.metering = metering;
        this.mapper = mapper;
    }

    /** Calls entitlement-service's admin API. */
    public <T> T entitlement(Function<EntitlementAdmin, T> call) {
        return call("entitlement-service", entitlement, call);
    }

    /** Calls metering-service's admin API. */
    public <T> T metering(Function<MeteringAdmin, T> call) {
        return call("metering-service", metering, call);
    }

    private <C, T> T call(String service, C client, Function<C, T> call) {
        try {
            return call.apply(client);
        } catch (WebApplicationException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            if (status == 404) {
                throw new NotFoundException(detail(e));
            }
            if (status == 400) {
                throw new ConsoleInputException(detail(e));
            }
            if (status == 413 || status == 414 || status == 431) {
                // the operator's input made the request too large for the API: theirs to shorten, not an outage
                throw new ConsoleInputException("What was entered is too long to look up.");
            }
            if (status == 401 || status == 403) {
                Log.errorf("%s refused the console's admin key (HTTP %d): check suite.console.admin-key", service,
                        status);
                throw new ServiceUnavailableException(502, service, service + " refused the console's admin key."
                        + " Nothing was changed; an administrator must check suite.console.admin-key.", e);
            }
            Log.warnf("%s's admin API answered HTTP %d", service, status);
            throw new ServiceUnavailableException(502, service, service + " could not answer (HTTP " + status
                    + "). Nothing was changed; try again in a moment.", e);
        } catch (ProcessingException e) {
            Log.warnf("%s's admin API did not answer: %s", service, e.getMessage());
            throw new ServiceUnavailableException(503, service, service + " did not answer. Nothing was changed;"
                    + " try again in a moment.", e);
        }
    }

    /** The {@code detail} of the API's problem+json answer, or a general message. */
    private String detail(WebApplicationException e) {
        try {
            String body = e.getResponse().readEntity(String.class);
            JsonNode detail = mapper.readTree(body).path("detail");
            if (detail.isTextual() && !detail.asText().isBlank()) {
                return detail.asText();
            }
        } catch (RuntimeException | java.io.IOException ignored) {
            // no readable problem body: the general message below
        }
        return e.getResponse().getStatus() == 404 ? "There is nothing at this address." : "Check your input.";
    }
}
