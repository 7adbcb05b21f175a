package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;

/** The frame every page shares: the "simulator — not AWS" header, navigation, flash message and footer. */
final class Layout {

    /** The header's wording; tests and screenshots look for it. */
    static final String LABEL = "AWS Marketplace simulator — not AWS";

    enum Section { CATALOG, BUYERS, SELLER, WEBHOOKS, NONE }

    private final MarketplaceSimulator sim;

    Layout(MarketplaceSimulator sim) {
        this.sim = sim;
    }

    String page(String title, Section section, Flash flash, String body) {
        StringBuilder html = new StringBuilder(body.length() + 2048)
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append(" · AWS Marketplace simulator</title>\n")
                .append("<link rel=\"stylesheet\" href=\"").append(MarketplaceUi.ROOT)
                .append("/assets/simulator.css\">\n")
                .append("<link rel=\"icon\" type=\"image/svg+xml\" href=\"").append(MarketplaceUi.ROOT)
                .append("/assets/favicon.svg\">\n</head>\n<body>\n")
                .append("<header class=\"topbar\"><div class=\"wrap topbar-inner\">")
                .append("<a class=\"brand\" href=\"").append(MarketplaceUi.ROOT).append("\">")
                .append("<span class=\"mark\" aria-hidden=\"true\"></span>").append(esc(LABEL)).append("</a>")
                .append("<nav class=\"nav\">")
                .append(link("Catalog", MarketplaceUi.ROOT, section == Section.CATALOG))
                .append(link("Your Marketplace Software", MarketplaceUi.ROOT + "/buyers", section == Section.BUYERS))
                .append(link("Seller", MarketplaceUi.ROOT + "/seller", section == Section.SELLER))
                .append(link("Webhooks", MarketplaceUi.ROOT + "/webhooks", section == Section.WEBHOOKS))
                .append("</nav></div></header>\n")
                .append("<div class=\"notice\"><div class=\"wrap\">A local sandbox that plays AWS Marketplace for "
                        + "testing a SaaS integration. Nothing here reaches AWS and nobody is charged.</div></div>\n")
                .append("<main class=\"wrap\">\n");
        if (flash != null) {
            html.append("<div class=\"flash ").append(flash.success() ? "flash-ok" : "flash-error")
                    .append("\" role=\"status\">").append(esc(flash.message()));
            if (flash.detail() != null) {
                html.append("<pre>").append(esc(flash.detail())).append("</pre>");
            }
            html.append("</div>\n");
        }
        return html.append(body)
                .append("</main>\n<footer class=\"wrap footer\">Simulator time ")
                .append(esc(Html.time(sim.clock().instant())))
                .append(" · AWS APIs at <code>POST /</code> · control API under <code>/sandbox/</code></footer>\n")
                .append("</body>\n</html>\n")
                .toString();
    }

    private static String link(String label, String href, boolean current) {
        return "<a href=\"" + href + "\"" + (current ? " aria-current=\"page\"" : "") + ">" + esc(label) + "</a>";
    }
}
