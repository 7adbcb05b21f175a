package io.mpsaas.sandbox.marketplace.ui;

import io.mpsaas.sandbox.marketplace.api.AgreementOperations;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Escaping, URL building and the display names the pages share. Every value from outside goes through esc(). */
final class Html {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00 'UTC'").withZone(ZoneOffset.UTC);

    private Html() {
    }

    /** Text or attribute value, HTML-escaped; null becomes empty. */
    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** One URL path segment or query value, percent-encoded (product codes may contain '/', ':' or '='). */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String productUrl(String code) {
        return MarketplaceUi.ROOT + "/products/" + enc(code);
    }

    static String buyerUrl(String accountId) {
        return MarketplaceUi.ROOT + "/buyers/" + enc(accountId);
    }

    static String subscriptionActionUrl(String subscriptionId, String action) {
        return MarketplaceUi.ROOT + "/subscriptions/" + enc(subscriptionId) + "/" + action;
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String hour(Instant instant) {
        return instant == null ? "" : HOUR.format(instant);
    }

    /** "Subscription", "Contract", "Contract with consumption", with "· free trial" when offered. */
    static String pricing(Product product) {
        String model = switch (product.pricingModel()) {
            case SUBSCRIPTION -> "Subscription";
            case CONTRACT -> "Contract";
            case CONTRACT_WITH_CONSUMPTION -> "Contract with consumption";
        };
        return product.freeTrial() ? model + " · free trial" : model;
    }

    static String identity(IdentityModel model) {
        return model == IdentityModel.LEGACY ? "Legacy (CustomerIdentifier)" : "Concurrent Agreements (license ARN)";
    }

    static String notifications(NotificationFormat format) {
        return switch (format) {
            case SNS -> "SNS";
            case EVENTBRIDGE -> "EventBridge";
            case BOTH -> "SNS and EventBridge";
        };
    }

    static String dimensionType(Dimension d) {
        if (d.contracted() && d.metered()) {
            return "Contracted and metered";
        }
        return d.contracted() ? "Contracted" : "Metered";
    }

    static String state(SubscriptionState state) {
        return switch (state) {
            case PENDING -> "Pending payment";
            case ACTIVE -> "Active";
            case FAILED -> "Payment failed";
            case CANCEL_PENDING -> "Cancellation pending";
            case CANCELLED -> "Cancelled";
        };
    }

    /** A coloured state badge. */
    static String stateBadge(SubscriptionState state) {
        return "<span class=\"badge state-" + state.name().toLowerCase().replace('_', '-') + "\">"
                + esc(state(state)) + "</span>";
    }

    /** The outcome as BatchMeterUsage reports it. */
    static String outcome(AttemptOutcome outcome, String errorCode) {
        return switch (outcome) {
            case SUCCESS -> "Success";
            case DUPLICATE_RECORD -> "DuplicateRecord";
            case CUSTOMER_NOT_SUBSCRIBED -> "CustomerNotSubscribed";
            case UNPROCESSED -> "Unprocessed";
            case BATCH_ERROR -> "Batch error" + (errorCode == null ? "" : ": " + errorCode);
        };
    }

    static String outcomeBadge(AttemptOutcome outcome, String errorCode) {
        String tone = switch (outcome) {
            case SUCCESS -> "ok";
            case DUPLICATE_RECORD, UNPROCESSED -> "warn";
            case CUSTOMER_NOT_SUBSCRIBED, BATCH_ERROR -> "bad";
        };
        return "<span class=\"badge tone-" + tone + "\">" + esc(outcome(outcome, errorCode)) + "</span>";
    }

    /** Who a ledger row or notification is about: the CustomerIdentifier, or account and license ARN. */
    static String customer(String customerIdentifier, String accountId, String licenseArn) {
        StringBuilder s = new StringBuilder();
        if (customerIdentifier != null) {
            s.append("<code>").append(esc(customerIdentifier)).append("</code>");
        }
        if (accountId != null) {
            s.append(s.isEmpty() ? "" : "<br>").append("<span class=\"muted\">account</span> <code>")
                    .append(esc(accountId)).append("</code>");
        }
        if (licenseArn != null && customerIdentifier == null) {
            s.append(s.isEmpty() ? "" : "<br>").append("<code class=\"arn\">").append(esc(licenseArn))
                    .append("</code>");
        }
        return s.toString();
    }

    /** Who offered the agreement and to whom: the seller's public or private offer, or a channel partner's (CPPO). */
    static String offerType(SubscriptionView s) {
        return s.channelPartnerAccountId() == null ? (s.privateOffer() ? "Private offer" : "Public offer")
                : "Channel partner " + s.channelPartnerAccountId() + " (CPPO)"; // a CPPO is always private
    }

    static String autoRenew(Boolean autoRenew) {
        return autoRenew == null ? "no renewal term" : autoRenew ? "on" : "off";
    }

    /**
     * The agreement behind a subscription as the Agreement API describes it: id, status, who offered it, start, end,
     * auto-renewal and a summary of its terms ({@code product} null: no summary).
     */
    static String agreement(SubscriptionView s, Product product) {
        StringBuilder html = new StringBuilder("<section class=\"agreement\" data-agreement-id=\"")
                .append(esc(s.agreementId())).append("\"><h3>Agreement</h3>\n<dl class=\"facts wide\">")
                .append("<dt>Agreement</dt><dd><code>").append(esc(s.agreementId())).append("</code></dd>")
                .append("<dt>Status</dt><dd class=\"agreement-status\">").append(esc(s.agreementStatus()))
                .append("</dd><dt>Offer type</dt><dd class=\"offer-type\">").append(esc(offerType(s)))
                .append("</dd><dt>Start</dt><dd>").append(esc(time(s.createdAt())))
                .append("</dd><dt>End</dt><dd class=\"agreement-end\">")
                .append(esc(s.agreementEnd() == null ? "none (pay as you go)" : time(s.agreementEnd())))
                .append("</dd><dt>Auto-renew</dt><dd class=\"auto-renew\">").append(esc(autoRenew(s.autoRenew())))
                .append("</dd>");
        if (product != null) {
            html.append("<dt>Terms</dt><dd class=\"terms-summary\">")
                    .append(esc(AgreementOperations.termsSummary(s, product))).append("</dd>");
        }
        return html.append("</dl>\n</section>\n").toString();
    }
}
