package io.mpsaas.sandbox.marketplace.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.Subscription;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds what AWS Marketplace sends (SNS envelopes as SNS delivers them to SQS with raw delivery off, EventBridge
 * events as a rule with an SQS target delivers them), sends them through the SQS client and keeps a log.
 */
public final class NotificationPublisher {

    private static final Logger LOG = Logger.getLogger(NotificationPublisher.class);

    /** The AWS Marketplace account that owns the SNS topics. */
    public static final String MARKETPLACE_SNS_ACCOUNT = "287250355862";
    public static final String EVENT_SOURCE = "aws.agreement-marketplace";
    public static final String SIGNING_CERT_PATH = "/sns/" + SnsSigning.LEAF_CERT;
    public static final String ROOT_CERT_PATH = "/sns/" + SnsSigning.ROOT_CERT;
    /** Start of the log's {@code error} for a notification held back by {@link #hold(String, boolean)}. */
    public static final String HELD = "held: delivery paused for product ";

    // SNS stamps milliseconds always (".000" included): verifiers must sign the string as sent.
    static final DateTimeFormatter SNS_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;
    private final SqsClient sqs;
    private final String snsQueueUrl;
    private final String eventBridgeQueueUrl;
    private final Supplier<Instant> clock;
    private final SnsSigning signing;
    private final Supplier<URI> endpoint;
    private final String sellerAccountId;
    private volatile String signatureVersion;
    private final String initialSignatureVersion;
    private final Map<String, String> topicSubscriptionIds = new ConcurrentHashMap<>();
    private final Set<String> heldProducts = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<SentNotification> log = new ConcurrentLinkedQueue<>();

    public NotificationPublisher(ObjectMapper mapper, SqsClient sqs, String snsQueueUrl, String eventBridgeQueueUrl,
            Supplier<Instant> clock, SnsSigning signing, Supplier<URI> endpoint, String sellerAccountId,
            String signatureVersion) {
        this.mapper = mapper;
        this.sqs = sqs;
        this.snsQueueUrl = snsQueueUrl;
        this.eventBridgeQueueUrl = eventBridgeQueueUrl;
        this.clock = clock;
        this.signing = signing;
        this.endpoint = endpoint;
        this.sellerAccountId = sellerAccountId;
        SnsSigning.algorithm(signatureVersion); // fail fast on a bad version
        this.signatureVersion = signatureVersion;
        this.initialSignatureVersion = signatureVersion;
    }

    public String signatureVersion() {
        return signatureVersion;
    }

    public void signatureVersion(String value) {
        SnsSigning.algorithm(value);
        this.signatureVersion = value;
    }

    public String sellerAccountId() {
        return sellerAccountId;
    }

    public static String subscriptionTopicArn(String productCode) {
        return "arn:aws:sns:us-east-1:" + MARKETPLACE_SNS_ACCOUNT + ":aws-mp-subscription-notification-" + productCode;
    }

    public static String entitlementTopicArn(String productCode) {
        return "arn:aws:sns:us-east-1:" + MARKETPLACE_SNS_ACCOUNT + ":aws-mp-entitlement-notification-" + productCode;
    }

    // ---------------------------------------------------------------- SNS

    /** Publishes a subscription-topic action (subscribe-success, subscribe-fail, unsubscribe-pending/success). */
    public SentNotification subscriptionAction(Subscription s, String action) {
        Product p = s.product();
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"action", action});
        addCustomer(fields, s);
        fields.add(new String[] {"product-code", p.code()});
        // AWS documents offer-identifier for subscribe-success/subscribe-fail only.
        if (action.startsWith("subscribe-")) {
            fields.add(new String[] {"offer-identifier", s.offerId()});
        }
        // A string, not a JSON boolean, exactly as AWS sends it.
        fields.add(new String[] {"isFreeTrialTermPresent", Boolean.toString(s.freeTrial())});
        return publishSns(s, subscriptionTopicArn(p.code()), action, innerMessage(fields));
    }

    /** Publishes {@code entitlement-updated} on the entitlement topic (contract pricing models only). */
    public SentNotification entitlementUpdated(Subscription s) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"action", "entitlement-updated"});
        addCustomer(fields, s);
        fields.add(new String[] {"product-code", s.productCode()});
        return publishSns(s, entitlementTopicArn(s.productCode()), "entitlement-updated", innerMessage(fields));
    }

    private static void addCustomer(List<String[]> fields, Subscription s) {
        if (s.customerIdentifier() != null) {
            fields.add(new String[] {"customer-identifier", s.customerIdentifier()});
        } else {
            // Simulator choice: AWS documents no SNS shape for Concurrent Agreements; name the account and license.
            fields.add(new String[] {"customer-aws-account-id", s.buyerAccountId()});
            fields.add(new String[] {"license-arn", s.licenseArn()});
        }
    }

    /** The inner message as Marketplace formats it: one key per line, {@code "key": "value"}. */
    private String innerMessage(List<String[]> fields) {
        StringBuilder m = new StringBuilder("{\n");
        for (int i = 0; i < fields.size(); i++) {
            m.append(quote(fields.get(i)[0])).append(": ").append(quote(fields.get(i)[1]));
            m.append(i + 1 < fields.size() ? ",\n" : "\n");
        }
        return m.append('}').toString();
    }

    private String quote(String value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private SentNotification publishSns(Subscription s, String topicArn, String action, String message) {
        String messageId = UUID.randomUUID().toString();
        String timestamp = SNS_TIMESTAMP.format(clock.get());
        String version = signatureVersion;
        String signature = signing.sign(SnsSigning.stringToSign(message, messageId, null, timestamp, topicArn),
                version);
        String base = endpoint.get().toString();
        String subscriptionArn = topicArn + ":" + topicSubscriptionIds.computeIfAbsent(topicArn,
                t -> UUID.randomUUID().toString());
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", messageId);
        envelope.put("TopicArn", topicArn);
        envelope.put("Message", message);
        envelope.put("Timestamp", timestamp);
        envelope.put("SignatureVersion", version);
        envelope.put("Signature", signature);
        envelope.put("SigningCertURL", base + SIGNING_CERT_PATH);
        envelope.put("UnsubscribeURL", base + "/sns/?Action=Unsubscribe&SubscriptionArn=" + subscriptionArn);
        String body;
        try {
            // SNS pretty-prints its envelope with " : " separators; Jackson's default printer does the same.
            body = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return deliver(messageId, Channel.SNS, action, topicArn, s, snsQueueUrl, body);
    }

    // ---------------------------------------------------------------- EventBridge

    /** {@code Purchase Agreement Created - Proposer|Manufacturer} (intent NEW, status ACTIVE). */
    public SentNotification agreementCreated(Subscription s) {
        ObjectNode agreement = agreementTimes(s, "NEW", "ACTIVE");
        return agreementEvent(s, "Purchase Agreement Created", agreement);
    }

    /** {@code Purchase Agreement Amended - Proposer|Manufacturer} (intent AMEND). */
    public SentNotification agreementAmended(Subscription s) {
        ObjectNode agreement = agreementTimes(s, "AMEND", "ACTIVE");
        return agreementEvent(s, "Purchase Agreement Amended", agreement);
    }

    /** {@code Purchase Agreement Ended - Proposer|Manufacturer} with the given status (CANCELLED, TERMINATED...). */
    public SentNotification agreementEnded(Subscription s, String status) {
        ObjectNode agreement = mapper.createObjectNode();
        agreement.put("id", s.agreementId());
        agreement.put("status", status);
        return agreementEvent(s, "Purchase Agreement Ended", agreement);
    }

    public SentNotification licenseUpdated(Subscription s) {
        return licenseEvent(s, "License Updated - Manufacturer");
    }

    public SentNotification licenseDeprovisioned(Subscription s) {
        return licenseEvent(s, "License Deprovisioned - Manufacturer");
    }

    private ObjectNode agreementTimes(Subscription s, String intent, String status) {
        ObjectNode agreement = mapper.createObjectNode();
        agreement.put("id", s.agreementId());
        agreement.put("intent", intent);
        agreement.put("status", status);
        agreement.put("acceptanceTime", SNS_TIMESTAMP.format(s.createdAt()));
        agreement.put("startTime", SNS_TIMESTAMP.format(s.createdAt()));
        Instant end = s.entitlementExpiration();
        // Observed on real pay-as-you-go agreements: an open end.
        agreement.put("endTime", end == null ? "9999-01-01T00:00:00Z" : SNS_TIMESTAMP.format(end));
        return agreement;
    }

    /**
     * An agreement event as the seller's account receives it. The seller's own offer: the seller is proposer and
     * manufacturer, and AWS sends only the {@code - Proposer} event. A CPPO: the partner is the proposer (its account
     * gets the {@code - Proposer} event), the seller the manufacturer, which gets {@code - Manufacturer} with the
     * resale authorization the partner's offer was made under.
     */
    private SentNotification agreementEvent(Subscription s, String kind, ObjectNode agreement) {
        String resaleAuthorization = s.resaleAuthorizationId();
        ObjectNode detail = detailHead();
        detail.set("agreement", agreement);
        // Direct (non-CPPO) offers carry a null resale authorization id.
        ObjectNode resale = detail.putObject("resaleAuthorization");
        if (resaleAuthorization == null) {
            resale.putNull("id");
        } else {
            resale.put("id", resaleAuthorization);
        }
        detail.putObject("acceptor").put("accountId", s.buyerAccountId());
        detail.putObject("proposer").put("accountId", proposer(s));
        detail.putObject("offer").put("id", s.offerId());
        return publishEvent(s, kind + (resaleAuthorization == null ? " - Proposer" : " - Manufacturer"), detail);
    }

    /** The agreement's proposer: the channel partner of a CPPO, else the seller. */
    private String proposer(Subscription s) {
        String partner = s.channelPartnerAccountId();
        return partner != null ? partner : sellerAccountId;
    }

    private SentNotification licenseEvent(Subscription s, String detailType) {
        ObjectNode detail = detailHead();
        detail.putObject("agreement").put("id", s.agreementId());
        ObjectNode product = detail.putObject("product");
        product.put("code", s.productCode());
        product.put("id", s.product().productId());
        // Simulator choice: the full ARN ResolveCustomer returns (AWS's doc example drops the "arn:" prefix).
        detail.putObject("license").put("arn", s.licenseArn());
        detail.putObject("acceptor").put("accountId", s.buyerAccountId());
        detail.putObject("proposer").put("accountId", proposer(s));
        detail.putObject("offer").put("id", s.offerId());
        return publishEvent(s, detailType, detail);
    }

    private ObjectNode detailHead() {
        ObjectNode detail = mapper.createObjectNode();
        detail.put("requestId", UUID.randomUUID().toString());
        detail.put("catalog", "AWSMarketplace");
        return detail;
    }

    private SentNotification publishEvent(Subscription s, String detailType, ObjectNode detail) {
        String id = UUID.randomUUID().toString();
        ObjectNode event = mapper.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType);
        event.put("source", EVENT_SOURCE);
        event.put("account", sellerAccountId);
        event.put("time", EVENT_TIME.format(clock.get()));
        event.put("region", "us-east-1");
        event.putArray("resources").add("arn:aws:aws-marketplace::aws:agreement:" + s.agreementId());
        event.set("detail", detail);
        String body;
        try {
            body = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return deliver(id, Channel.EVENTBRIDGE, detailType, null, s, eventBridgeQueueUrl, body);
    }

    // ---------------------------------------------------------------- delivery and log

    private SentNotification deliver(String id, Channel channel, String kind, String topicArn, Subscription s,
            String queueUrl, String body) {
        Instant sentAt = clock.get();
        boolean delivered = false;
        String sqsMessageId = null;
        String error = null;
        if (heldProducts.contains(s.productCode())) {
            error = HELD + s.productCode();
        } else if (sqs == null || queueUrl == null) {
            error = sqs == null ? "no SQS client configured" : "no " + channel + " queue URL configured";
        } else {
            try {
                sqsMessageId = sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();
                delivered = true;
            } catch (RuntimeException e) {
                // A lost notification is what the seller must survive anyway; keep the simulator running.
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warnf("could not deliver %s %s for subscription %s (product %s, license %s) to %s: %s", channel,
                        kind, s.id(), s.productCode(), s.licenseArn(), queueUrl, error);
            }
        }
        SentNotification sent = new SentNotification(id, channel, kind, topicArn, s.productCode(), s.id(), queueUrl,
                body, sentAt, delivered, sqsMessageId, error);
        log.add(sent);
        LOG.debugf("published %s %s for subscription %s (product %s, account %s, license %s), delivered=%s", channel,
                kind, s.id(), s.productCode(), s.buyerAccountId(), s.licenseArn(), delivered);
        return sent;
    }

    /** Notifications in publishing order, optionally filtered (null = any). */
    public List<SentNotification> sent(String productCode, String subscriptionId, Channel channel) {
        List<SentNotification> list = new ArrayList<>();
        for (SentNotification n : log) {
            if ((productCode == null || productCode.equals(n.productCode()))
                    && (subscriptionId == null || subscriptionId.equals(n.subscriptionId()))
                    && (channel == null || channel == n.channel())) {
                list.add(n);
            }
        }
        return list;
    }

    /**
     * Stops (or resumes) delivering the product's notifications: while held they are built, signed and logged with
     * {@code delivered = false}, so a test can take their bodies from the log and send them itself, in any order.
     */
    public void hold(String productCode, boolean held) {
        if (held) {
            heldProducts.add(productCode);
        } else {
            heldProducts.remove(productCode);
        }
    }

    public void reset() {
        heldProducts.clear();
        log.clear();
        signatureVersion = initialSignatureVersion;
    }
}
