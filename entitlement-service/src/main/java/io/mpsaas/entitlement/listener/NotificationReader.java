package io.mpsaas.entitlement.listener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.LicenseArn;
import io.mpsaas.entitlement.domain.Agreement;
import io.mpsaas.entitlement.domain.Channel;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.domain.NotificationMeta;
import io.mpsaas.entitlement.domain.Subscriber;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an SQS message body into a {@link Notification}: an SNS envelope (raw delivery off; topic allow-list, then
 * signature), a raw-delivered SNS inner message (only when allowed), or an EventBridge event from
 * {@code aws.agreement-marketplace}. Field names are matched without regard to case, dashes and underscores, so the
 * spellings seen in the wild ({@code customer-identifier}, {@code CustomerIdentifier}, {@code SigningCertURL},
 * {@code SigningCertUrl}) all read. Anything else is an {@link UnprocessableMessageException} whose message, the park
 * reason, never quotes the body.
 *
 * <p>What a sender to the queue could forge is checked against {@link Trust}: an SNS envelope older than
 * {@code sns.max-age} when it reached the queue (a captured envelope replayed once the inbox forgot it) or dated in the
 * future, an EventBridge event dated in the future (it would make every genuine later event look stale and freeze the
 * customer's state) or from an account or region the seller does not expect.
 */
public final class NotificationReader {

    public static final String EVENT_SOURCE = "aws.agreement-marketplace";

    private static final String MANUFACTURER = " - Manufacturer";
    private static final String PROPOSER = " - Proposer";

    /**
     * The {@code aws.agreement-marketplace} detail-types this service acts on, without their {@code - Manufacturer} /
     * {@code - Proposer} suffix (the cases of {@link #eventBridge}); deploy/aws/mpsaas.yaml's EventBridge rule routes
     * exactly these (deploy's tests hold the two together).
     */
    public static final List<String> HANDLED_DETAIL_TYPES = List.of("Purchase Agreement Created",
            "Purchase Agreement Amended", "Purchase Agreement Ended", "License Updated", "License Deprovisioned");

    /** Documented {@code aws.agreement-marketplace} detail-types this service has no use for: acknowledged. */
    public static final Set<String> IGNORED_DETAIL_TYPES = Set.of("Purchase Agreement Ending",
            "Purchase Agreement Advisory Issued", "Purchase Agreement Advisory Resolved",
            "Purchase Agreement Renewal Terms Finalized", "Agreement Cancellation Request Created",
            "Agreement Cancellation Request Updated", "Agreement Cancellation Request Cancelled",
            "Purchase Agreement Billing Adjustment Completed", "Purchase Agreement Billing Adjustment Failed");

    /** Marketplace topic names end with the product code. */
    private static final Pattern MARKETPLACE_TOPIC = Pattern.compile("aws-mp-(subscription|entitlement)-notification-(.+)");

    /** Settings of a reader; {@code trust} null: no time or source checks (unit tests of the reading alone). */
    public record Settings(boolean verifySignatures, List<String> topicPatterns, boolean acceptRaw,
            List<String> ignoredProductCodes, Trust trust) {

        public Settings {
            topicPatterns = List.copyOf(topicPatterns);
            ignoredProductCodes = List.copyOf(ignoredProductCodes);
        }

        public Settings(boolean verifySignatures, List<String> topicPatterns, boolean acceptRaw,
                List<String> ignoredProductCodes) {
            this(verifySignatures, topicPatterns, acceptRaw, ignoredProductCodes, null);
        }
    }

    /**
     * The time and source checks.
     *
     * @param snsMaxAge      oldest an SNS {@code Timestamp} may be when the message reached the queue
     * @param maxClockSkew   how far after that an SNS {@code Timestamp} or an EventBridge {@code time} may be
     * @param eventAccounts  the {@code account}s EventBridge events may come from; empty: any 12-digit account
     * @param eventRegions   the {@code region}s EventBridge events may come from
     */
    public record Trust(java.time.Duration snsMaxAge, java.time.Duration maxClockSkew, List<String> eventAccounts,
            List<String> eventRegions) {

        public Trust {
            eventAccounts = eventAccounts.stream().map(String::strip).filter(a -> !a.isEmpty()).toList();
            eventRegions = eventRegions.stream().map(String::strip).filter(r -> !r.isEmpty()).toList();
        }
    }

    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private final ObjectMapper mapper;
    private final SnsSignatureVerifier verifier;
    private final Settings settings;
    private final List<Pattern> topics;

    public NotificationReader(ObjectMapper mapper, SnsSignatureVerifier verifier, Settings settings) {
        this.mapper = mapper;
        this.verifier = verifier;
        this.settings = settings;
        this.topics = settings.topicPatterns().stream().map(NotificationReader::glob).toList();
    }

    /**
     * Reads one SQS message body.
     *
     * @param sqsMessageId and {@code sqsSentAt}: the id and time of a raw-delivered message, which has neither;
     *        {@code sqsSentAt} is also when the message reached the queue, the reference of the time checks (null:
     *        now)
     */
    public ReadResult read(String body, String sqsMessageId, Instant sqsSentAt) throws UnprocessableMessageException,
            CertificateUnavailableException {
        JsonNode root;
        try {
            root = body == null ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UnprocessableMessageException(malformed(e));
        }
        if (root == null || !root.isObject()) {
            throw new UnprocessableMessageException("the message body is not a JSON object");
        }
        String type = text(root, "Type");
        if (type != null) {
            if (!"Notification".equalsIgnoreCase(type)) {
                throw new UnprocessableMessageException("SNS message of Type " + type + " is not a notification"
                        + ("SubscriptionConfirmation".equalsIgnoreCase(type)
                                ? " (confirm the subscription from the AWS console or CLI, see the README)" : ""));
            }
            return ReadResult.of(snsEnvelope(root, sqsSentAt));
        }
        if (field(root, "detail-type") != null || field(root, "source") != null) {
            return eventBridge(root, sqsSentAt);
        }
        if (field(root, "action") != null) {
            if (!settings.acceptRaw()) {
                throw new UnprocessableMessageException("raw-delivered SNS message refused: turn raw message delivery"
                        + " off on the subscription (or set suite.entitlement.accept-raw-messages=true)");
            }
            Instant at = sqsSentAt != null ? sqsSentAt : Instant.now();
            return ReadResult.of(inner(root, new NotificationMeta(Channel.SNS_RAW, sqsMessageId, at, "raw"), null));
        }
        throw new UnprocessableMessageException("neither an SNS envelope, an EventBridge event nor a Marketplace"
                + " message");
    }

    // ---------------------------------------------------------------- SNS

    private Notification snsEnvelope(JsonNode root, Instant arrivedAt) throws UnprocessableMessageException,
            CertificateUnavailableException {
        String topicArn = text(root, "TopicArn");
        if (topicArn == null || topics.stream().noneMatch(p -> p.matcher(topicArn).matches())) {
            throw new UnprocessableMessageException("SNS topic not allowed: " + topicArn);
        }
        String messageId = text(root, "MessageId");
        String timestamp = text(root, "Timestamp");
        JsonNode message = field(root, "Message");
        if (message == null || message.isNull()) {
            throw new UnprocessableMessageException("SNS envelope without Message");
        }
        if (settings.verifySignatures()) {
            if (!message.isTextual()) {
                throw new UnprocessableMessageException("SNS envelope whose Message is not a string cannot be signed"
                        + " by SNS");
            }
            verifier.verify(new SnsEnvelope(messageId, topicArn, text(root, "Subject"), message.textValue(),
                    timestamp, text(root, "SignatureVersion"), text(root, "Signature"),
                    text(root, "SigningCertURL")));
        }
        JsonNode inner = message;
        if (message.isTextual()) {
            try {
                inner = mapper.readTree(message.textValue());
            } catch (JsonProcessingException e) {
                throw new UnprocessableMessageException("SNS Message is not JSON: " + malformed(e));
            }
        }
        if (inner == null || !inner.isObject()) {
            throw new UnprocessableMessageException("SNS Message is not a JSON object");
        }
        if (messageId == null) {
            throw new UnprocessableMessageException("SNS envelope without MessageId");
        }
        Instant at = instant(timestamp, "SNS Timestamp");
        Trust trust = settings.trust();
        if (trust != null) {
            Instant reference = arrivedAt != null ? arrivedAt : Instant.now();
            if (at.isBefore(reference.minus(trust.snsMaxAge()))) {
                throw new UnprocessableMessageException("SNS Timestamp " + timestamp + " is "
                        + java.time.Duration.between(at, reference).withNanos(0) + " older than the message's arrival"
                        + " in the queue, more than suite.entitlement.sns.max-age " + trust.snsMaxAge()
                        + ": refused as a possible replay");
            }
            notInTheFuture(at, reference, trust, "SNS Timestamp " + timestamp);
        }
        var topicMatch = MARKETPLACE_TOPIC.matcher(topicArn.substring(topicArn.lastIndexOf(':') + 1));
        String topicProduct = topicMatch.matches() ? topicMatch.group(2) : null;
        return inner(inner, new NotificationMeta(Channel.SNS, messageId, at, topicArn), topicProduct);
    }

    private Notification inner(JsonNode m, NotificationMeta meta, String topicProduct)
            throws UnprocessableMessageException {
        String action = text(m, "action");
        String productCode = text(m, "product-code");
        if (productCode == null) {
            throw new UnprocessableMessageException("Marketplace message without product-code");
        }
        if (topicProduct != null && !topicProduct.equals(productCode.strip())) {
            throw new UnprocessableMessageException("product-code " + productCode + " does not match the topic's "
                    + topicProduct);
        }
        String customerIdentifier = text(m, "customer-identifier");
        String licenseArn = text(m, "license-arn");
        Subscriber subscriber;
        if (customerIdentifier != null && !customerIdentifier.isBlank()) {
            subscriber = Subscriber.legacy(productCode, customerIdentifier);
        } else if (licenseArn != null && !licenseArn.isBlank()) {
            subscriber = Subscriber.license(productCode, text(m, "customer-aws-account-id"), licenseArn);
        } else {
            throw new UnprocessableMessageException("Marketplace message without customer-identifier or license-arn");
        }
        checkIds(subscriber);
        String offerId = text(m, "offer-identifier");
        boolean freeTrial = flag(field(m, "isFreeTrialTermPresent"));
        if (action == null) {
            throw new UnprocessableMessageException("Marketplace message without action");
        }
        return switch (action.strip()) {
            case "subscribe-success" -> new Notification.SubscribeSuccess(meta, subscriber, offerId, freeTrial);
            case "subscribe-fail" -> new Notification.SubscribeFail(meta, subscriber, offerId, freeTrial);
            case "unsubscribe-pending" -> new Notification.UnsubscribePending(meta, subscriber);
            case "unsubscribe-success" -> new Notification.UnsubscribeSuccess(meta, subscriber);
            case "entitlement-updated" -> new Notification.EntitlementUpdated(meta, subscriber);
            default -> throw new UnprocessableMessageException("unknown Marketplace action: " + action);
        };
    }

    /** The SNS flag is the string "true"/"false"; a JSON boolean is accepted too. */
    private static boolean flag(JsonNode node) {
        return node != null && (node.isBoolean() ? node.booleanValue() : "true".equalsIgnoreCase(node.asText("")));
    }

    // ---------------------------------------------------------------- EventBridge

    private ReadResult eventBridge(JsonNode root, Instant arrivedAt) throws UnprocessableMessageException {
        String source = text(root, "source");
        if (!EVENT_SOURCE.equals(source)) {
            throw new UnprocessableMessageException("EventBridge event from unknown source: " + source);
        }
        Trust trust = settings.trust();
        if (trust != null) {
            // events carry no signature: the queue policy keeps forgeries out; this checks what a sender could forge
            String account = text(root, "account");
            if (account == null || !ACCOUNT.matcher(account).matches()
                    || !trust.eventAccounts().isEmpty() && !trust.eventAccounts().contains(account)) {
                throw new UnprocessableMessageException("EventBridge event of account "
                        + io.mpsaas.common.rest.Problem.excerpt(account) + ", not an expected one"
                        + " (suite.entitlement.eventbridge.accounts)");
            }
            String region = text(root, "region");
            if (region == null || !trust.eventRegions().contains(region)) {
                throw new UnprocessableMessageException("EventBridge event of region "
                        + io.mpsaas.common.rest.Problem.excerpt(region) + ", not an expected one"
                        + " (suite.entitlement.eventbridge.regions)");
            }
        }
        String detailType = text(root, "detail-type");
        if (detailType == null) {
            throw new UnprocessableMessageException("EventBridge event without detail-type");
        }
        String base = detailType.endsWith(MANUFACTURER)
                ? detailType.substring(0, detailType.length() - MANUFACTURER.length())
                : detailType.endsWith(PROPOSER) ? detailType.substring(0, detailType.length() - PROPOSER.length())
                        : detailType;
        if (IGNORED_DETAIL_TYPES.contains(base)) {
            return ReadResult.ignored("EventBridge " + detailType + " has no effect on subscriptions");
        }
        String id = text(root, "id");
        if (id == null) {
            throw new UnprocessableMessageException("EventBridge event without id");
        }
        JsonNode detail = field(root, "detail");
        if (detail == null || !detail.isObject()) {
            throw new UnprocessableMessageException("EventBridge event without detail");
        }
        String time = text(root, "time");
        Instant at = instant(time, "EventBridge time");
        if (trust != null) {
            notInTheFuture(at, arrivedAt != null ? arrivedAt : Instant.now(), trust, "EventBridge time " + time);
        }
        NotificationMeta meta = new NotificationMeta(Channel.EVENTBRIDGE, id, at, detailType);
        Agreement agreement;
        try {
            agreement = new Agreement(text(detail.path("agreement"), "id"), text(detail.path("acceptor"), "accountId"),
                    text(detail.path("offer"), "id"));
        } catch (IllegalArgumentException e) {
            throw new UnprocessableMessageException(detailType + " " + e.getMessage());
        }
        JsonNode agreementNode = detail.path("agreement");
        return switch (base) {
            case "Purchase Agreement Created" -> ReadResult.of(new Notification.AgreementCreated(meta, agreement,
                    text(agreementNode, "intent"), text(agreementNode, "status")));
            case "Purchase Agreement Amended" -> ReadResult.of(new Notification.AgreementAmended(meta, agreement,
                    text(agreementNode, "intent"), text(agreementNode, "status")));
            case "Purchase Agreement Ended" -> ReadResult.of(new Notification.AgreementEnded(meta, agreement,
                    text(agreementNode, "status")));
            case "License Updated", "License Deprovisioned" -> license(base, detailType, detail, meta, agreement);
            default -> throw new UnprocessableMessageException("unknown EventBridge detail-type: " + detailType);
        };
    }

    private ReadResult license(String base, String detailType, JsonNode detail, NotificationMeta meta,
            Agreement agreement) throws UnprocessableMessageException {
        String productCode = text(detail.path("product"), "code");
        String licenseArn = text(detail.path("license"), "arn");
        if (productCode == null || licenseArn == null) {
            throw new UnprocessableMessageException(detailType + " without product.code or license.arn");
        }
        if (settings.ignoredProductCodes().contains(productCode)) {
            return ReadResult.ignored(detailType + " of product " + productCode
                    + ", followed through SNS (suite.entitlement.eventbridge.ignored-product-codes)");
        }
        Subscriber subscriber = Subscriber.license(productCode, agreement.acceptorAccountId(), licenseArn);
        checkIds(subscriber);
        return ReadResult.of(base.equals("License Updated")
                ? new Notification.LicenseUpdated(meta, agreement, subscriber)
                : new Notification.LicenseDeprovisioned(meta, agreement, subscriber));
    }

    /** Longest product code and CustomerIdentifier AWS gives (ResolveCustomer, GetEntitlements: 1..255). */
    static final int MAX_ID_LENGTH = 255;

    /**
     * Ids no genuine notification carries are refused here, before any storage call: a CustomerIdentifier over
     * AWS's 255 characters (3,000 would pass DynamoDB's key size and fail for good there), a license ARN that
     * {@link LicenseArn} does not read.
     */
    private static void checkIds(Subscriber subscriber) throws UnprocessableMessageException {
        if (subscriber.productCode() != null && subscriber.productCode().length() > MAX_ID_LENGTH) {
            throw new UnprocessableMessageException("malformed product-code: longer than " + MAX_ID_LENGTH
                    + " characters");
        }
        if (subscriber.customerIdentifier() != null && subscriber.customerIdentifier().length() > MAX_ID_LENGTH) {
            throw new UnprocessableMessageException("malformed customer-identifier: longer than " + MAX_ID_LENGTH
                    + " characters");
        }
        if (subscriber.licenseArn() != null && !LicenseArn.isValid(subscriber.licenseArn())) {
            throw new UnprocessableMessageException("malformed license-arn: not a license ARN");
        }
    }

    /** Why Jackson refused a body, without quoting it (a reason never holds personal data); no location on a limit. */
    private static String malformed(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "malformed JSON: past the parser's limits (" + e.getOriginalMessage() + ")";
        }
        return e.getLocation() == null ? "malformed JSON"
                : "malformed JSON (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                        + ")";
    }

    // ---------------------------------------------------------------- tolerant field access

    /** The field whose name equals {@code name} ignoring case, dashes and underscores. */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        String wanted = normalise(name);
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (normalise(entry.getKey()).equals(wanted)) {
                return entry.getValue();
            }
        }
        return null;
    }

    static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static String normalise(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static Instant instant(String value, String what) throws UnprocessableMessageException {
        if (value == null) {
            throw new UnprocessableMessageException(what + " missing");
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new UnprocessableMessageException(what + " is not an ISO-8601 instant: " + value);
        }
    }

    /**
     * A time after the message reached the queue (plus the clock skew allowed) is forged or wrong: as the newest
     * notification it would win over every genuine later one, freezing the customer's state.
     */
    private static void notInTheFuture(Instant at, Instant reference, Trust trust, String what)
            throws UnprocessableMessageException {
        if (at.isAfter(reference.plus(trust.maxClockSkew()))) {
            throw new UnprocessableMessageException(what + " is in the future: "
                    + java.time.Duration.between(reference, at).withNanos(0) + " after the message's arrival in the"
                    + " queue, more than suite.entitlement.max-clock-skew " + trust.maxClockSkew());
        }
    }

    /** {@code *} matches any run of characters; everything else literally. */
    static Pattern glob(String pattern) {
        return Pattern.compile(java.util.Arrays.stream(pattern.strip().split("\\*", -1)).map(Pattern::quote)
                .collect(java.util.stream.Collectors.joining(".*")));
    }
}
