package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import io.mpsaas.sandbox.marketplace.buyer.EntitlementValue;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /marketplace/buyers/{account}}: "Your Marketplace Software", the buyer's subscriptions and what a buyer (and
 * AWS's payment system) can do with them, plus the usage generator; {@code /marketplace/buyers} picks the account.
 */
final class BuyerPage {

    private BuyerPage() {
    }

    static String picker(Collection<String> knownAccounts) {
        StringBuilder html = new StringBuilder()
                .append("<h1>Your Marketplace Software</h1>\n")
                .append("<p class=\"lead\">Pick the buyer AWS account whose subscriptions you want to see.</p>\n")
                .append("<form method=\"get\" action=\"").append(MarketplaceUi.ROOT).append("/buyers\" class=\"row\">")
                .append("<label>Buyer AWS account id <input name=\"account\" value=\"")
                .append(MarketplaceUi.DEFAULT_BUYER).append("\" required pattern=\"[0-9]{12}\" maxlength=\"12\" ")
                .append("inputmode=\"numeric\"></label> <button type=\"submit\">Show</button></form>\n");
        if (!knownAccounts.isEmpty()) {
            html.append("<h2>Accounts with subscriptions</h2>\n<ul class=\"accounts\">\n");
            for (String account : knownAccounts) {
                html.append("<li><a href=\"").append(esc(Html.buyerUrl(account))).append("\"><code>")
                        .append(esc(account)).append("</code></a></li>\n");
            }
            html.append("</ul>\n");
        }
        return html.toString();
    }

    static String body(String account, List<SubscriptionView> subscriptions,
            Function<String, Optional<Product>> products, URI meteringUrl, Instant now) {
        StringBuilder html = new StringBuilder()
                .append("<h1>Your Marketplace Software</h1>\n")
                .append("<p class=\"subtitle\">Buyer account <code>").append(esc(account)).append("</code> · <a href=\"")
                .append(MarketplaceUi.ROOT).append("/buyers\">switch account</a></p>\n");
        if (subscriptions.isEmpty()) {
            html.append("<p class=\"empty\">This account has no subscriptions yet. <a href=\"")
                    .append(MarketplaceUi.ROOT).append("\">Browse the catalog</a> to subscribe.</p>\n");
            return html.toString();
        }
        // newest first, as the AWS console lists them
        List<SubscriptionView> newestFirst = new ArrayList<>(subscriptions);
        Collections.reverse(newestFirst);
        for (SubscriptionView s : newestFirst) {
            html.append(subscription(s, products.apply(s.productCode()).orElse(null), meteringUrl, now));
        }
        return html.toString();
    }

    private static String subscription(SubscriptionView s, Product product, URI meteringUrl, Instant now) {
        String name = product == null ? s.productCode() : product.name();
        StringBuilder html = new StringBuilder()
                .append("<article class=\"subscription\" id=\"sub-").append(esc(s.subscriptionId()))
                .append("\" data-subscription-id=\"").append(esc(s.subscriptionId())).append("\" data-state=\"")
                .append(s.state()).append("\">\n<header class=\"sub-head\"><h2><a href=\"")
                .append(esc(Html.productUrl(s.productCode()))).append("\">").append(esc(name)).append("</a></h2> ")
                .append(Html.stateBadge(s.state()));
        if (s.freeTrial()) {
            html.append(" <span class=\"badge\">Free trial</span>");
        }
        html.append("</header>\n<dl class=\"facts wide\">")
                .append(fact("Subscription", s.subscriptionId()))
                .append(fact("Product code", s.productCode()));
        if (s.customerIdentifier() != null) {
            html.append(fact("Customer identifier", s.customerIdentifier()));
        }
        html.append(fact("License ARN", s.licenseArn()))
                .append(fact("Agreement", s.agreementId()))
                .append(fact("Offer", s.offerId()))
                .append(timeFact("Subscribed", Html.time(s.createdAt())));
        if (s.activatedAt() != null) {
            html.append(timeFact("Activated", Html.time(s.activatedAt())));
        }
        if (s.cancelRequestedAt() != null) {
            html.append(timeFact("Cancellation requested", Html.time(s.cancelRequestedAt())));
        }
        if (s.endedAt() != null) {
            html.append(timeFact("Ended", Html.time(s.endedAt())));
        }
        if (s.supersededBy() != null) {
            html.append(fact("Superseded by", s.supersededBy()));
        }
        html.append("</dl>\n");
        if (!s.quantities().isEmpty()) {
            html.append("<table class=\"compact\">\n<thead><tr><th>Contracted dimension</th><th>Quantity</th>")
                    .append("<th>Expires</th></tr></thead>\n<tbody>\n");
            for (Map.Entry<String, EntitlementValue> q : s.quantities().entrySet()) {
                html.append("<tr><td><code>").append(esc(q.getKey())).append("</code></td><td>")
                        .append(esc(q.getValue().raw())).append("</td><td>")
                        .append(esc(Html.time(s.entitlementExpiration()))).append("</td></tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }
        html.append(Html.agreement(s, product));
        html.append(actions(s));
        if (product != null && s.state() == SubscriptionState.ACTIVE && !product.contractedDimensions().isEmpty()) {
            html.append(upgradeForm(s, product));
        }
        if (product != null && product.pricingModel().isMetered()) {
            html.append(usageForm(s, product, meteringUrl, now));
        }
        return html.append("</article>\n").toString();
    }

    private static String actions(SubscriptionView s) {
        StringBuilder html = new StringBuilder("<div class=\"actions\">");
        SubscriptionState st = s.state();
        if (st == SubscriptionState.PENDING || st == SubscriptionState.ACTIVE
                || st == SubscriptionState.CANCEL_PENDING) {
            html.append(button(s, "setup", "Set up your account", "primary"));
        }
        if (st == SubscriptionState.PENDING) {
            html.append(button(s, "activate", "Complete payment (activate)", ""))
                    .append(button(s, "fail", "Fail payment", "danger"));
        }
        if (st == SubscriptionState.PENDING || st == SubscriptionState.ACTIVE) {
            // a purchase made through the Agreement API: the seller sends the registration link (no browser launch)
            html.append(button(s, "api-purchase", "Buy through the API", ""));
            html.append(button(s, "cancel", "Cancel subscription", "danger"));
        }
        if (st == SubscriptionState.CANCEL_PENDING) {
            html.append(button(s, "complete-cancellation", "Complete cancellation", "danger"));
        }
        if (Boolean.TRUE.equals(s.autoRenew())
                && (st == SubscriptionState.PENDING || st == SubscriptionState.ACTIVE)) {
            html.append(button(s, "auto-renew-off", "Turn auto-renew off", ""));
        }
        return html.append("</div>\n").toString();
    }

    private static String button(SubscriptionView s, String action, String label, String style) {
        return "<form method=\"post\" action=\"" + esc(Html.subscriptionActionUrl(s.subscriptionId(), action))
                + "\" class=\"inline\"><button type=\"submit\" name=\"action\" value=\"" + action + "\""
                + (style.isEmpty() ? "" : " class=\"" + style + "\"") + ">" + esc(label) + "</button></form>";
    }

    private static String upgradeForm(SubscriptionView s, Product product) {
        StringBuilder html = new StringBuilder()
                .append("<details class=\"subform\"><summary>Upgrade contract</summary>\n<form method=\"post\" ")
                .append("action=\"").append(esc(Html.subscriptionActionUrl(s.subscriptionId(), "upgrade")))
                .append("\" class=\"stack\">\n");
        for (Dimension d : product.contractedDimensions()) {
            EntitlementValue current = s.quantities().get(d.name());
            html.append(ProductPage.quantityField(d, current == null ? null : current.raw()));
        }
        return html.append("<button type=\"submit\">Upgrade</button>\n</form>\n</details>\n").toString();
    }

    private static String usageForm(SubscriptionView s, Product product, URI meteringUrl, Instant now) {
        StringBuilder html = new StringBuilder()
                .append("<details class=\"subform usage\"").append(s.state().acceptsUsage() ? " open" : "")
                .append("><summary>Send usage</summary>\n")
                .append("<p class=\"hint\">Plays the seller's application: posts one usage record for this customer "
                        + "to the metering service at <code>")
                .append(esc(UsageSender.usageUrl(meteringUrl))).append("</code>. The hour is counted from simulator time (")
                .append(esc(Html.time(now))).append(").");
        if (!s.state().acceptsUsage()) {
            html.append(" AWS does not accept usage for this subscription now (").append(esc(Html.state(s.state())))
                    .append("), so expect it to be rejected.");
        }
        html.append("</p>\n<form method=\"post\" action=\"")
                .append(esc(Html.subscriptionActionUrl(s.subscriptionId(), "usage"))).append("\" class=\"row\">\n")
                .append("<label>Dimension <select name=\"dimension\">");
        for (Dimension d : product.dimensions()) {
            if (d.metered()) {
                html.append("<option value=\"").append(esc(d.name())).append("\">").append(esc(d.name()))
                        .append("</option>");
            }
        }
        return html.append("</select></label>\n")
                .append("<label>Quantity <input type=\"number\" name=\"quantity\" min=\"0\" step=\"1\" value=\"1\" ")
                .append("required></label>\n")
                .append("<label>Hour <select name=\"hourOffset\"><option value=\"0\" selected>now</option>")
                .append("<option value=\"-1\">previous hour</option><option value=\"-2\">2 hours ago</option>")
                .append("</select></label>\n")
                .append("<button type=\"submit\">Send usage</button>\n</form>\n</details>\n")
                .toString();
    }

    private static String timeFact(String label, String value) {
        return "<dt>" + esc(label) + "</dt><dd>" + esc(value) + "</dd>";
    }

    private static String fact(String label, String value) {
        return "<dt>" + esc(label) + "</dt><dd><code>" + esc(value) + "</code></dd>";
    }
}
