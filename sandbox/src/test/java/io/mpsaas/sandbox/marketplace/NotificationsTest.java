package io.mpsaas.sandbox.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.NotificationPublisher;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Notifications delivered to a real SQS (ElasticMQ, in-process): SNS envelopes as SNS delivers them with raw
 * delivery off, verified with plain JCA against the served certificate chain, and EventBridge events.
 */
class NotificationsTest {

    private static final List<String> ENVELOPE_KEYS = List.of("Type", "MessageId", "TopicArn", "Message", "Timestamp",
            "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL");

    private static SQSRestServer elasticMq;
    private static SqsClient sqs;

    private final ObjectMapper json = new ObjectMapper();
    private MarketplaceSimulator sim;
    private String snsQueue;
    private String eventQueue;

    @BeforeAll
    static void startSqs() {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = elasticMq.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
        try {
            elasticMq.stopAndWait();
        } catch (Exception e) {
            // as in SqsConsumerTest: a server slower than ElasticMQ's one-minute wait to stop fails no test
            System.err.println("ElasticMQ did not stop in time: " + e);
        }
    }

    /** A simulator publishing to two fresh queues of this test's own. */
    private void startSimulator(String signatureVersion) {
        snsQueue = sqs.createQueue(b -> b.queueName(SimulatorFixture.uniqueCode("sns"))).queueUrl();
        eventQueue = sqs.createQueue(b -> b.queueName(SimulatorFixture.uniqueCode("events"))).queueUrl();
        sim = MarketplaceSimulator.builder().sqsClient(sqs).snsQueueUrl(snsQueue).eventBridgeQueueUrl(eventQueue)
                .snsSignatureVersion(signatureVersion).build().start();
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    /** Waits for exactly {@code count} messages (then checks nothing else is queued) and parses their bodies. */
    private List<JsonNode> receive(String queueUrl, int count) throws Exception {
        List<Message> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            got.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages());
            assertThat(got).hasSizeGreaterThanOrEqualTo(count);
        });
        assertThat(got).hasSize(count);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)).messages()).isEmpty();
        List<JsonNode> bodies = new ArrayList<>();
        for (Message m : got) {
            bodies.add(json.readTree(m.body()));
        }
        return bodies;
    }

    private static JsonNode byKind(List<JsonNode> messages, String field, String value) {
        return messages.stream().filter(m -> value.equals(m.path(field).asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no message with " + field + "=" + value + " in " + messages));
    }

    private JsonNode snsByAction(List<JsonNode> envelopes, String action) throws Exception {
        for (JsonNode e : envelopes) {
            if (action.equals(json.readTree(e.get("Message").asText()).get("action").asText())) {
                return e;
            }
        }
        throw new AssertionError("no SNS message with action " + action);
    }

    private X509Certificate certificate(String url) throws Exception {
        HttpResponse<String> pem = SimulatorFixture.get(URI.create(url));
        assertThat(pem.statusCode()).isEqualTo(200);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
    }

    /** The SNS verification recipe, written independently of the simulator's signer. */
    private static boolean verifies(JsonNode envelope, X509Certificate cert, String algorithm) throws Exception {
        StringBuilder toSign = new StringBuilder();
        for (String key : List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")) {
            if (envelope.has(key)) {
                toSign.append(key).append('\n').append(envelope.get(key).asText()).append('\n');
            }
        }
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(envelope.get("Signature").asText()));
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void legacySubscription_lifecycle_deliversSignedSnsEnvelopes_v1_chainingToTheSandboxRoot() throws Exception {
        startSimulator("1");
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(product.code());
        sim.activate(sub.subscriptionId());
        sim.cancel(sub.subscriptionId());
        sim.completeCancellation(sub.subscriptionId());

        List<JsonNode> envelopes = receive(snsQueue, 3);
        receive(eventQueue, 0); // legacy products default to SNS only

        JsonNode success = snsByAction(envelopes, "subscribe-success");
        assertThat(keys(success)).containsExactlyElementsOf(ENVELOPE_KEYS);
        assertThat(success.get("Type").asText()).isEqualTo("Notification");
        assertThat(success.get("TopicArn").asText())
                .isEqualTo("arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-" + product.code());
        assertThat(success.get("Timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(success.get("SignatureVersion").asText()).isEqualTo("1");
        assertThat(success.get("SigningCertURL").asText())
                .isEqualTo(sim.endpoint() + "/sns/SimpleNotificationService-sandbox.pem");
        assertThat(success.get("UnsubscribeURL").asText()).startsWith(sim.endpoint() + "/sns/?Action=Unsubscribe"
                + "&SubscriptionArn=" + success.get("TopicArn").asText() + ":");
        // Message is a JSON string with kebab-case keys and a string-typed free-trial flag.
        assertThat(success.get("Message").isTextual()).isTrue();
        JsonNode message = json.readTree(success.get("Message").asText());
        assertThat(keys(message)).containsExactly("action", "customer-identifier", "product-code",
                "offer-identifier", "isFreeTrialTermPresent");
        assertThat(message.get("customer-identifier").asText()).isEqualTo(sub.customerIdentifier());
        assertThat(message.get("product-code").asText()).isEqualTo(product.code());
        assertThat(message.get("offer-identifier").asText()).isEqualTo(sub.offerId());
        assertThat(message.get("isFreeTrialTermPresent").isTextual()).isTrue();
        assertThat(message.get("isFreeTrialTermPresent").asText()).isEqualTo("false");
        JsonNode pending = json.readTree(snsByAction(envelopes, "unsubscribe-pending").get("Message").asText());
        assertThat(pending.has("offer-identifier")).isFalse();
        snsByAction(envelopes, "unsubscribe-success");

        X509Certificate leaf = certificate(success.get("SigningCertURL").asText());
        X509Certificate root = certificate(sim.endpoint() + "/sns/sandbox-root-ca.pem");
        for (JsonNode e : envelopes) {
            assertThat(verifies(e, leaf, "SHA1withRSA")).as("signature of %s", e).isTrue();
        }
        // A verifier that checks anything must reject a tampered message.
        ((com.fasterxml.jackson.databind.node.ObjectNode) success).put("Message",
                success.get("Message").asText().replace("subscribe-success", "unsubscribe-success"));
        assertThat(verifies(success, leaf, "SHA1withRSA")).isFalse();

        assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=sns.amazonaws.com");
        assertThat(leaf.getSubjectAlternativeNames()).contains(List.of(2, "sns.amazonaws.com"));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
    }

    @Test
    void signatureVersion2_isSha256WithRsa_andCanBeSwitchedAtRuntime() throws Exception {
        startSimulator("2");
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult first = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        JsonNode v2 = receive(snsQueue, 1).get(0);
        X509Certificate leaf = certificate(v2.get("SigningCertURL").asText());
        assertThat(v2.get("SignatureVersion").asText()).isEqualTo("2");
        assertThat(verifies(v2, leaf, "SHA256withRSA")).isTrue();
        assertThat(verifies(v2, leaf, "SHA1withRSA")).isFalse();

        sim.snsSignatureVersion("1");
        sim.cancel(first.subscriptionId());
        JsonNode v1 = receive(snsQueue, 1).get(0);
        assertThat(v1.get("SignatureVersion").asText()).isEqualTo("1");
        assertThat(verifies(v1, leaf, "SHA1withRSA")).isTrue();
    }

    @Test
    void legacyContract_sendsEntitlementUpdatedOnTheEntitlementTopic() throws Exception {
        startSimulator("1");
        Product product = sim.addProduct(Product.builder(SimulatorFixture.uniqueCode("contract"),
                PricingModel.CONTRACT).contracted("seats", ValueType.INTEGER).build());
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        receive(snsQueue, 2); // subscribe-success + entitlement-updated

        sim.upgrade(sub.subscriptionId(), Map.of("seats", 9));

        JsonNode updated = receive(snsQueue, 1).get(0);
        assertThat(updated.get("TopicArn").asText())
                .isEqualTo("arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-" + product.code());
        JsonNode message = json.readTree(updated.get("Message").asText());
        assertThat(keys(message)).containsExactly("action", "customer-identifier", "product-code");
        assertThat(message.get("action").asText()).isEqualTo("entitlement-updated");
        assertThat(message.get("customer-identifier").asText()).isEqualTo(sub.customerIdentifier());
    }

    @Test
    void concurrentAgreements_lifecycle_deliversEventBridgeEvents() throws Exception {
        startSimulator("1");
        Product product = SimulatorFixture.addCaSubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("666677778888"));
        sim.activate(sub.subscriptionId());
        sim.cancel(sub.subscriptionId());
        sim.completeCancellation(sub.subscriptionId());

        List<JsonNode> events = receive(eventQueue, 4);
        receive(snsQueue, 0); // CA products default to EventBridge only

        JsonNode created = byKind(events, "detail-type", "Purchase Agreement Created - Proposer");
        assertThat(keys(created)).containsExactly("version", "id", "detail-type", "source", "account", "time",
                "region", "resources", "detail");
        assertThat(created.get("version").asText()).isEqualTo("0");
        assertThat(created.get("source").asText()).isEqualTo("aws.agreement-marketplace");
        assertThat(created.get("account").asText()).isEqualTo(sim.sellerAccountId());
        assertThat(created.get("region").asText()).isEqualTo("us-east-1");
        assertThat(created.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(created.at("/resources/0").asText())
                .isEqualTo("arn:aws:aws-marketplace::aws:agreement:" + sub.agreementId());
        assertThat(created.at("/detail/catalog").asText()).isEqualTo("AWSMarketplace");
        assertThat(created.at("/detail/agreement/id").asText()).isEqualTo(sub.agreementId()).startsWith("agmt-");
        assertThat(created.at("/detail/agreement/intent").asText()).isEqualTo("NEW");
        assertThat(created.at("/detail/agreement/status").asText()).isEqualTo("ACTIVE");
        assertThat(created.at("/detail/agreement/endTime").asText()).isEqualTo("9999-01-01T00:00:00Z");
        assertThat(created.at("/detail/acceptor/accountId").asText()).isEqualTo("666677778888");
        assertThat(created.at("/detail/proposer/accountId").asText()).isEqualTo(sim.sellerAccountId());
        assertThat(created.at("/detail/offer/id").asText()).isEqualTo(sub.offerId());
        assertThat(created.at("/detail/resaleAuthorization/id").isNull()).isTrue();

        JsonNode license = byKind(events, "detail-type", "License Updated - Manufacturer");
        assertThat(license.at("/detail/license/arn").asText()).isEqualTo(sub.licenseArn());
        assertThat(license.at("/detail/product/code").asText()).isEqualTo(product.code());
        assertThat(license.at("/detail/product/id").asText()).isEqualTo(product.productId()).startsWith("prod-");
        assertThat(license.at("/detail/agreement/id").asText()).isEqualTo(sub.agreementId());
        assertThat(license.at("/detail/acceptor/accountId").asText()).isEqualTo("666677778888");

        JsonNode ended = byKind(events, "detail-type", "Purchase Agreement Ended - Proposer");
        assertThat(keys(ended.get("detail").get("agreement"))).containsExactly("id", "status");
        assertThat(ended.at("/detail/agreement/status").asText()).isEqualTo("CANCELLED");

        JsonNode deprovisioned = byKind(events, "detail-type", "License Deprovisioned - Manufacturer");
        assertThat(deprovisioned.at("/detail/license/arn").asText()).isEqualTo(sub.licenseArn());
    }

    @Test
    void channelPartnerProduct_sendsTheManufacturerEvents_withTheResaleAuthorization_andThePartnerAsProposer()
            throws Exception {
        // GIVEN the catalog's product sold through a channel partner (every subscription a CPPO)
        startSimulator("1");
        Product product = sim.product("sbx-cppo-contract").orElseThrow();
        assertThat(product.channelPartnerAccountId()).isEqualTo("444455556666");

        // WHEN a buyer subscribes, is activated, and cancels
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("666677778888")
                .withQuantity("seats", 3));
        sim.activate(sub.subscriptionId());
        sim.cancel(sub.subscriptionId());
        sim.completeCancellation(sub.subscriptionId());

        // THEN the seller (the manufacturer) gets the Manufacturer variants, never the Proposer ones
        List<JsonNode> events = receive(eventQueue, 4);
        assertThat(events).extracting(e -> e.get("detail-type").asText()).containsExactlyInAnyOrder(
                "Purchase Agreement Created - Manufacturer", "License Updated - Manufacturer",
                "Purchase Agreement Ended - Manufacturer", "License Deprovisioned - Manufacturer");
        JsonNode created = byKind(events, "detail-type", "Purchase Agreement Created - Manufacturer");
        assertThat(created.get("account").asText()).isEqualTo(sim.sellerAccountId());
        assertThat(created.at("/detail/resaleAuthorization/id").asText()).matches("resaleauthz-[a-z0-9]{13}");
        assertThat(created.at("/detail/proposer/accountId").asText()).isEqualTo("444455556666");
        assertThat(created.at("/detail/acceptor/accountId").asText()).isEqualTo("666677778888");
        assertThat(created.at("/detail/agreement/intent").asText()).isEqualTo("NEW");
        JsonNode ended = byKind(events, "detail-type", "Purchase Agreement Ended - Manufacturer");
        assertThat(ended.at("/detail/resaleAuthorization/id").asText())
                .isEqualTo(created.at("/detail/resaleAuthorization/id").asText());
        assertThat(ended.at("/detail/agreement/status").asText()).isEqualTo("CANCELLED");
        assertThat(byKind(events, "detail-type", "License Updated - Manufacturer").at("/detail/proposer/accountId")
                .asText()).isEqualTo("444455556666");
    }

    @Test
    void undeliverableNotification_isLogged_andTheActionStillSucceeds() {
        String missing = sqs.createQueue(b -> b.queueName(SimulatorFixture.uniqueCode("gone"))).queueUrl();
        sqs.deleteQueue(b -> b.queueUrl(missing));
        sim = MarketplaceSimulator.builder().sqsClient(sqs).snsQueueUrl(missing).build().start();
        Product product = SimulatorFixture.addLegacySubscription(sim);

        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        assertThat(sim.subscription(sub.subscriptionId()).state())
                .isEqualTo(io.mpsaas.sandbox.marketplace.buyer.SubscriptionState.ACTIVE);
        assertThat(sim.notifications()).singleElement().satisfies(n -> {
            assertThat(n.delivered()).isFalse();
            assertThat(n.queueUrl()).isEqualTo(missing);
            assertThat(n.error()).contains("QueueDoesNotExist");
        });
    }

    @Test
    void heldProduct_logsSignedNotificationsWithoutSending_untilReleased() throws Exception {
        // GIVEN a simulator delivering to SQS, and one product whose notifications are held
        startSimulator("1");
        Product held = SimulatorFixture.addLegacySubscription(sim);
        Product other = SimulatorFixture.addLegacySubscription(sim);
        sim.holdNotifications(held.code());

        // WHEN buyers of both products subscribe
        SubscribeResult heldSub = sim.subscribe(SubscribeRequest.of(held.code()).activated());
        sim.subscribe(SubscribeRequest.of(other.code()).activated());

        // THEN only the other product's notification reaches SQS; the held one is logged, signed, not delivered
        JsonNode delivered = receive(snsQueue, 1).get(0);
        assertThat(delivered.get("TopicArn").asText()).endsWith(other.code());
        SentNotification logged = sim.notifications(held.code(), heldSub.subscriptionId(), Channel.SNS).get(0);
        assertThat(logged.delivered()).isFalse();
        assertThat(logged.error()).startsWith(NotificationPublisher.HELD);
        JsonNode envelope = json.readTree(logged.body());
        assertThat(verifies(envelope, certificate(envelope.get("SigningCertURL").asText()), "SHA1withRSA")).isTrue();

        // AND after release the product's next notification is delivered again
        sim.releaseNotifications(held.code());
        sim.cancel(heldSub.subscriptionId());
        assertThat(receive(snsQueue, 1).get(0).get("TopicArn").asText()).endsWith(held.code());
    }

    @Test
    void bothFormats_freeTrial_andFailedPayment() throws Exception {
        startSimulator("1");
        Product product = sim.addProduct(Product.builder(SimulatorFixture.uniqueCode("both"), PricingModel.SUBSCRIPTION)
                .metered("requests").freeTrial(true).notificationFormat(NotificationFormat.BOTH).build());
        SubscribeResult trial = sim.subscribe(SubscribeRequest.of(product.code()).withFreeTrial().activated());
        SubscribeResult failing = sim.subscribe(product.code());
        sim.failPayment(failing.subscriptionId());

        List<JsonNode> envelopes = receive(snsQueue, 2);
        JsonNode trialMessage = json.readTree(snsByAction(envelopes, "subscribe-success").get("Message").asText());
        assertThat(trialMessage.get("isFreeTrialTermPresent").asText()).isEqualTo("true");
        assertThat(trialMessage.get("customer-identifier").asText()).isEqualTo(trial.customerIdentifier());
        JsonNode fail = json.readTree(snsByAction(envelopes, "subscribe-fail").get("Message").asText());
        assertThat(fail.get("customer-identifier").asText()).isEqualTo(failing.customerIdentifier());

        // created+license for the trial, created+ended(TERMINATED) for the failure
        List<JsonNode> events = receive(eventQueue, 4);
        assertThat(events).filteredOn(e -> e.get("detail-type").asText().startsWith("Purchase Agreement Ended"))
                .singleElement()
                .satisfies(e -> assertThat(e.at("/detail/agreement/status").asText()).isEqualTo("TERMINATED"));

        // The log lists what was delivered, with the exact bodies.
        List<SentNotification> log = sim.notifications(product.code(), null, null);
        assertThat(log).hasSize(6).allMatch(SentNotification::delivered);
        assertThat(sim.notifications(product.code(), failing.subscriptionId(), Channel.SNS))
                .extracting(SentNotification::kind).containsExactly("subscribe-fail");
    }
}
