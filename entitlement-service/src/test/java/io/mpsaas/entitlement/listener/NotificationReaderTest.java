package io.mpsaas.entitlement.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.entitlement.domain.Channel;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.domain.Snapshot;
import io.mpsaas.entitlement.domain.Step;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.domain.SubscriptionStateMachine;
import io.mpsaas.sandbox.marketplace.notify.SnsSigning;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every golden fixture reads into the right notification; everything else is refused with a reason. */
class NotificationReaderTest {

    private static final String PRODUCT = "fx0legacy0contract0000001";
    private static final String CUSTOMER = "FxCust0001a";
    private static final String LICENSE = "arn:aws:license-manager::111122223333:license:l-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final List<String> MARKETPLACE_TOPICS = List.of(
            "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-*",
            "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-*");

    private final ObjectMapper json = SuiteJson.newMapper();
    private final SnsSigning signing = SnsSigning.sandbox();
    private final SnsSignatureVerifier verifier = new SnsSignatureVerifier(new SnsSignatureVerifier.Settings(
            List.of("http://127.0.0.1:8100/sns/"), List.of(URI.create("mem:root")), List.of(), false, List.of(),
            List.of("sns.amazonaws.com"), 5, 1), uri -> uri.toString().equals("mem:root") ? signing.rootCertificatePem()
                    : signing.leafCertificatePem(), Clock.systemUTC());

    private NotificationReader reader(boolean verify, boolean raw, List<String> ignoredProducts) {
        return new NotificationReader(json, verifier, new NotificationReader.Settings(verify, MARKETPLACE_TOPICS, raw,
                ignoredProducts));
    }

    private final NotificationReader reader = reader(true, false, List.of());

    private Notification read(String fixture) throws Exception {
        return reader.read(TestSupport.fixture(fixture), "sqs-1", Instant.EPOCH).notification();
    }

    @Test
    void snsSubscribeSuccess_readsLegacyIdentity_offer_trialFlag_andAwsTimestamp() throws Exception {
        Notification n = read("sns/marketplace/subscribe-success.json");

        assertThat(n).isInstanceOfSatisfying(Notification.SubscribeSuccess.class, s -> {
            assertThat(s.subscriber()).isEqualTo(Subscriber.legacy(PRODUCT, CUSTOMER));
            assertThat(s.offerId()).isEqualTo("offer-7gki3rdih8fa6");
            assertThat(s.freeTrial()).isFalse();
        });
        assertThat(n.meta().channel()).isEqualTo(Channel.SNS);
        assertThat(n.meta().messageId()).isEqualTo("a1b2c3d4-0001-5000-8000-000000000001");
        assertThat(n.meta().occurredAt()).isEqualTo(Instant.parse("2026-11-22T06:30:20.000Z"));
        assertThat(n.meta().dedupeKey()).isEqualTo("sns#a1b2c3d4-0001-5000-8000-000000000001");
    }

    @ParameterizedTest
    @CsvSource({
        "sns/marketplace/subscribe-success-free-trial-v2.json, SubscribeSuccess",
        "sns/marketplace/subscribe-fail.json, SubscribeFail",
        "sns/marketplace/unsubscribe-pending.json, UnsubscribePending",
        "sns/marketplace/unsubscribe-success.json, UnsubscribeSuccess",
        "sns/marketplace/entitlement-updated.json, EntitlementUpdated",
        "sns/marketplace/subscribe-success-pascal-case.json, SubscribeSuccess"})
    void everySnsAction_andTheSpellingsSeenInTheWild_read(String fixture, String kind) throws Exception {
        Notification n = read(fixture);

        assertThat(n.getClass().getSimpleName()).isEqualTo(kind);
        assertThat(n.kindName()).isEqualTo(kind);
        // the padded " FxCust0001a" of AWS's doc example is the same customer
        assertThat(n.accept(subscriberOf()).key()).isEqualTo("customer#" + PRODUCT + "#" + CUSTOMER);
    }

    @Test
    void freeTrialFlag_isTheString_true() throws Exception {
        assertThat(read("sns/marketplace/subscribe-success-free-trial-v2.json"))
                .isInstanceOfSatisfying(Notification.SubscribeSuccess.class, s -> assertThat(s.freeTrial()).isTrue());
    }

    @Test
    void concurrentAgreementsSnsShape_keysByLicense() throws Exception {
        Notification n = read("sns/marketplace/concurrent-agreements-subscribe-success.json");

        Subscriber s = n.accept(subscriberOf());
        assertThat(s.identityModel()).isEqualTo(IdentityModel.CONCURRENT_AGREEMENTS);
        assertThat(s.customerAwsAccountId()).isEqualTo("111122223333");
        assertThat(s.key()).isEqualTo("license#l-0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    }

    @ParameterizedTest
    @CsvSource({
        "purchase-agreement-created-proposer.json, AgreementCreated",
        "purchase-agreement-created-manufacturer.json, AgreementCreated",
        "purchase-agreement-amended-proposer.json, AgreementAmended",
        "purchase-agreement-amended-manufacturer.json, AgreementAmended",
        "purchase-agreement-ended-proposer.json, AgreementEnded",
        "purchase-agreement-ended-manufacturer.json, AgreementEnded",
        "purchase-agreement-ended-terminated-proposer.json, AgreementEnded",
        "license-updated-manufacturer.json, LicenseUpdated",
        "license-deprovisioned-manufacturer.json, LicenseDeprovisioned",
        "purchase-agreement-created-manufacturer-cppo.json, AgreementCreated",
        "license-updated-manufacturer-cppo.json, LicenseUpdated",
        "purchase-agreement-ended-manufacturer-cppo.json, AgreementEnded",
        "license-deprovisioned-manufacturer-cppo.json, LicenseDeprovisioned"})
    void everyEventBridgeDetailType_inBothVariants_reads(String fixture, String kind) throws Exception {
        Notification n = read("eventbridge/" + fixture);

        assertThat(n.getClass().getSimpleName()).isEqualTo(kind);
        assertThat(n.kindName()).isEqualTo(kind);
        assertThat(n.endedStatus()).isEqualTo(n instanceof Notification.AgreementEnded e ? e.status() : null);
        assertThat(n.meta().channel()).isEqualTo(Channel.EVENTBRIDGE);
        assertThat(n.meta().dedupeKey()).startsWith("eventbridge#0d1c2b3a-");
    }

    @Test
    void licenseUpdated_carriesAgreementLicenseProductAndAccount() throws Exception {
        Notification n = read("eventbridge/license-updated-manufacturer.json");

        assertThat(n).isInstanceOfSatisfying(Notification.LicenseUpdated.class, l -> {
            assertThat(l.agreement().id()).isEqualTo("agmt-7f3kq2m9x1c4v8b6n5z0a2s1d");
            assertThat(l.agreement().offerId()).isEqualTo("offer-7gki3rdih8fa6");
            assertThat(l.subscriber()).isEqualTo(Subscriber.license("fx0ca0contract0product0001", "111122223333",
                    LICENSE));
        });
        assertThat(n.meta().occurredAt()).isEqualTo(Instant.parse("2026-11-22T06:35:00Z"));
    }

    @Test
    void channelPartnerAgreement_asItsManufacturerGetsIt_readsAndWalksTheLifecycle() throws Exception {
        // GIVEN the events a seller (the manufacturer) receives for a CPPO: Manufacturer variants, a resale
        // authorization, the partner as proposer
        List<Notification> events = List.of(read("eventbridge/purchase-agreement-created-manufacturer-cppo.json"),
                read("eventbridge/license-updated-manufacturer-cppo.json"),
                read("eventbridge/purchase-agreement-ended-manufacturer-cppo.json"),
                read("eventbridge/license-deprovisioned-manufacturer-cppo.json"));

        // THEN each names the agreement and the buyer (not the partner): the customer is the buyer's license
        assertThat(events).allSatisfy(n -> assertThat(n.namedAgreement().id())
                .isEqualTo("agmt-3c9pq7w2r8t5y1u6i4o0e2a9b"));
        assertThat(events.get(1)).isInstanceOfSatisfying(Notification.LicenseUpdated.class, l -> {
            assertThat(l.agreement().acceptorAccountId()).isEqualTo("444433332222");
            assertThat(l.subscriber()).isEqualTo(Subscriber.license("fx0cppo0contract0product01", "444433332222",
                    "arn:aws:license-manager::444433332222:license:l-9a8b7c6d5e4f30211203f4e5d6c7b8a9"));
        });

        // WHEN they drive the state machine in AWS's order
        Snapshot state = Snapshot.NONE;
        List<SubscriptionState> states = new ArrayList<>();
        for (Notification n : events) {
            state = SubscriptionStateMachine
                    .apply(state, Step.of(n)).after();
            states.add(state.effectiveState());
        }

        // THEN created (nothing yet) -> license updated (active) -> ended (final hour) -> deprovisioned
        assertThat(states).containsExactly(SubscriptionState.PENDING,
                SubscriptionState.ACTIVE,
                SubscriptionState.UNSUBSCRIBE_PENDING,
                SubscriptionState.DEPROVISIONED);
    }

    @Test
    void licenseArnWithoutTheArnPrefix_ofAwsDocExample_isTheSameCustomer() throws Exception {
        Notification doc = read("eventbridge/license-updated-manufacturer-doc-arn.json");
        Notification full = read("eventbridge/license-updated-manufacturer.json");

        assertThat(doc.accept(subscriberOf()).key()).isEqualTo(full.accept(subscriberOf()).key());
    }

    @Test
    void agreementEnded_keepsItsStatus() throws Exception {
        assertThat(read("eventbridge/purchase-agreement-ended-terminated-proposer.json"))
                .isInstanceOfSatisfying(Notification.AgreementEnded.class,
                        e -> assertThat(e.status()).isEqualTo("TERMINATED"));
    }

    @Test
    void rawDelivery_isRefusedByDefault_andReadWhenAllowed() throws Exception {
        String raw = TestSupport.fixture("sns/raw/subscribe-success.json");

        assertThatThrownBy(() -> reader.read(raw, "sqs-1", Instant.EPOCH))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("raw");
        Notification n = reader(true, true, List.of()).read(raw, "sqs-7", Instant.parse("2026-01-01T00:00:00Z"))
                .notification();
        assertThat(n).isInstanceOf(Notification.SubscribeSuccess.class);
        assertThat(n.meta().channel()).isEqualTo(Channel.SNS_RAW);
        assertThat(n.meta().messageId()).isEqualTo("sqs-7");
        assertThat(n.meta().occurredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void unsignedEnvelopeWithAnObjectMessage_isRefused_unlessVerificationIsOff() throws Exception {
        String unsigned = TestSupport.fixture("sns/marketplace/entitlement-updated-message-object-unsigned.json");
        ObjectNode withTopic = (ObjectNode) json.readTree(unsigned);
        withTopic.put("TopicArn", "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-" + PRODUCT);
        withTopic.put("MessageId", "m-1");
        withTopic.put("Timestamp", "2026-11-22T06:30:20.000Z");

        assertThatThrownBy(() -> reader.read(withTopic.toString(), "sqs-1", Instant.EPOCH))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("not a string");
        assertThat(reader(false, false, List.of()).read(withTopic.toString(), "sqs-1", Instant.EPOCH).notification())
                .isInstanceOf(Notification.EntitlementUpdated.class);
    }

    @Test
    void ignoredProducts_andIrrelevantDetailTypes_areAcknowledgedWithoutEffect() throws Exception {
        ReadResult ignoredProduct = reader(true, false, List.of("fx0ca0contract0product0001"))
                .read(TestSupport.fixture("eventbridge/license-updated-manufacturer.json"), "sqs-1", Instant.EPOCH);
        ObjectNode ending = (ObjectNode) json.readTree(TestSupport.fixture(
                "eventbridge/purchase-agreement-created-proposer.json"));
        ending.put("detail-type", "Purchase Agreement Ending - Proposer");

        assertThat(ignoredProduct.notification()).isNull();
        assertThat(ignoredProduct.ignoredBecause()).contains("ignored-product-codes");
        assertThat(reader.read(ending.toString(), "sqs-1", Instant.EPOCH).ignoredBecause()).isNotNull();
    }

    @Test
    void everyHandledDetailType_readsIntoANotification_fromEitherSide() throws Exception {
        // GIVEN an agreement event and a license event of the golden fixtures
        ObjectNode agreement = (ObjectNode) json.readTree(TestSupport.fixture(
                "eventbridge/purchase-agreement-created-proposer.json"));
        ObjectNode license = (ObjectNode) json.readTree(TestSupport.fixture(
                "eventbridge/license-updated-manufacturer.json"));

        for (String type : NotificationReader.HANDLED_DETAIL_TYPES) {
            for (String side : List.of(" - Manufacturer", " - Proposer")) {
                // WHEN the event carries that detail-type (what deploy/aws/mpsaas.yaml's EventBridge rule lets through)
                ObjectNode event = (type.startsWith("License") ? license : agreement).deepCopy();
                event.put("detail-type", type + side);
                ReadResult result = reader.read(event.toString(), "sqs-1", Instant.EPOCH);

                // THEN it is a notification the service acts on, never ignored
                assertThat(result.notification()).as(type + side).isNotNull();
                assertThat(result.ignoredBecause()).as(type + side).isNull();
            }
        }
        assertThat(NotificationReader.HANDLED_DETAIL_TYPES).doesNotContainAnyElementsOf(
                NotificationReader.IGNORED_DETAIL_TYPES);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{not json|malformed JSON",
        "[1,2]|not a JSON object",
        "{\"hello\":\"world\"}|neither an SNS envelope",
        "{\"Type\":\"SubscriptionConfirmation\",\"TopicArn\":\"x\"}|SubscriptionConfirmation",
        "{\"source\":\"aws.marketplacecatalog\",\"detail-type\":\"Offer Released\",\"id\":\"1\"}|unknown source",
        "{\"source\":\"aws.agreement-marketplace\",\"detail-type\":\"Something New - Proposer\",\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"detail\":{\"agreement\":{\"id\":\"agmt-1\"}}}|unknown EventBridge detail-type",
        "{\"source\":\"aws.agreement-marketplace\",\"detail-type\":\"License Updated - Manufacturer\",\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"detail\":{\"agreement\":{\"id\":\"agmt-1\"}}}|without product.code or license.arn",
        "{\"source\":\"aws.agreement-marketplace\",\"detail-type\":\"Purchase Agreement Ended - Proposer\",\"id\":\"1\",\"time\":\"yesterday\",\"detail\":{\"agreement\":{\"id\":\"agmt-1\"}}}|not an ISO-8601 instant",
        "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-east-1:999999999999:my-topic\",\"Message\":\"{}\"}|topic not allowed"})
    void unreadableOrUnknownMessages_areRefusedWithAReason(String body, String reason) {
        assertThatThrownBy(() -> reader.read(body, "sqs-1", Instant.EPOCH))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining(reason);
    }

    @Test
    void unknownAction_productMismatch_andMissingCustomer_areRefused() throws Exception {
        NotificationReader unsigned = reader(false, true, List.of());
        String topic = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-" + PRODUCT;

        assertThatThrownBy(() -> unsigned.read(envelope(topic, Map.of("action", "subscribe-maybe",
                "customer-identifier", CUSTOMER, "product-code", PRODUCT)), "sqs-1", Instant.EPOCH))
                .hasMessageContaining("unknown Marketplace action");
        assertThatThrownBy(() -> unsigned.read(envelope(topic, Map.of("action", "subscribe-success",
                "customer-identifier", CUSTOMER, "product-code", "another-product")), "sqs-1", Instant.EPOCH))
                .hasMessageContaining("does not match the topic");
        assertThatThrownBy(() -> unsigned.read(envelope(topic, Map.of("action", "subscribe-success",
                "product-code", PRODUCT)), "sqs-1", Instant.EPOCH))
                .hasMessageContaining("without customer-identifier or license-arn");
    }

    private String envelope(String topic, Map<String, String> message) throws Exception {
        ObjectNode e = json.createObjectNode();
        e.put("Type", "Notification");
        e.put("MessageId", "m-2");
        e.put("TopicArn", topic);
        e.put("Timestamp", "2026-11-22T06:30:20.000Z");
        e.put("Message", json.writeValueAsString(message));
        return e.toString();
    }

    // issue 18, forged facts: times, accounts and regions a sender to the queue could forge

    private static final NotificationReader.Trust DEFAULT_TRUST = new NotificationReader.Trust(
            java.time.Duration.ofHours(1), java.time.Duration.ofMinutes(5), List.of(), List.of("us-east-1"));

    private NotificationReader trusting(NotificationReader.Trust trust) {
        return new NotificationReader(json, verifier, new NotificationReader.Settings(true, MARKETPLACE_TOPICS, false,
                List.of(), trust));
    }

    /** A Marketplace envelope signed with the sandbox key (which this reader trusts), sent at {@code timestamp}. */
    private String signed(String timestamp) throws Exception {
        String topic = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-" + PRODUCT;
        String text = json.writeValueAsString(Map.of("action", "subscribe-success", "customer-identifier", CUSTOMER,
                "product-code", PRODUCT));
        ObjectNode e = json.createObjectNode();
        e.put("Type", "Notification");
        e.put("MessageId", "m-replayed");
        e.put("TopicArn", topic);
        e.put("Message", text);
        e.put("Timestamp", timestamp);
        e.put("SignatureVersion", "2");
        e.put("Signature", signing.sign(SnsSigning.stringToSign(text, "m-replayed", null, timestamp, topic), "2"));
        e.put("SigningCertURL", "http://127.0.0.1:8100/sns/SimpleNotificationService-sandbox.pem");
        return e.toString();
    }

    @Test
    void aGenuineEnvelope_replayedLongAfterAwsSentIt_isRefusedAsAPossibleReplay() throws Exception {
        // GIVEN an envelope AWS really signed on 2026-11-22 at 06:30
        String envelope = signed("2026-11-22T06:30:20.000Z");
        NotificationReader reader = trusting(DEFAULT_TRUST);

        // WHEN it reaches the queue within the hour, it is read
        assertThat(reader.read(envelope, "sqs-1", Instant.parse("2026-11-22T07:25:00Z")).notification())
                .isInstanceOf(Notification.SubscribeSuccess.class);
        // WHEN it is sent again 16 days later (the inbox keeps ids 15 days), it is refused with its reason
        assertThatThrownBy(() -> reader.read(envelope, "sqs-2", Instant.parse("2026-12-08T06:30:20Z")))
                .isInstanceOf(UnprocessableMessageException.class)
                .hasMessageContaining("older than the message's arrival in the queue")
                .hasMessageContaining("possible replay")
                .satisfies(e -> assertThat(ParkReasons.of(e.getMessage()))
                        .isEqualTo(io.mpsaas.entitlement.service.EntitlementMetrics.ParkReason.UNTRUSTED_SOURCE));
        // AND one dated after its arrival beyond the allowed skew is refused too
        assertThatThrownBy(() -> reader.read(signed("2026-11-22T08:00:00.000Z"), "sqs-3",
                Instant.parse("2026-11-22T07:50:00Z")))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("is in the future");
        assertThat(reader.read(signed("2026-11-22T07:54:00.000Z"), "sqs-4", Instant.parse("2026-11-22T07:50:00Z"))
                .notification()).isNotNull();
    }

    @Test
    void anEventBridgeEventDatedInTheFuture_isRefused_withinTheSkewItIsRead() throws Exception {
        // GIVEN a License Updated event dated 2026-11-22T06:35:00Z
        String event = TestSupport.fixture("eventbridge/license-updated-manufacturer.json");
        NotificationReader reader = trusting(DEFAULT_TRUST);

        // WHEN it arrives hours before its date (a forged far-future time would freeze the customer's state)
        assertThatThrownBy(() -> reader.read(event, "sqs-1", Instant.parse("2026-11-22T00:00:00Z")))
                .isInstanceOf(UnprocessableMessageException.class)
                .hasMessageContaining("EventBridge time 2026-11-22T06:35:00Z is in the future")
                .hasMessageContaining("suite.entitlement.max-clock-skew");
        // THEN within the skew (clocks differ a little) and any time after, it is read
        assertThat(reader.read(event, "sqs-2", Instant.parse("2026-11-22T06:31:00Z")).notification()).isNotNull();
        assertThat(reader.read(event, "sqs-3", Instant.parse("2027-11-22T06:35:00Z")).notification()).isNotNull();
    }

    @Test
    void eventBridgeAccountAndRegion_areCheckedAgainstTheConfiguration() throws Exception {
        String event = TestSupport.fixture("eventbridge/license-updated-manufacturer.json");
        Instant arrived = Instant.parse("2026-11-22T06:35:01Z");
        ObjectNode otherRegion = (ObjectNode) json.readTree(event);
        otherRegion.put("region", "eu-west-1");
        ObjectNode noAccount = (ObjectNode) json.readTree(event);
        noAccount.remove("account");
        ObjectNode badAccount = (ObjectNode) json.readTree(event);
        badAccount.put("account", "12345678901\n2");

        // GIVEN the defaults (any 12-digit account, us-east-1): the fixture (seller account 123456789012) reads
        assertThat(trusting(DEFAULT_TRUST).read(event, "sqs-1", arrived).notification()).isNotNull();
        // AND another region, no account or a malformed one is refused with its reason
        assertThatThrownBy(() -> trusting(DEFAULT_TRUST).read(otherRegion.toString(), "sqs-2", arrived))
                .hasMessageContaining("region eu-west-1, not an expected one");
        assertThatThrownBy(() -> trusting(DEFAULT_TRUST).read(noAccount.toString(), "sqs-3", arrived))
                .hasMessageContaining("not an expected one (suite.entitlement.eventbridge.accounts)");
        assertThatThrownBy(() -> trusting(DEFAULT_TRUST).read(badAccount.toString(), "sqs-4", arrived))
                .hasMessageContaining("not an expected one (suite.entitlement.eventbridge.accounts)");
        // WHEN the seller names its account, an event of another account is refused
        NotificationReader.Trust seller = new NotificationReader.Trust(java.time.Duration.ofHours(1),
                java.time.Duration.ofMinutes(5), List.of("999999999999"), List.of("us-east-1"));
        assertThatThrownBy(() -> trusting(seller).read(event, "sqs-5", arrived))
                .isInstanceOf(UnprocessableMessageException.class)
                .hasMessageContaining("account 123456789012, not an expected one");
    }

    @Test
    void topicPatterns_areGlobs() {
        assertThat(NotificationReader.glob("arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-*")
                .matcher("arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-abc").matches()).isTrue();
        assertThat(NotificationReader.glob("arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-*")
                .matcher("arn:aws:sns:us-east-1:111111111111:aws-mp-subscription-notification-abc").matches())
                .isFalse();
        assertThat(NotificationReader.glob("a.b").matcher("axb").matches()).isFalse();
    }

    private static Notification.Cases<Subscriber> subscriberOf() {
        return new Notification.Cases<>() {
            public Subscriber subscribeSuccess(Notification.SubscribeSuccess n) {
                return n.subscriber();
            }

            public Subscriber subscribeFail(Notification.SubscribeFail n) {
                return n.subscriber();
            }

            public Subscriber unsubscribePending(Notification.UnsubscribePending n) {
                return n.subscriber();
            }

            public Subscriber unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
                return n.subscriber();
            }

            public Subscriber entitlementUpdated(Notification.EntitlementUpdated n) {
                return n.subscriber();
            }

            public Subscriber agreementCreated(Notification.AgreementCreated n) {
                return null;
            }

            public Subscriber agreementAmended(Notification.AgreementAmended n) {
                return null;
            }

            public Subscriber agreementEnded(Notification.AgreementEnded n) {
                return null;
            }

            public Subscriber licenseUpdated(Notification.LicenseUpdated n) {
                return n.subscriber();
            }

            public Subscriber licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
                return n.subscriber();
            }
        };
    }
}
