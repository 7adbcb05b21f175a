package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.net.URI;

/** {@code /marketplace/products/{code}}: what the product is, its dimensions, and the Subscribe form. */
final class ProductPage {

    private ProductPage() {
    }

    static String body(Product p, URI fulfillmentUrl) {
        StringBuilder html = new StringBuilder()
                .append("<nav class=\"crumbs\"><a href=\"").append(MarketplaceUi.ROOT).append("\">Catalog</a> › ")
                .append(esc(p.name())).append("</nav>\n")
                .append("<h1>").append(esc(p.name())).append("</h1>\n")
                .append("<p class=\"subtitle\"><code>").append(esc(p.code())).append("</code> <span class=\"badge\">")
                .append(esc(Html.pricing(p))).append("</span></p>\n")
                .append("<div class=\"columns\">\n<section>\n<h2>Overview</h2>\n<p>").append(esc(description(p)))
                .append("</p>\n<dl class=\"facts\">")
                .append("<dt>Pricing model</dt><dd>").append(esc(Html.pricing(p))).append("</dd>")
                .append("<dt>Identity model</dt><dd>").append(esc(Html.identity(p.identityModel()))).append("</dd>")
                .append("<dt>Notifications</dt><dd>").append(esc(Html.notifications(p.notificationFormat())))
                .append("</dd>");
        if (p.pricingModel().hasContract()) {
            html.append("<dt>Contract length</dt><dd>").append(p.contractMonths()).append(" months</dd>");
        }
        html.append("<dt>Product id</dt><dd><code>").append(esc(p.productId())).append("</code></dd></dl>\n")
                .append("<h2>Pricing dimensions</h2>\n<table>\n<thead><tr><th>Dimension</th><th>Description</th>")
                .append("<th>Type</th><th>Value type</th></tr></thead>\n<tbody>\n");
        for (Dimension d : p.dimensions()) {
            html.append("<tr><td><code>").append(esc(d.name())).append("</code></td><td>")
                    .append(esc(d.description())).append("</td><td>").append(esc(Html.dimensionType(d)))
                    .append("</td><td>").append(esc(d.valueType())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
        return html.append(subscribeForm(p, fulfillmentUrl)).append("</div>\n").toString();
    }

    private static String subscribeForm(Product p, URI fulfillmentUrl) {
        StringBuilder html = new StringBuilder()
                .append("<aside class=\"panel\">\n<h2>Subscribe</h2>\n")
                .append("<form method=\"post\" action=\"").append(esc(Html.productUrl(p.code())))
                .append("/subscribe\" class=\"stack\">\n")
                .append("<label>Buyer AWS account id <input name=\"buyerAccountId\" value=\"")
                .append(MarketplaceUi.DEFAULT_BUYER).append("\" required pattern=\"[0-9]{12}\" maxlength=\"12\" ")
                .append("inputmode=\"numeric\" title=\"12 digits\"></label>\n");
        if (p.freeTrial()) {
            html.append("<label class=\"check\"><input type=\"checkbox\" name=\"freeTrial\" value=\"on\"> ")
                    .append("Start with the free trial</label>\n");
        }
        if (!p.contractedDimensions().isEmpty()) {
            html.append("<fieldset><legend>Contract quantities</legend>\n");
            for (Dimension d : p.contractedDimensions()) {
                html.append(quantityField(d, null));
            }
            html.append("</fieldset>\n");
        }
        html.append("<label class=\"check\"><input type=\"checkbox\" name=\"activate\" value=\"on\" checked> ")
                .append("Activate at once</label>\n")
                .append("<p class=\"hint\">On: AWS sends subscribe-success right after the purchase. Off: the "
                        + "agreement stays pending until you activate it on the buyer page, to test registration "
                        + "before activation.</p>\n");
        if (fulfillmentUrl == null) {
            html.append("<p class=\"hint warn\">No fulfillment URL is configured: the subscription is created and "
                    + "you go to the buyer page instead of the seller.</p>\n");
        } else {
            html.append("<p class=\"hint\">Your browser then posts the registration token to the seller at <code>")
                    .append(esc(fulfillmentUrl)).append("</code>.</p>\n");
        }
        return html.append("<button class=\"primary\" type=\"submit\">Subscribe</button>\n</form>\n</aside>\n")
                .toString();
    }

    /** An input for one contracted dimension, named {@code q.<dimension>}; the simulator converts the text. */
    static String quantityField(Dimension d, Object current) {
        String name = "q." + d.name();
        StringBuilder html = new StringBuilder("<label>").append(esc(d.description()));
        if (!d.description().equals(d.name())) {
            html.append(" <span class=\"muted\">(").append(esc(d.name())).append(")</span>");
        }
        html.append(' ');
        switch (d.valueType()) {
            case INTEGER -> html.append("<input type=\"number\" min=\"0\" step=\"1\" name=\"").append(esc(name))
                    .append("\" value=\"").append(esc(current == null ? 1 : current)).append("\">");
            case DOUBLE -> html.append("<input type=\"number\" min=\"0\" step=\"any\" name=\"").append(esc(name))
                    .append("\" value=\"").append(esc(current == null ? 1.0 : current)).append("\">");
            case BOOLEAN -> {
                boolean on = current == null || Boolean.TRUE.equals(current);
                html.append("<select name=\"").append(esc(name)).append("\"><option value=\"true\"")
                        .append(on ? " selected" : "").append(">Yes</option><option value=\"false\"")
                        .append(on ? "" : " selected").append(">No</option></select>");
            }
            case STRING -> html.append("<input type=\"text\" name=\"").append(esc(name)).append("\" value=\"")
                    .append(esc(current == null ? "standard" : current)).append("\">");
            default -> throw new IllegalStateException("unknown value type " + d.valueType());
        }
        return html.append("</label>\n").toString();
    }

    /** A plain-words summary of how AWS Marketplace treats this listing (the catalog has no description field). */
    static String description(Product p) {
        String model = switch (p.pricingModel()) {
            case SUBSCRIPTION -> "Pay-as-you-go SaaS subscription: the seller reports hourly usage of the metered "
                    + "dimensions through BatchMeterUsage and AWS bills it.";
            case CONTRACT -> "SaaS contract: the buyer commits up front to quantities of the contracted dimensions for "
                    + p.contractMonths() + " months; the seller reads them through GetEntitlements.";
            case CONTRACT_WITH_CONSUMPTION -> "SaaS contract with consumption: contracted quantities for "
                    + p.contractMonths() + " months (GetEntitlements) plus usage beyond them, reported through "
                    + "BatchMeterUsage.";
        };
        String identity = p.identityModel() == IdentityModel.LEGACY
                ? " Buyers are identified by a CustomerIdentifier that ResolveCustomer returns."
                : " Concurrent Agreements: buyers are identified by their AWS account id and a license ARN, and one "
                        + "account may hold several agreements.";
        String trial = p.freeTrial()
                ? " A free trial is offered: the fulfillment POST then carries x-amzn-marketplace-offer-type=free-trial."
                : "";
        return model + identity + trial + " Lifecycle notifications go out by "
                + Html.notifications(p.notificationFormat()) + ".";
    }
}
