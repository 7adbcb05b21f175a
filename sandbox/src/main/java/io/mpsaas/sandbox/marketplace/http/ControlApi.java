package io.mpsaas.sandbox.marketplace.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.FailNextRule;
import io.mpsaas.sandbox.marketplace.fault.FaultSettings;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.marketplace.fault.QuotaSettings;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jboss.logging.Logger;

/**
 * The JSON control API under {@code /sandbox/}: a thin HTTP mapping of {@link MarketplaceSimulator}'s Java API
 * (every endpoint is listed with a curl example in {@code sandbox/README.md}).
 */
final class ControlApi {

    private static final Logger LOG = Logger.getLogger(ControlApi.class);
    private static final String JSON = "application/json";

    private final ObjectMapper mapper;
    private final MarketplaceSimulator sim;

    ControlApi(ObjectMapper mapper, MarketplaceSimulator sim) {
        this.mapper = mapper;
        this.sim = sim;
    }

    /** Body of {@code POST /sandbox/subscriptions/{id}/upgrade}. */
    record UpgradeBody(Map<String, Object> quantities) { }

    /** Body of {@code POST /sandbox/faults/fail-next}; operation null or "ALL" = any operation. */
    record FailNextBody(String operation, int count, String errorCode, String message, int httpStatus) { }

    /** Body of {@code PUT /sandbox/clock}: either an offset or an absolute "now". */
    record ClockBody(Long offsetSeconds, Instant now) { }

    /** Body of {@code POST /sandbox/clock/advance}. */
    record AdvanceBody(long seconds) { }

    /** Answer of {@code GET /sandbox/clock}. */
    record ClockView(Instant now, long offsetSeconds) { }

    /** Body and answer of {@code /sandbox/settings}. */
    record SettingsBody(String snsSignatureVersion, QuotaSettings quotas, URI fulfillmentUrl) { }

    void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        List<String> seg = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).skip(1).toList();
        Map<String, String> query = HttpSupport.query(exchange);
        try {
            Object answer = route(exchange, method, seg, query);
            if (answer instanceof Html html) {
                HttpSupport.send(exchange, 200, "text/html; charset=utf-8",
                        html.text().getBytes(StandardCharsets.UTF_8));
            } else {
                int status = "POST".equals(method) && answer instanceof Created ? 201 : 200;
                Object body = answer instanceof Created c ? c.body() : answer;
                HttpSupport.send(exchange, status, JSON, mapper.writeValueAsBytes(body));
            }
        } catch (NoSuchElementException e) {
            error(exchange, 404, "NOT_FOUND", e.getMessage());
        } catch (IllegalStateException e) {
            error(exchange, 409, "CONFLICT", e.getMessage());
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "BAD_REQUEST", e.getMessage());
        } catch (JsonProcessingException e) {
            error(exchange, 400, "BAD_REQUEST", describe(e));
        } catch (MethodNotAllowed e) {
            error(exchange, 405, "METHOD_NOT_ALLOWED", e.getMessage());
        }
    }

    private record Html(String text) { }

    private record Created(Object body) { }

    private static final class MethodNotAllowed extends RuntimeException {
        MethodNotAllowed(String method, String path) {
            super(method + " is not supported on " + path, null, false, false);
        }
    }

    private Object route(HttpExchange ex, String method, List<String> seg, Map<String, String> q) throws IOException {
        String first = seg.isEmpty() ? "" : seg.get(0);
        String path = "/sandbox/" + String.join("/", seg);
        switch (first) {
            case "health":
                return Map.of("status", "UP");
            case "products":
                return products(ex, method, seg, path);
            case "subscriptions":
                return subscriptions(ex, method, seg, q, path);
            case "faults":
                return faults(ex, method, seg, path);
            case "settings":
                return settings(ex, method, path);
            case "clock":
                return clock(ex, method, seg, path);
            case "ledger":
                expect(method, "GET", path);
                return Map.of("records", sim.ledger().records(blank(q.get("productCode")), blank(q.get("customer"))));
            case "attempts":
                expect(method, "GET", path);
                AttemptOutcome outcome = q.get("outcome") == null ? null : AttemptOutcome.valueOf(
                        q.get("outcome").toUpperCase());
                return Map.of("attempts", sim.ledger().attempts(blank(q.get("productCode")), blank(q.get("customer")))
                        .stream().filter(a -> outcome == null || a.outcome() == outcome).toList());
            case "notifications":
                expect(method, "GET", path);
                Channel channel = q.get("channel") == null ? null : Channel.valueOf(q.get("channel").toUpperCase());
                return Map.of("notifications", sim.notifications(blank(q.get("productCode")),
                        blank(q.get("subscriptionId")), channel));
            case "webhooks":
                return webhooks(method, seg, q, path);
            case "reset":
                expect(method, "POST", path);
                sim.reset();
                return Map.of("reset", true);
            default:
                throw new NoSuchElementException("no control endpoint " + method + " " + path);
        }
    }

    private Object products(HttpExchange ex, String method, List<String> seg, String path) throws IOException {
        if (seg.size() == 1) {
            if ("GET".equals(method)) {
                return Map.of("products", sim.products());
            }
            expect(method, "POST", path);
            Product product = read(ex, Product.class);
            return new Created(sim.addProduct(product));
        }
        if (seg.size() == 2) {
            expect(method, "GET", path);
            return sim.product(seg.get(1)).orElseThrow(() -> new NoSuchElementException("no product " + seg.get(1)));
        }
        throw new NoSuchElementException("no control endpoint " + path);
    }

    private Object subscriptions(HttpExchange ex, String method, List<String> seg, Map<String, String> q, String path)
            throws IOException {
        if (seg.size() == 1) {
            if ("GET".equals(method)) {
                return Map.of("subscriptions", sim.subscriptions(blank(q.get("productCode")),
                        blank(q.get("buyerAccountId"))));
            }
            expect(method, "POST", path);
            return new Created(sim.subscribe(read(ex, SubscribeRequest.class)));
        }
        String id = seg.get(1);
        if (seg.size() == 2) {
            expect(method, "GET", path);
            return sim.subscription(id);
        }
        if (seg.size() == 3) {
            String action = seg.get(2);
            if ("launch".equals(action)) {
                expect(method, "GET", path);
                return new Html(sim.launchPage(id));
            }
            expect(method, "POST", path);
            return switch (action) {
                case "activate" -> sim.activate(id);
                case "fail" -> sim.failPayment(id);
                case "upgrade" -> sim.upgrade(id, read(ex, UpgradeBody.class).quantities());
                case "cancel" -> sim.cancel(id);
                case "complete-cancellation" -> sim.completeCancellation(id);
                case "token" -> Map.of("subscriptionId", id, "registrationToken", sim.issueToken(id),
                        "launchUrl", sim.launchUrl(id).toString());
                // a purchase made through the Agreement API: the seller, not the buyer, gets its registration token
                // (GetAgreementEntitlements, 30 minutes), so the answer names the agreement only
                case "api-purchase" -> {
                    sim.purchaseThroughApi(id);
                    yield Map.of("subscriptionId", id, "agreementId", sim.subscription(id).agreementId());
                }
                default -> throw new NoSuchElementException("no subscription action " + action);
            };
        }
        throw new NoSuchElementException("no control endpoint " + path);
    }

    private Object faults(HttpExchange ex, String method, List<String> seg, String path) throws IOException {
        if (seg.size() == 1) {
            if ("GET".equals(method)) {
                return sim.faults().settings();
            }
            expect(method, "PUT", path);
            sim.faults().apply(read(ex, FaultSettings.class));
            return sim.faults().settings();
        }
        expect(method, "POST", path);
        switch (seg.get(1)) {
            case "reset":
                sim.faults().reset();
                break;
            case "fail-next":
                FailNextBody b = read(ex, FailNextBody.class);
                sim.faults().failNext(new FailNextRule(operationOrAll(b.operation()), b.count(), b.errorCode(),
                        b.message(), b.httpStatus()));
                break;
            case "operations":
                if (seg.size() != 3) {
                    throw new NoSuchElementException("use /sandbox/faults/operations/{OPERATION|ALL}");
                }
                sim.faults().set(operationOrAll(seg.get(2)), read(ex, OperationFaults.class));
                break;
            default:
                throw new NoSuchElementException("no control endpoint " + path);
        }
        return sim.faults().settings();
    }

    private static Operation operationOrAll(String value) {
        return value == null || value.isBlank() || "ALL".equalsIgnoreCase(value) ? null : Operation.parse(value);
    }

    /**
     * {@code GET /sandbox/webhooks} (valid deliveries, one per id, and the refused ones), {@code POST
     * /sandbox/webhooks/down?value=true|false} (answer 503 to every delivery), {@code POST /sandbox/webhooks/clear}.
     */
    private Object webhooks(String method, List<String> seg, Map<String, String> q, String path) {
        var receiver = sim.webhooks();
        if (seg.size() == 1) {
            expect(method, "GET", path);
            return Map.of("down", receiver.down(), "deliveries", receiver.deliveries(), "rejected",
                    receiver.rejected());
        }
        expect(method, "POST", path);
        switch (seg.get(1)) {
            case "down":
                receiver.down(Boolean.parseBoolean(q.getOrDefault("value", "true")));
                return Map.of("down", receiver.down());
            case "clear":
                receiver.clear();
                return Map.of("cleared", true);
            default:
                throw new NoSuchElementException("no control endpoint " + method + " " + path);
        }
    }

    private Object settings(HttpExchange ex, String method, String path) throws IOException {
        if ("PUT".equals(method)) {
            SettingsBody body = read(ex, SettingsBody.class);
            if (body.snsSignatureVersion() != null) {
                sim.snsSignatureVersion(body.snsSignatureVersion());
            }
            if (body.quotas() != null) {
                sim.quotas(body.quotas());
            }
            if (body.fulfillmentUrl() != null) {
                sim.fulfillmentUrl(body.fulfillmentUrl());
            }
        } else {
            expect(method, "GET", path);
        }
        return new SettingsBody(sim.snsSignatureVersion(), sim.quotas(), sim.fulfillmentUrl());
    }

    private Object clock(HttpExchange ex, String method, List<String> seg, String path) throws IOException {
        if (seg.size() == 2 && "advance".equals(seg.get(1))) {
            expect(method, "POST", path);
            sim.clock().advance(Duration.ofSeconds(read(ex, AdvanceBody.class).seconds()));
        } else if (seg.size() == 1 && "PUT".equals(method)) {
            ClockBody body = read(ex, ClockBody.class);
            if (body.now() != null) {
                sim.clock().setNow(body.now());
            } else if (body.offsetSeconds() != null) {
                sim.clock().setOffset(Duration.ofSeconds(body.offsetSeconds()));
            } else {
                throw new IllegalArgumentException("PUT /sandbox/clock needs offsetSeconds or now");
            }
        } else if (seg.size() == 1) {
            expect(method, "GET", path);
        } else {
            throw new NoSuchElementException("no control endpoint " + path);
        }
        return new ClockView(sim.clock().instant(), sim.clock().offset().getSeconds());
    }

    private <T> T read(HttpExchange ex, Class<T> type) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (body.length == 0) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        return mapper.readValue(body, type);
    }

    private static void expect(String method, String allowed, String path) {
        if (!allowed.equals(method)) {
            throw new MethodNotAllowed(method, path);
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String describe(JsonProcessingException e) {
        // Validation in record constructors surfaces as the cause of Jackson's instantiation error.
        Throwable cause = e.getCause();
        if (e instanceof JsonMappingException && cause != null && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return e.getOriginalMessage();
    }

    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        LOG.debugf("control API %s %s -> %d %s", exchange.getRequestMethod(), exchange.getRequestURI(), status,
                message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        HttpSupport.send(exchange, status, JSON, mapper.writeValueAsBytes(body));
    }
}
