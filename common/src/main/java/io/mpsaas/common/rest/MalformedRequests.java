package io.mpsaas.common.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.Causes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Answers a request whose body breaks HTTP itself (a malformed chunked encoding: Netty's decoder fails on the chunk
 * size) with a 400 instead of a dropped connection, and without the ERROR and stack trace of Quarkus's default error
 * handler: a client's broken bytes are a one-line DEBUG, not an incident. Registered first among every service's
 * failure handlers; any other failure goes on to the service's own handling.
 *
 * <p>Vert.x closes the connection right after such a failure, and it holds writes back while it is still reading:
 * {@link #answer} therefore closes the connection itself, which flushes the answer before the close.
 */
@ApplicationScoped
public class MalformedRequests {

    private static final Logger LOG = Logger.getLogger(MalformedRequests.class);

    private final ObjectMapper mapper;

    public MalformedRequests(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        // the connection hears of a broken chunk before any request handler (Quarkus REST's body reading, a
        // BodyHandler) and before Vert.x closes it: the one place an answer can still get out
        router.route().order(Integer.MIN_VALUE).handler(routing -> {
            if (routing.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                routing.request().connection().exceptionHandler(failure -> {
                    if (isMalformedHttp(failure) && !routing.response().headWritten()) {
                        refuse(routing, failure);
                    }
                });
            }
            routing.next();
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(routing -> {
            if (Boolean.TRUE.equals(routing.get(ANSWERED))) {
                // the request's own handling failing after the 400 went out (its body was gone, its response
                // written): nothing more can be said to the client, and nothing is wrong with the service
                LOG.debugf("After the 400 for a malformed body on %s: %s", Problem.excerpt(routing.request().path()),
                        routing.failure());
                return;
            }
            if (isMalformedHttp(routing.failure()) && !routing.response().headWritten()) {
                refuse(routing, routing.failure());
            } else {
                routing.next();
            }
        });
    }

    /** Set on a request {@link #refuse} answered, so what its handling does afterwards is not taken as an error. */
    private static final String ANSWERED = "mpsaas.malformed-body-answered";

    void refuse(RoutingContext routing, Throwable failure) {
        routing.put(ANSWERED, Boolean.TRUE);
        LOG.debugf("Malformed HTTP request body on %s %s refused with 400: %s", routing.request().method(),
                Problem.excerpt(routing.request().path()), failure);
        Problem problem = Problem.of(400, "malformed-body", "Malformed body",
                "The request body is not valid HTTP (a malformed chunked encoding); nothing was read or stored.");
        String body;
        try {
            body = mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":400}";
        }
        answer(routing, 400, Problem.MEDIA_TYPE, body);
    }

    /**
     * A failure of Netty's HTTP/1 decoding of the request itself (the chunk-size parse), not of the app nor of a body
     * decoder the service handles (a malformed multipart or form body keeps its own answer, e.g. onboarding's page).
     */
    public static boolean isMalformedHttp(Throwable failure) {
        return Causes.thrownBy(failure, type -> type.startsWith("io.netty.handler.codec.http.HttpObjectDecoder"));
    }

    /**
     * Ends the response and closes the connection so the answer is flushed before Vert.x drops it (a request whose
     * body could not be decoded leaves nothing on the connection worth reading).
     */
    public static void answer(RoutingContext routing, int status, String contentType, String body) {
        routing.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(HttpHeaders.CONNECTION, "close").end(body);
        routing.request().connection().close();
    }
}
