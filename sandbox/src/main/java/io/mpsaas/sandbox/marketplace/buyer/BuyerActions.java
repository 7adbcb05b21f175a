package io.mpsaas.sandbox.marketplace.buyer;

import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.notify.NotificationPublisher;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What buyers do on AWS Marketplace (subscribe, pay or fail, upgrade, cancel) and the notifications each step
 * sends; the mapping is documented in {@code sandbox/README.md}.
 *
 * <p>Errors: unknown ids throw {@link NoSuchElementException}, bad input {@link IllegalArgumentException}, a step
 * that does not fit the agreement's state {@link IllegalStateException}.
 */
public final class BuyerActions {

    private static final Logger LOG = Logger.getLogger(BuyerActions.class);

    private final Catalog catalog;
    private final SubscriptionRegistry registry;
    private final NotificationPublisher publisher;
    private final Supplier<Instant> clock;
    private final Supplier<URI> endpoint;
    private volatile URI fulfillmentUrl;

    public BuyerActions(Catalog catalog, SubscriptionRegistry registry, NotificationPublisher publisher,
            Supplier<Instant> clock, Supplier<URI> endpoint, URI fulfillmentUrl) {
        this.catalog = catalog;
        this.registry = registry;
        this.publisher = publisher;
        this.clock = clock;
        this.endpoint = endpoint;
        this.fulfillmentUrl = fulfillmentUrl;
    }

    /** The buyer accepts an offer: the agreement exists, a registration token is minted, the browser is sent on. */
    public SubscribeResult subscribe(SubscribeRequest request) {
        Product product = catalog.find(request.productCode())
                .orElseThrow(() -> new NoSuchElementException("no product " + request.productCode()));
        Instant now = clock.get();
        SubscriptionRegistry.Created created = registry.create(product, request, now);
        Subscription s = created.subscription();
        String token;
        synchronized (s) {
            token = registry.issueToken(s, now);
            NotificationFormat format = product.notificationFormat();
            if (format.eventBridge()) {
                publisher.agreementCreated(s);
            }
            if (created.superseded() != null && format.eventBridge()) {
                // SNS suppresses the old unsubscribe-success; on EventBridge the old agreement's license still ends.
                publisher.licenseDeprovisioned(created.superseded());
            }
        }
        LOG.infof("buyer %s subscribed to %s: subscription %s, customer %s, license %s, agreement %s",
                s.buyerAccountId(), product.code(), s.id(), s.customerIdentifier(), s.licenseArn(), s.agreementId());
        if (request.autoActivate()) {
            activate(s.id());
        }
        return new SubscribeResult(s.id(), product.code(), s.state(), token, s.customerIdentifier(),
                s.buyerAccountId(), s.licenseArn(), s.agreementId(), s.offerId(), s.freeTrial(), launchUrl(s.id()),
                launchHtml(token, s.freeTrial()));
    }

    /** Payment went through: subscribe-success (and entitlement-updated for contracts) / License Updated. */
    public SubscriptionView activate(String subscriptionId) {
        Subscription s = registry.require(subscriptionId);
        synchronized (s) {
            s.transition(SubscriptionState.PENDING, SubscriptionState.PENDING, SubscriptionState.ACTIVE, clock.get(),
                    "activate");
            NotificationFormat format = s.product().notificationFormat();
            if (format.sns()) {
                publisher.subscriptionAction(s, "subscribe-success");
                if (s.product().pricingModel().hasContract()) {
                    publisher.entitlementUpdated(s);
                }
            }
            if (format.eventBridge()) {
                publisher.licenseUpdated(s);
            }
        }
        LOG.infof("subscription %s activated (product %s, license %s)", s.id(), s.productCode(), s.licenseArn());
        return view(s);
    }

    /** Payment failed after the buyer reached the seller: subscribe-fail / agreement ended TERMINATED. */
    public SubscriptionView failPayment(String subscriptionId) {
        Subscription s = registry.require(subscriptionId);
        synchronized (s) {
            s.transition(SubscriptionState.PENDING, SubscriptionState.PENDING, SubscriptionState.FAILED, clock.get(),
                    "fail the payment of");
            NotificationFormat format = s.product().notificationFormat();
            if (format.sns()) {
                publisher.subscriptionAction(s, "subscribe-fail");
            }
            if (format.eventBridge()) {
                publisher.agreementEnded(s, "TERMINATED");
            }
        }
        LOG.infof("subscription %s payment failed (product %s, license %s)", s.id(), s.productCode(), s.licenseArn());
        return view(s);
    }

    /** The buyer changes contract quantities: entitlement-updated / agreement amended + license updated. */
    public SubscriptionView upgrade(String subscriptionId, Map<String, Object> quantities) {
        Subscription s = registry.require(subscriptionId);
        if (!s.product().pricingModel().hasContract()) {
            throw new IllegalArgumentException("subscription " + subscriptionId + " is to a SUBSCRIPTION product: "
                    + "only contracts can be upgraded");
        }
        if (quantities == null || quantities.isEmpty()) {
            throw new IllegalArgumentException("an upgrade needs at least one contracted dimension quantity");
        }
        Map<String, EntitlementValue> changes = Subscription.contractQuantities(s.product(), quantities, false);
        synchronized (s) {
            s.amend(changes);
            NotificationFormat format = s.product().notificationFormat();
            if (format.sns()) {
                publisher.entitlementUpdated(s);
            }
            if (format.eventBridge()) {
                publisher.agreementAmended(s);
                publisher.licenseUpdated(s);
            }
        }
        LOG.infof("subscription %s amended to %s (product %s, license %s)", s.id(), changes, s.productCode(),
                s.licenseArn());
        return view(s);
    }

    /** The buyer cancels: unsubscribe-pending / agreement ended CANCELLED; final usage is still accepted. */
    public SubscriptionView cancel(String subscriptionId) {
        Subscription s = registry.require(subscriptionId);
        synchronized (s) {
            s.transition(SubscriptionState.ACTIVE, SubscriptionState.PENDING, SubscriptionState.CANCEL_PENDING,
                    clock.get(), "cancel");
            NotificationFormat format = s.product().notificationFormat();
            if (format.sns()) {
                publisher.subscriptionAction(s, "unsubscribe-pending");
            }
            if (format.eventBridge()) {
                publisher.agreementEnded(s, "CANCELLED");
            }
        }
        LOG.infof("subscription %s cancellation requested (product %s, license %s)", s.id(), s.productCode(),
                s.licenseArn());
        return view(s);
    }

    /** The cancellation completes: unsubscribe-success (+ entitlement-updated) / license deprovisioned. */
    public SubscriptionView completeCancellation(String subscriptionId) {
        Subscription s = registry.require(subscriptionId);
        synchronized (s) {
            s.transition(SubscriptionState.CANCEL_PENDING, SubscriptionState.CANCEL_PENDING,
                    SubscriptionState.CANCELLED, clock.get(), "complete the cancellation of");
            NotificationFormat format = s.product().notificationFormat();
            if (format.sns()) {
                publisher.subscriptionAction(s, "unsubscribe-success");
                if (s.product().pricingModel().hasContract()) {
                    publisher.entitlementUpdated(s);
                }
            }
            if (format.eventBridge()) {
                publisher.licenseDeprovisioned(s);
            }
        }
        LOG.infof("subscription %s cancelled (product %s, license %s)", s.id(), s.productCode(), s.licenseArn());
        return view(s);
    }

    /** "Set up your account" again: a fresh registration token (older ones stay valid until they expire). */
    public String issueToken(String subscriptionId) {
        Subscription s = registry.require(subscriptionId);
        return registry.issueToken(s, clock.get());
    }

    public SubscriptionView view(String subscriptionId) {
        return view(registry.require(subscriptionId));
    }

    public List<SubscriptionView> list(String productCode, String buyerAccountId) {
        return registry.all().stream()
                .filter(s -> productCode == null || productCode.equals(s.productCode()))
                .filter(s -> buyerAccountId == null || buyerAccountId.equals(s.buyerAccountId()))
                .map(this::view)
                .toList();
    }

    private SubscriptionView view(Subscription s) {
        return s.view(launchUrl(s.id()));
    }

    public String launchUrl(String subscriptionId) {
        return endpoint.get() + "/sandbox/subscriptions/" + subscriptionId + "/launch";
    }

    /** The page the buyer's browser gets: it POSTs the latest token to the fulfillment URL. */
    public String launchPage(String subscriptionId) {
        Subscription s = registry.require(subscriptionId);
        return launchHtml(s.latestToken(), s.freeTrial());
    }

    /** Where the launch page sends the buyer; settable because a test learns its service's port only after start. */
    public void fulfillmentUrl(URI url) {
        this.fulfillmentUrl = url;
    }

    public URI fulfillmentUrl() {
        return fulfillmentUrl;
    }

    private String launchHtml(String token, boolean freeTrial) {
        URI fulfillmentUrl = this.fulfillmentUrl;
        String action = fulfillmentUrl == null ? "" : fulfillmentUrl.toString();
        StringBuilder html = new StringBuilder()
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">")
                .append("<title>AWS Marketplace sandbox - set up your account</title></head>\n")
                .append("<body onload=\"document.getElementById('fulfillment').submit()\">\n")
                .append("<p>AWS Marketplace sandbox: taking you to the seller to set up your account...</p>\n");
        if (fulfillmentUrl == null) {
            html.append("<p><strong>No fulfillment URL is configured in the simulator.</strong></p>\n");
        }
        html.append("<form id=\"fulfillment\" method=\"POST\" action=\"").append(escape(action))
                .append("\" enctype=\"application/x-www-form-urlencoded\">\n")
                .append("<input type=\"hidden\" name=\"x-amzn-marketplace-token\" value=\"").append(escape(token))
                .append("\">\n");
        if (freeTrial) {
            html.append("<input type=\"hidden\" name=\"x-amzn-marketplace-offer-type\" value=\"free-trial\">\n");
        }
        return html.append("<noscript><button type=\"submit\">Set up your account</button></noscript>\n")
                .append("</form>\n</body>\n</html>\n")
                .toString();
    }

    private static String escape(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
