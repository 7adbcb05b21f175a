package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.util.List;

/** {@code /marketplace}: a card per product of the simulated catalog. */
final class CatalogPage {

    private CatalogPage() {
    }

    static String body(List<Product> products) {
        StringBuilder html = new StringBuilder()
                .append("<h1>Discover SaaS products</h1>\n")
                .append("<p class=\"lead\">The listings of this simulated AWS Marketplace. Open one to subscribe as a "
                        + "buyer: your browser is then sent to the seller's fulfillment URL with a registration "
                        + "token, as on AWS.</p>\n")
                .append("<div class=\"cards\">\n");
        for (Product p : products) {
            html.append("<article class=\"card\" data-product-code=\"").append(esc(p.code())).append("\">\n")
                    .append("<h2><a href=\"").append(esc(Html.productUrl(p.code()))).append("\">")
                    .append(esc(p.name())).append("</a></h2>\n")
                    .append("<p><code>").append(esc(p.code())).append("</code></p>\n")
                    .append("<dl class=\"facts\">")
                    .append("<dt>Pricing</dt><dd>").append(esc(Html.pricing(p))).append("</dd>")
                    .append("<dt>Identity</dt><dd>").append(esc(Html.identity(p.identityModel()))).append("</dd>")
                    .append("<dt>Notifications</dt><dd>").append(esc(Html.notifications(p.notificationFormat())))
                    .append("</dd></dl>\n")
                    .append("<a class=\"button\" href=\"").append(esc(Html.productUrl(p.code())))
                    .append("\">View product</a>\n</article>\n");
        }
        if (products.isEmpty()) {
            html.append("<p class=\"empty\">The catalog is empty.</p>\n");
        }
        return html.append("</div>\n").toString();
    }
}
