package io.mpsaas.onboarding.rest;

import io.mpsaas.common.security.ClientAddress;
import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.domain.Landing;
import io.mpsaas.onboarding.service.ApiPurchaseService;
import io.mpsaas.onboarding.service.ClientRequestLimiter;
import io.mpsaas.onboarding.service.FulfillmentService;
import io.mpsaas.onboarding.service.LandingResult;
import io.quarkus.logging.Log;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The fulfillment URL ({@code suite.onboarding.fulfillment-path}, default {@code /}).
 *
 * <p>A plain Vert.x route rather than a Quarkus REST resource, for three reasons: AWS's cross-site form POST can carry
 * no CSRF token, and quarkus-rest-csrf checks every REST endpoint; the path is runtime configuration; and every
 * possible request (malformed, oversized, any content type, any method) must end in a readable page, which needs the
 * body handling in our hands.
 *
 * <ul>
 * <li>{@code GET}/{@code HEAD}: 200, the "start from AWS Marketplace" page (AWS's listing check, curious visitors).</li>
 * <li>{@code POST} with {@code x-amzn-marketplace-token} (urlencoded or multipart; the query string is never read):
 * resolves the token at once and answers that very request with 200 and the registration form (no redirect). A
 * refresh re-posts the token and resolves again to the same customer.</li>
 * <li>Anything else: a page saying what to do, with a 4xx (or 502/503 when AWS Marketplace is the problem).</li>
 * </ul>
 */
@ApplicationScoped
public class FulfillmentRoutes {

    /** Before Quarkus REST and the static files, after {@link PageHeaders}. */
    static final int ORDER = -100;

    private static final String HTML = "text/html;charset=UTF-8";
    private static final String LINK_PARAM = "reference";

    private final OnboardingConfig config;
    private final FulfillmentService fulfillment;
    private final Pages pages;
    private final CsrfTokens csrf;
    private final ClientRequestLimiter requestLimiter;
    private final ApiPurchaseService apiPurchases;
    private final List<ClientAddress.Cidr> trustedProxies;

    public FulfillmentRoutes(OnboardingConfig config, FulfillmentService fulfillment, Pages pages, CsrfTokens csrf,
            ClientRequestLimiter requestLimiter, ApiPurchaseService apiPurchases) {
        this.config = config;
        this.apiPurchases = apiPurchases;
        this.fulfillment = fulfillment;
        this.pages = pages;
        this.csrf = csrf;
        this.requestLimiter = requestLimiter;
        this.trustedProxies = ClientAddress.cidrs("suite.onboarding.trusted-proxies", config.trustedProxies());
    }

    void install(@Observes Router router) {
        String path = config.fulfillmentPath();
        BodyHandler body = BodyHandler.create(false)
                .setBodyLimit(config.maxBodySize().asLongValue())
                // the token is read from the form body only, never from the URL
                .setMergeFormAttributes(false);
        router.route(path).order(ORDER - 1).handler(this::limit);
        router.route(HttpMethod.GET, path).order(ORDER).handler(this::start);
        router.route(HttpMethod.HEAD, path).order(ORDER).handler(this::start);
        router.route(HttpMethod.POST, path).order(ORDER)
                .handler(body)
                .handler(routing -> answerFromWorker(routing, this::fulfill))
                .failureHandler(this::unreadable);
        router.route(path).order(ORDER + 1).handler(this::otherMethod);
        // registration links of purchases made through the API: the same form, reached by the seller's link
        String link = Pages.LINK_PATH + ":" + LINK_PARAM;
        router.route(link).order(ORDER - 1).handler(this::limit);
        router.route(HttpMethod.GET, link).order(ORDER).handler(routing -> answerFromWorker(routing, this::openLink));
        Log.infof("Fulfillment URL path: %s (GET/HEAD: start page; POST: x-amzn-marketplace-token)", path);
    }

    /** The per-client token bucket: over the limit, 429 with a readable page and {@code Retry-After}. */
    void limit(RoutingContext routing) {
        ClientRequestLimiter.Decision decision = requestLimiter.acquire(clientAddress(routing));
        if (decision.allowed()) {
            routing.next();
            return;
        }
        // the client's address is not logged (personal data)
        Log.debug("Fulfillment URL rate limit reached by a client");
        routing.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
        send(routing, pages.problem(ProblemKind.TOO_MANY_REQUESTS, null));
    }

    /**
     * The client's limit key ({@link ClientAddress#clientKey}): the TCP peer, or behind a trusted proxy
     * ({@code suite.onboarding.trusted-proxies}) the rightmost {@code X-Forwarded-For} entry that is not one; the whole
     * address for IPv4, the /64 for IPv6.
     */
    String clientAddress(RoutingContext routing) {
        var connection = routing.request().connection();
        var peer = connection != null ? connection.remoteAddress() : routing.request().remoteAddress();
        InetAddress address = peer == null ? null : ClientAddress.literal(peer.hostAddress()).orElse(null);
        return ClientAddress.clientKey(address, routing.request().headers().getAll("X-Forwarded-For"),
                trustedProxies);
    }

    /**
     * {@code GET /register/link/<reference>}: the registration form of the customer the seller's link names, as a
     * landing shows it (its own form reference, the CSRF cookie); a readable page for an expired or unknown link.
     */
    Pages.Page openLink(RoutingContext routing) {
        try {
            ApiPurchaseService.Opening opening = apiPurchases.open(routing.pathParam(LINK_PARAM));
            if (opening instanceof ApiPurchaseService.Opening.Opened opened) {
                Map<String, String> values = opened.registration().map(pages::values).orElse(Map.of());
                return pages.registration(200, opened.customer(), opened.reference(), csrf.forResponse(routing),
                        csrf.fieldName(), values, Map.of(), null);
            }
            if (opening instanceof ApiPurchaseService.Opening.Unavailable) {
                routing.response().putHeader(HttpHeaders.RETRY_AFTER, "30");
                return pages.problem(ProblemKind.TEMPORARILY_UNAVAILABLE, null);
            }
            return pages.problem(opening instanceof ApiPurchaseService.Opening.Expired
                    ? ProblemKind.LINK_EXPIRED : ProblemKind.LINK_INVALID, null);
        } catch (RuntimeException e) {
            Log.errorf(e, "Opening a registration link failed unexpectedly");
            return pages.problem(ProblemKind.INTERNAL_ERROR, null);
        }
    }

    void start(RoutingContext routing) {
        send(routing, pages.problem(ProblemKind.START, null));
    }

    Pages.Page fulfill(RoutingContext routing) {
        try {
            String contentType = routing.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (!isForm(contentType)) {
                boolean empty = routing.body() == null || routing.body().length() == 0;
                Log.infof("Fulfillment POST with content type %s refused", contentType == null ? "(none)"
                        : contentType.length() > 80 ? contentType.substring(0, 80) + "..." : contentType);
                return pages.problem(empty ? ProblemKind.MISSING_TOKEN : ProblemKind.UNSUPPORTED_MEDIA_TYPE, null);
            }
            MultiMap form = routing.request().formAttributes();
            String token = form.get(Pages.TOKEN_FIELD);
            String offerType = form.get(Pages.OFFER_TYPE_FIELD);
            LandingResult result = fulfillment.land(token, offerType);
            if (result instanceof LandingResult.Landed landed) {
                Map<String, String> values = landed.registration().map(pages::values).orElse(Map.of());
                return pages.registration(200, landed.customer(), landed.reference(), csrf.forResponse(routing),
                        csrf.fieldName(), values, Map.of(), null);
            }
            LandingResult.Failed failed = (LandingResult.Failed) result;
            Views.Retry retry = null;
            if (failed.failure().retryable()) {
                // the only place the token is written back: the retry button's hidden field, in a no-store page
                retry = new Views.Retry(pages.fulfillmentAction(), Pages.TOKEN_FIELD, token, Pages.OFFER_TYPE_FIELD,
                        Landing.offerType(offerType));
                routing.response().putHeader(HttpHeaders.RETRY_AFTER, "30");
            }
            return pages.problem(ProblemKind.of(failed.failure()), retry);
        } catch (RuntimeException e) {
            Log.errorf(e, "Fulfillment POST failed unexpectedly");
            return pages.problem(ProblemKind.INTERNAL_ERROR, null);
        }
    }

    /** A body the body handler could not read: too large, or not decodable as the form it claims to be. */
    void unreadable(RoutingContext routing) {
        if (routing.response().ended()) {
            return;
        }
        int status = routing.statusCode();
        ProblemKind kind = status == 413 ? ProblemKind.TOO_LARGE : ProblemKind.BAD_REQUEST;
        Log.infof("Fulfillment POST refused: unreadable body (%s)", status == 413 ? "larger than "
                + config.maxBodySize().asLongValue() + " bytes"
                : routing.failure() == null ? "status " + status : routing.failure().getClass().getSimpleName());
        if (routing.response().headWritten()) {
            routing.response().close();
            return;
        }
        // the rest of an oversized body is not worth reading
        routing.response().putHeader(HttpHeaders.CONNECTION, "close");
        send(routing, pages.problem(kind, null));
    }

    void otherMethod(RoutingContext routing) {
        routing.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, POST");
        if (routing.request().method() == HttpMethod.OPTIONS) {
            routing.response().setStatusCode(204).end();
            return;
        }
        send(routing, pages.problem(ProblemKind.METHOD_NOT_ALLOWED, null));
    }

    /**
     * Runs {@code work} (blocking: ResolveCustomer, DynamoDB, the page's rendering) on a worker thread and writes the
     * page it returns from the event loop, in the one hop back to it that the worker's completion makes anyway.
     *
     * <p>Not {@code Route.blockingHandler} with the page written from the worker: Vert.x hands a write made off the
     * event loop to the event loop as a task of its own, and then wakes the event loop a second time for the blocking
     * handler's completion, two wakeups per answer (6 % of the service's CPU in issue 16's profile). The headers the
     * work sets (the CSRF cookie, {@code Retry-After}) are on the response before the write, as before. A failure
     * other than the {@link RuntimeException}s the work answers itself reaches the route's failure handler, as a
     * blocking handler's did.
     */
    private static void answerFromWorker(RoutingContext routing, Function<RoutingContext, Pages.Page> work) {
        routing.vertx().executeBlocking(() -> work.apply(routing), false).onComplete(done -> {
            if (done.succeeded()) {
                send(routing, done.result());
            } else {
                routing.fail(done.cause());
            }
        });
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT).strip();
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    private static void send(RoutingContext routing, Pages.Page page) {
        routing.response().setStatusCode(page.status()).putHeader(HttpHeaders.CONTENT_TYPE, HTML);
        if (routing.request().method() == HttpMethod.HEAD) {
            routing.response().end();
        } else {
            routing.response().end(page.html());
        }
    }
}
