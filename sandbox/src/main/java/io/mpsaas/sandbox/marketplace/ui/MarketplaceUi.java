package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The simulator's web UI under {@code /marketplace}: server-rendered pages that play AWS Marketplace for a person
 * (catalog, product pages with Subscribe, the buyer's "Your Marketplace Software", the seller's notifications and
 * ledger, simulator controls, a usage generator). Every action calls {@link MarketplaceSimulator}'s Java API; every
 * state change is a POST answered by a redirect (POST-redirect-GET) except Subscribe and Set up your account, which
 * answer with the simulator's launch page so the browser performs the cross-site POST to the fulfillment URL.
 */
public final class MarketplaceUi {

    private static final Logger LOG = Logger.getLogger(MarketplaceUi.class);

    /** Where the UI lives. */
    public static final String ROOT = "/marketplace";

    /** The buyer account the forms suggest. */
    static final String DEFAULT_BUYER = "111122223333";

    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private final MarketplaceSimulator sim;
    private final Layout layout;
    private final SellerPage seller;
    private final UsageSender usage;
    private final Flash.Store flashes = new Flash.Store();
    private final byte[] css = resource("simulator.css");
    private final byte[] favicon = resource("favicon.svg");

    public MarketplaceUi(MarketplaceSimulator sim, ObjectMapper mapper) {
        this.sim = sim;
        this.layout = new Layout(sim);
        this.seller = new SellerPage(sim, mapper);
        this.usage = new UsageSender(mapper);
    }

    /** Answers one request; bad input and unknown ids become readable pages, never an exception. */
    public UiResponse handle(UiRequest r) {
        try {
            return route(r);
        } catch (NoSuchElementException e) {
            return problem(404, "Not found", e.getMessage());
        } catch (IllegalArgumentException e) {
            return problem(400, "Bad request", e.getMessage());
        } catch (MethodNotAllowed e) {
            return problem(405, "Method not allowed", e.getMessage());
        }
    }

    private UiResponse route(UiRequest r) {
        List<String> seg = r.segments();
        int n = seg.size();
        String first = n == 0 ? "" : seg.get(0);
        if (n == 0) {
            method(r, "GET");
            return page("Catalog", Layout.Section.CATALOG, r, CatalogPage.body(sim.products()));
        } else if ("assets".equals(first) && n == 2) {
            method(r, "GET");
            return switch (seg.get(1)) {
                case "simulator.css" -> UiResponse.asset("text/css; charset=utf-8", css);
                case "favicon.svg" -> UiResponse.asset("image/svg+xml", favicon);
                default -> throw new NoSuchElementException("No asset " + seg.get(1) + ".");
            };
        } else if ("products".equals(first) && n == 2) {
            method(r, "GET");
            Product p = product(seg.get(1));
            return page(p.name(), Layout.Section.CATALOG, r, ProductPage.body(p, sim.fulfillmentUrl()));
        } else if ("products".equals(first) && n == 3 && "subscribe".equals(seg.get(2))) {
            method(r, "POST");
            return subscribe(product(seg.get(1)), r);
        } else if ("buyers".equals(first) && n == 1) {
            method(r, "GET");
            return buyers(r);
        } else if ("buyers".equals(first) && n == 2) {
            method(r, "GET");
            return buyer(seg.get(1), r);
        } else if ("subscriptions".equals(first) && n == 3) {
            method(r, "POST");
            return subscriptionAction(seg.get(1), seg.get(2), r);
        } else if ("webhooks".equals(first) && n == 1) {
            method(r, "GET");
            return page("Webhooks", Layout.Section.WEBHOOKS, r, WebhooksPage.body(sim.webhooks(), sim.webhookUrl()));
        } else if ("seller".equals(first) && n == 1) {
            method(r, "GET");
            return page("Seller", Layout.Section.SELLER, r, seller.body(r.param("product"), r.param("customer")));
        } else if ("seller".equals(first) && n == 2) {
            method(r, "POST");
            return control(seg.get(1), r);
        }
        throw new NoSuchElementException("There is no page at " + ROOT + "/" + String.join("/", seg) + ".");
    }

    // ---------------------------------------------------------------- buyers

    private UiResponse subscribe(Product product, UiRequest r) {
        String account = r.field("buyerAccountId");
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            return back(Html.productUrl(product.code()), Flash.error("The buyer AWS account id must be 12 digits."));
        }
        SubscribeRequest request = SubscribeRequest.of(product.code()).withBuyer(account);
        if (r.field("freeTrial") != null) {
            request = request.withFreeTrial();
        }
        for (Dimension d : product.contractedDimensions()) {
            String value = r.field("q." + d.name());
            if (value != null) {
                request = request.withQuantity(d.name(), value); // the simulator converts and validates the text
            }
        }
        if (r.field("activate") != null) {
            request = request.activated();
        }
        SubscribeResult result;
        try {
            result = sim.subscribe(request);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return back(Html.productUrl(product.code()), Flash.error("Subscribing failed: " + e.getMessage()));
        }
        LOG.infof("web UI: buyer %s subscribed to %s (subscription %s, license %s)", account, product.code(),
                result.subscriptionId(), result.licenseArn());
        if (sim.fulfillmentUrl() == null) {
            return back(Html.buyerUrl(account) + "#sub-" + result.subscriptionId(), Flash.error("Subscribed ("
                    + result.subscriptionId() + "), but the simulator has no fulfillment URL to send you to: set "
                    + "one with --fulfillment-url or PUT /sandbox/settings."));
        }
        return UiResponse.launch(sim.launchPage(result.subscriptionId()));
    }

    private UiResponse buyers(UiRequest r) {
        String account = r.param("account");
        if (account != null) {
            if (!ACCOUNT.matcher(account).matches()) {
                throw new IllegalArgumentException("A buyer AWS account id is 12 digits, not '" + account + "'.");
            }
            return UiResponse.redirect(Html.buyerUrl(account));
        }
        TreeSet<String> accounts = new TreeSet<>();
        sim.subscriptions().forEach(s -> accounts.add(s.customerAWSAccountId()));
        return page("Your Marketplace Software", Layout.Section.BUYERS, r, BuyerPage.picker(accounts));
    }

    private UiResponse buyer(String account, UiRequest r) {
        if (!ACCOUNT.matcher(account).matches()) {
            throw new IllegalArgumentException("A buyer AWS account id is 12 digits, not '" + account + "'.");
        }
        return page("Your Marketplace Software", Layout.Section.BUYERS, r, BuyerPage.body(account,
                sim.subscriptions(null, account), sim::product, sim.meteringUrl(), sim.clock().instant()));
    }

    private UiResponse subscriptionAction(String id, String action, UiRequest r) {
        SubscriptionView s = sim.subscription(id); // unknown id -> 404 page
        String back = Html.buyerUrl(s.customerAWSAccountId()) + "#sub-" + s.subscriptionId();
        try {
            return switch (action) {
                case "setup" -> {
                    sim.issueToken(id);
                    if (sim.fulfillmentUrl() == null) {
                        yield back(back, Flash.error("The simulator has no fulfillment URL to send you to."));
                    }
                    yield UiResponse.launch(sim.launchPage(id));
                }
                case "activate" -> done(back, sim.activate(id), "Payment completed: subscribe-success sent.");
                case "fail" -> done(back, sim.failPayment(id), "Payment failed: subscribe-fail sent.");
                case "cancel" -> done(back, sim.cancel(id), "Cancellation requested: unsubscribe-pending sent.");
                case "complete-cancellation" -> done(back, sim.completeCancellation(id),
                        "Cancellation completed: unsubscribe-success / License Deprovisioned sent.");
                case "upgrade" -> done(back, sim.upgrade(id, quantities(s, r)), "Contract amended.");
                case "auto-renew-off" -> {
                    sim.autoRenew(id, false);
                    yield done(back, sim.subscription(id), "Auto-renewal turned off: the contract ends on "
                            + Html.time(s.agreementEnd()) + ".");
                }
                case "usage" -> sendUsage(s, r, back);
                case "api-purchase" -> {
                    sim.purchaseThroughApi(id);
                    yield back(back, Flash.ok("Bought through the API: agreement " + s.agreementId() + ". No browser"
                            + " goes to the seller: AWS hands the seller a registration token for 30 minutes"
                            + " (GetAgreementEntitlements), and the seller sends you a registration link. With"
                            + " run-local.sh: curl -X POST -H 'Authorization: Bearer dev-admin-key' "
                            + sellerOrigin() + "/v1/admin/agreements/" + s.agreementId() + "/registration-link"));
                }
                default -> throw new NoSuchElementException("no subscription action " + action);
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            return back(back, Flash.error(e.getMessage()));
        }
    }

    /** The seller's onboarding service as the simulator knows it (its fulfillment URL's origin). */
    private String sellerOrigin() {
        java.net.URI url = sim.fulfillmentUrl();
        return url == null ? "http://localhost:8080" : url.getScheme() + "://" + url.getRawAuthority();
    }

    private UiResponse done(String back, SubscriptionView after, String message) {
        return back(back, Flash.ok(message + " Subscription " + after.subscriptionId() + " is now "
                + Html.state(after.state()) + "."));
    }

    private Map<String, Object> quantities(SubscriptionView s, UiRequest r) {
        Product product = product(s.productCode());
        Map<String, Object> quantities = new LinkedHashMap<>();
        for (Dimension d : product.contractedDimensions()) {
            String value = r.field("q." + d.name());
            if (value != null) {
                quantities.put(d.name(), value);
            }
        }
        return quantities;
    }

    private UiResponse sendUsage(SubscriptionView s, UiRequest r, String back) {
        Product product = product(s.productCode());
        String dimension = r.field("dimension");
        if (dimension == null || product.dimension(dimension).filter(Dimension::metered).isEmpty()) {
            return back(back, Flash.error("Pick one of the product's metered dimensions."));
        }
        long quantity;
        int hourOffset;
        try {
            quantity = Long.parseLong(String.valueOf(r.field("quantity")));
            hourOffset = r.field("hourOffset") == null ? 0 : Integer.parseInt(r.field("hourOffset"));
        } catch (NumberFormatException e) {
            return back(back, Flash.error("Quantity and hour must be whole numbers."));
        }
        if (hourOffset < -48 || hourOffset > 48) {
            return back(back, Flash.error("The hour offset must be between -48 and 48."));
        }
        Instant timestamp = sim.clock().instant().plus(Duration.ofHours(hourOffset));
        UsageSender.Answer answer = usage.send(sim.meteringUrl(), sim.meteringApiKey(), s, dimension, quantity,
                timestamp);
        LOG.infof("web UI: usage %s=%d at %s for subscription %s (product %s, license %s) -> %s", dimension,
                quantity, timestamp, s.subscriptionId(), s.productCode(), s.licenseArn(),
                answer.reached() ? answer.status() : "unreachable");
        if (!answer.reached()) {
            return back(back, Flash.error(answer.body()));
        }
        return back(back, new Flash(answer.accepted(), "Usage " + dimension + " = " + quantity + " at "
                + Html.time(timestamp) + " sent; the metering service answered HTTP " + answer.status() + ".",
                answer.body().isEmpty() ? null : answer.body()));
    }

    // ---------------------------------------------------------------- simulator controls

    private UiResponse control(String what, UiRequest r) {
        String back = ROOT + "/seller";
        try {
            switch (what) {
                case "faults" -> {
                    String op = r.field("operation");
                    Operation operation = op == null || "ALL".equals(op) ? null : Operation.parse(op);
                    OperationFaults faults = new OperationFaults(number(r, "throttlingRate"),
                            number(r, "internalErrorRate"), number(r, "unprocessedRate"),
                            (long) number(r, "latencyMs"));
                    sim.faults().set(operation, faults);
                    return back(back + "#controls", Flash.ok("Faults set for "
                            + (operation == null ? "all operations" : operation.awsName()) + "."));
                }
                case "faults-reset" -> {
                    sim.faults().reset();
                    return back(back + "#controls", Flash.ok("Faults reset."));
                }
                case "clock" -> {
                    long minutes = (long) number(r, "offsetMinutes");
                    sim.clock().setOffset(Duration.ofMinutes(minutes));
                    return back(back + "#controls", Flash.ok("Simulator time is now "
                            + Html.time(sim.clock().instant()) + "."));
                }
                case "reset" -> {
                    sim.reset();
                    return back(back, Flash.ok("Simulator reset."));
                }
                default -> throw new NoSuchElementException("no control " + what);
            }
        } catch (IllegalArgumentException e) {
            return back(back + "#controls", Flash.error(e.getMessage()));
        }
    }

    private static double number(UiRequest r, String name) {
        String value = r.field(name);
        if (value == null) {
            return 0;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + value + "'");
        }
    }

    // ---------------------------------------------------------------- plumbing

    private Product product(String code) {
        return sim.product(code).orElseThrow(() -> new NoSuchElementException("No product " + code
                + " in the catalog."));
    }

    /** Redirect (303) to a page of the UI, which then shows the message. */
    private UiResponse back(String location, Flash flash) {
        String key = flashes.put(flash);
        int hash = location.indexOf('#');
        String path = hash < 0 ? location : location.substring(0, hash);
        String fragment = hash < 0 ? "" : location.substring(hash);
        return UiResponse.redirect(path + "?flash=" + key + fragment);
    }

    private UiResponse page(String title, Layout.Section section, UiRequest r, String body) {
        return UiResponse.page(200, layout.page(title, section, flashes.get(r.param("flash")), body));
    }

    private UiResponse problem(int status, String title, String message) {
        String body = "<h1>" + esc(title) + "</h1>\n<p class=\"lead\">" + esc(message) + "</p>\n<p><a href=\""
                + ROOT + "\">Back to the catalog</a></p>\n";
        return UiResponse.page(status, layout.page(title, Layout.Section.NONE, null, body));
    }

    private static void method(UiRequest r, String allowed) {
        if (!allowed.equals(r.method())) {
            throw new MethodNotAllowed(r, allowed);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = MarketplaceUi.class.getResourceAsStream("/marketplace/ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource marketplace/ui/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A page that exists for another method: a readable 405 page (state changes are POST only). */
    private static final class MethodNotAllowed extends RuntimeException {
        MethodNotAllowed(UiRequest r, String allowed) {
            super(ROOT + "/" + String.join("/", r.segments()) + " answers " + allowed + " only, not " + r.method()
                    + ".", null, false, false);
        }
    }
}
