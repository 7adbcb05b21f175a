package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.api.AgreementOperations;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.FaultSettings;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code /marketplace/seller}: what AWS told the seller (notifications), what it would bill (the metering ledger),
 * every metering attempt and its outcome, filterable by product and customer; and the simulator's controls.
 */
final class SellerPage {

    /** Attempts shown at most (newest first); the JSON control API has them all. */
    static final int MAX_ATTEMPTS = 500;

    private final MarketplaceSimulator sim;
    private final ObjectMapper mapper;

    SellerPage(MarketplaceSimulator sim, ObjectMapper mapper) {
        this.sim = sim;
        this.mapper = mapper;
    }

    String body(String productCode, String customer) {
        Map<String, SubscriptionView> subscriptions = sim.subscriptions().stream()
                .collect(Collectors.toMap(SubscriptionView::subscriptionId, Function.identity(), (a, b) -> a,
                        LinkedHashMap::new));
        return new StringBuilder()
                .append("<h1>Seller</h1>\n")
                .append("<p class=\"lead\">What AWS Marketplace sent and billed for seller account <code>")
                .append(esc(sim.sellerAccountId())).append("</code>. <a href=\"#controls\">Simulator controls</a>")
                .append("</p>\n")
                .append(filter(productCode, customer))
                .append(agreements(productCode, customer, subscriptions))
                .append(notifications(productCode, customer, subscriptions))
                .append(ledger(productCode, customer))
                .append(attempts(productCode, customer))
                .append(controls())
                .toString();
    }

    private String filter(String productCode, String customer) {
        StringBuilder html = new StringBuilder()
                .append("<form method=\"get\" action=\"").append(MarketplaceUi.ROOT)
                .append("/seller\" class=\"row filter\">\n<label>Product <select name=\"product\">")
                .append("<option value=\"\">All products</option>");
        for (Product p : sim.products()) {
            html.append("<option value=\"").append(esc(p.code())).append("\"")
                    .append(p.code().equals(productCode) ? " selected" : "").append(">").append(esc(p.code()))
                    .append("</option>");
        }
        return html.append("</select></label>\n")
                .append("<label>Customer <input name=\"customer\" value=\"").append(esc(customer))
                .append("\" placeholder=\"CustomerIdentifier, account id or license ARN\" size=\"40\"></label>\n")
                .append("<button type=\"submit\">Filter</button> <a href=\"").append(MarketplaceUi.ROOT)
                .append("/seller\">Clear</a>\n</form>\n")
                .toString();
    }

    /** Each subscription's agreement, as the Agreement API describes it, newest first. */
    private String agreements(String productCode, String customer, Map<String, SubscriptionView> subscriptions) {
        List<SubscriptionView> shown = new ArrayList<>();
        for (SubscriptionView s : subscriptions.values()) {
            if ((productCode == null || productCode.equals(s.productCode()))
                    && (customer == null || concerns(s, customer))) {
                shown.add(s);
            }
        }
        Collections.reverse(shown);
        StringBuilder html = new StringBuilder()
                .append("<section id=\"agreements\">\n<h2>Agreements <span class=\"count\">")
                .append(shown.size()).append("</span></h2>\n");
        if (shown.isEmpty()) {
            return html.append("<p class=\"empty\">No agreements yet.</p>\n</section>\n").toString();
        }
        html.append("<table>\n<thead><tr><th>Customer</th><th>Product</th><th>Agreement</th><th>Status</th>")
                .append("<th>Offer type</th><th>Start</th><th>End</th><th>Auto-renew</th><th>Terms</th></tr>")
                .append("</thead>\n<tbody>\n");
        for (SubscriptionView s : shown) {
            Product product = sim.product(s.productCode()).orElse(null);
            html.append("<tr data-agreement-id=\"").append(esc(s.agreementId())).append("\"><td>")
                    .append(Html.customer(s.customerIdentifier(), s.customerAWSAccountId(), s.licenseArn()))
                    .append("</td><td><code>").append(esc(s.productCode())).append("</code></td><td><code>")
                    .append(esc(s.agreementId())).append("</code></td><td class=\"agreement-status\">")
                    .append(esc(s.agreementStatus())).append("</td><td class=\"offer-type\">")
                    .append(esc(Html.offerType(s))).append("</td><td class=\"nowrap\">")
                    .append(esc(Html.time(s.createdAt()))).append("</td><td class=\"nowrap\">")
                    .append(esc(s.agreementEnd() == null ? "none" : Html.time(s.agreementEnd())))
                    .append("</td><td class=\"auto-renew\">").append(esc(Html.autoRenew(s.autoRenew())))
                    .append("</td><td class=\"terms-summary\">")
                    .append(product == null ? "" : esc(AgreementOperations.termsSummary(s, product)))
                    .append("</td></tr>\n");
        }
        return html.append("</tbody>\n</table>\n</section>\n").toString();
    }

    private String notifications(String productCode, String customer, Map<String, SubscriptionView> subscriptions) {
        List<SentNotification> sent = new ArrayList<>();
        for (SentNotification n : sim.notifications(productCode, null, null)) {
            SubscriptionView s = subscriptions.get(n.subscriptionId());
            if (customer == null || s != null && concerns(s, customer)) {
                sent.add(n);
            }
        }
        Collections.reverse(sent);
        StringBuilder html = new StringBuilder()
                .append("<section id=\"notifications\">\n<h2>Notifications sent <span class=\"count\">")
                .append(sent.size()).append("</span></h2>\n");
        if (sent.isEmpty()) {
            return html.append("<p class=\"empty\">No notifications yet.</p>\n</section>\n").toString();
        }
        html.append("<table>\n<thead><tr><th>Time</th><th>Channel</th><th>Type</th><th>Product</th>")
                .append("<th>Customer</th><th>Delivery</th></tr></thead>\n<tbody>\n");
        for (SentNotification n : sent) {
            SubscriptionView s = subscriptions.get(n.subscriptionId());
            html.append("<tr data-kind=\"").append(esc(n.kind())).append("\"><td class=\"nowrap\">")
                    .append(esc(Html.time(n.sentAt()))).append("</td><td>")
                    .append(n.channel() == Channel.SNS ? "SNS" : "EventBridge").append("</td><td><strong>")
                    .append(esc(n.kind())).append("</strong>")
                    .append("<details><summary>Raw message</summary><pre>").append(esc(pretty(n.body())))
                    .append("</pre></details></td><td><code>").append(esc(n.productCode())).append("</code></td><td>")
                    .append(s == null ? "" : Html.customer(s.customerIdentifier(), s.customerAWSAccountId(),
                            s.licenseArn()))
                    .append("</td><td>")
                    .append(n.delivered() ? "<span class=\"badge tone-ok\">Queued to SQS</span>"
                            : "<span class=\"badge tone-warn\">Not sent</span> <span class=\"muted\">"
                                    + esc(n.error()) + "</span>")
                    .append("</td></tr>\n");
        }
        return html.append("</tbody>\n</table>\n</section>\n").toString();
    }

    private String ledger(String productCode, String customer) {
        List<MeteredRecord> records = sim.ledger().records(productCode, customer);
        StringBuilder html = new StringBuilder()
                .append("<section id=\"ledger\">\n<h2>Metering ledger: what AWS would bill <span class=\"count\">")
                .append(records.size()).append("</span></h2>\n");
        if (records.isEmpty()) {
            return html.append("<p class=\"empty\">Nothing billed yet.</p>\n</section>\n").toString();
        }
        html.append("<table>\n<thead><tr><th>Customer</th><th>Product</th><th>Dimension</th><th>Hour</th>")
                .append("<th class=\"num\">Quantity</th><th>MeteringRecordId</th></tr></thead>\n<tbody>\n");
        Map<String, Long> totals = new LinkedHashMap<>();
        for (MeteredRecord r : records) {
            html.append("<tr><td>").append(Html.customer(r.customerIdentifier(), r.customerAWSAccountId(),
                            r.licenseArn()))
                    .append("</td><td><code>").append(esc(r.productCode())).append("</code></td><td><code>")
                    .append(esc(r.dimension())).append("</code></td><td class=\"nowrap\">")
                    .append(esc(Html.hour(r.hour()))).append("</td><td class=\"num\">").append(r.quantity())
                    .append("</td><td><code>").append(esc(r.meteringRecordId())).append("</code></td></tr>\n");
            String who = r.customerIdentifier() != null ? r.customerIdentifier() : r.licenseArn();
            totals.merge(r.productCode() + " · " + who + " · " + r.dimension(), (long) r.quantity(), Long::sum);
        }
        html.append("</tbody>\n</table>\n<h3>Totals per customer and dimension</h3>\n<table class=\"compact\">\n")
                .append("<thead><tr><th>Product · customer · dimension</th><th class=\"num\">Quantity</th></tr>")
                .append("</thead>\n<tbody>\n");
        for (Map.Entry<String, Long> t : totals.entrySet()) {
            html.append("<tr><td><code>").append(esc(t.getKey())).append("</code></td><td class=\"num\">")
                    .append(t.getValue()).append("</td></tr>\n");
        }
        return html.append("</tbody>\n</table>\n</section>\n").toString();
    }

    private String attempts(String productCode, String customer) {
        List<MeteringAttempt> attempts = new ArrayList<>(sim.ledger().attempts(productCode, customer));
        int total = attempts.size();
        Collections.reverse(attempts);
        StringBuilder html = new StringBuilder()
                .append("<section id=\"attempts\">\n<h2>BatchMeterUsage attempts <span class=\"count\">")
                .append(total).append("</span></h2>\n");
        if (attempts.isEmpty()) {
            return html.append("<p class=\"empty\">No BatchMeterUsage calls yet.</p>\n</section>\n").toString();
        }
        if (total > MAX_ATTEMPTS) {
            html.append("<p class=\"hint\">The newest ").append(MAX_ATTEMPTS).append(" of ").append(total)
                    .append("; <code>GET /sandbox/attempts</code> has them all.</p>\n");
        }
        html.append("<table>\n<thead><tr><th>Received</th><th>Customer</th><th>Product</th><th>Dimension</th>")
                .append("<th>Usage time</th><th class=\"num\">Quantity</th><th>Outcome</th>")
                .append("<th>MeteringRecordId</th></tr></thead>\n<tbody>\n");
        for (MeteringAttempt a : attempts.subList(0, Math.min(MAX_ATTEMPTS, total))) {
            html.append("<tr data-outcome=\"").append(a.outcome()).append("\"><td class=\"nowrap\">")
                    .append(esc(Html.time(a.receivedAt()))).append("</td><td>")
                    .append(Html.customer(a.customerIdentifier(), a.customerAWSAccountId(), a.licenseArn()))
                    .append("</td><td><code>").append(esc(a.productCode())).append("</code></td><td><code>")
                    .append(esc(a.dimension())).append("</code></td><td class=\"nowrap\">")
                    .append(esc(Html.time(a.timestamp()))).append("</td><td class=\"num\">")
                    .append(esc(a.quantity())).append("</td><td>").append(Html.outcomeBadge(a.outcome(), a.errorCode()))
                    .append("</td><td><code>").append(esc(a.meteringRecordId())).append("</code></td></tr>\n");
        }
        return html.append("</tbody>\n</table>\n</section>\n").toString();
    }

    private String controls() {
        FaultSettings faults = sim.faults().settings();
        Duration offset = sim.clock().offset();
        StringBuilder html = new StringBuilder()
                .append("<section class=\"panel controls\" id=\"controls\">\n<h2>Simulator controls</h2>\n")
                .append("<div class=\"control-grid\">\n<div>\n<h3>Settings</h3>\n<dl class=\"facts\">")
                .append("<dt>Fulfillment URL</dt><dd><code>").append(esc(sim.fulfillmentUrl())).append("</code></dd>")
                .append("<dt>Metering service</dt><dd><code>").append(esc(sim.meteringUrl())).append("</code></dd>")
                .append("<dt>SNS signatures</dt><dd>SignatureVersion ").append(esc(sim.snsSignatureVersion()))
                .append("</dd></dl>\n")
                .append("<h3>Clock</h3>\n<p>Simulator time <strong>").append(esc(Html.time(sim.clock().instant())))
                .append("</strong><br><span class=\"muted\">offset ").append(esc(describe(offset)))
                .append("</span></p>\n")
                .append("<form method=\"post\" action=\"").append(MarketplaceUi.ROOT)
                .append("/seller/clock\" class=\"row\">\n<label>Offset (minutes) <input type=\"number\" ")
                .append("name=\"offsetMinutes\" step=\"1\" value=\"").append(offset.toMinutes())
                .append("\"></label>\n<button type=\"submit\">Set clock</button>\n</form>\n")
                .append("<h3>Reset</h3>\n<p class=\"hint\">Forgets subscriptions, tokens, the ledger and the "
                        + "notifications; restores catalog, faults and clock.</p>\n")
                .append(post("/seller/reset", "Reset simulator", "danger"))
                .append("</div>\n<div>\n<h3>Faults</h3>\n<table class=\"compact\">\n<thead><tr><th>Operation</th><th>Throttle</th>")
                .append("<th>Error</th><th>Unproc.</th><th>Latency</th></tr></thead>\n<tbody>\n");
        for (Operation op : Operation.values()) {
            OperationFaults f = faults.of(op);
            html.append("<tr><td>").append(esc(op.awsName())).append("</td><td class=\"num\">")
                    .append(f.throttlingRate()).append("</td><td class=\"num\">").append(f.internalErrorRate())
                    .append("</td><td class=\"num\">").append(f.unprocessedRate()).append("</td><td class=\"num\">")
                    .append(f.latencyMs()).append(" ms</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        if (!faults.failNext().isEmpty()) {
            html.append("<p class=\"hint\">").append(faults.failNext().size())
                    .append(" fail-next rule(s) pending (see <code>GET /sandbox/faults</code>).</p>\n");
        }
        html.append("<form method=\"post\" action=\"").append(MarketplaceUi.ROOT)
                .append("/seller/faults\" class=\"row\">\n<label>Operation <select name=\"operation\">")
                .append("<option value=\"ALL\">All operations</option>");
        for (Operation op : Operation.values()) {
            html.append("<option value=\"").append(op.name()).append("\">").append(esc(op.awsName()))
                    .append("</option>");
        }
        html.append("</select></label>\n")
                .append(rate("throttlingRate", "Throttling rate (0..1)"))
                .append(rate("internalErrorRate", "Internal error rate (0..1)"))
                .append(rate("unprocessedRate", "Unprocessed record rate (0..1)"))
                .append("<label>Latency (ms) <input type=\"number\" name=\"latencyMs\" min=\"0\" max=\"60000\" ")
                .append("step=\"1\" value=\"0\"></label>\n")
                .append("<button type=\"submit\">Apply faults</button>\n</form>\n")
                .append(post("/seller/faults-reset", "Reset faults", ""))
                .append("</div>\n</div>\n</section>\n");
        return html.toString();
    }

    private static String rate(String name, String label) {
        return "<label>" + esc(label) + " <input type=\"number\" name=\"" + name
                + "\" min=\"0\" max=\"1\" step=\"0.01\" value=\"0\"></label>\n";
    }

    private static String post(String path, String label, String style) {
        return "<form method=\"post\" action=\"" + MarketplaceUi.ROOT + path + "\" class=\"inline\">"
                + "<button type=\"submit\"" + (style.isEmpty() ? "" : " class=\"" + style + "\"") + ">" + esc(label)
                + "</button></form>\n";
    }

    private static String describe(Duration offset) {
        if (offset.isZero()) {
            return "none (real time)";
        }
        long minutes = offset.toMinutes();
        return (minutes < 0 ? "-" : "+") + Math.abs(minutes) / 60 + " h " + Math.abs(minutes) % 60 + " min";
    }

    private static boolean concerns(SubscriptionView s, String customer) {
        return customer.equals(s.customerIdentifier()) || customer.equals(s.customerAWSAccountId())
                || customer.equals(s.licenseArn());
    }

    /**
     * The body as delivered when it is already laid out (SNS envelopes), indented otherwise (EventBridge events);
     * for SNS also the Message string on its own, since that is what a seller reads.
     */
    private String pretty(String body) {
        try {
            JsonNode tree = mapper.readTree(body);
            String text = body.indexOf('\n') >= 0 ? body : tree.toPrettyString();
            JsonNode message = tree.get("Message");
            if (message != null && message.isTextual()) {
                text += "\n\nMessage:\n" + message.asText();
            }
            return text;
        } catch (IOException e) {
            return body;
        }
    }
}
