package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.BatchWrites;
import io.mpsaas.common.messaging.CustomerEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.webhook.WebhookDeliveries;
import io.mpsaas.common.webhook.WebhookDelivery;
import io.mpsaas.common.webhook.WebhookDispatcher;
import io.mpsaas.common.webhook.WebhookSignature;
import io.mpsaas.common.webhook.WebhooksConfig;
import io.mpsaas.entitlement.WebhookReceiverResource.Received;
import io.mpsaas.entitlement.persistence.CommitOutcome;
import io.mpsaas.entitlement.persistence.InboxEntry;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Webhooks end to end inside entitlement-service: real notifications from the simulator, DynamoDB Local, the
 * dispatcher's loop and a real HTTP receiver ({@link WebhookReceiverResource}).
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = WebhookReceiverResource.class, restrictToAnnotatedClass = true)
class WebhookDeliveryTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    WebhookDeliveries deliveries;

    @Inject
    ObjectMapper mapper;

    @Inject
    MeterRegistry registry;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TablesConfig tables;

    @Inject
    WebhooksConfig config;

    @Inject
    SubscriptionStore store;

    @Inject
    WebhookDispatcher dispatcher;

    @Test
    void everyEvent_isPostedSigned_withTheQueuesEventId_toTheEndpointsOfItsProduct() throws Exception {
        // GIVEN a buyer who subscribes and is activated
        String key = activatedCustomer();

        // THEN the receiver got customer-activated (and the entitlements), signed with both secrets (a rotation)
        List<Received> got = eventually().until(() -> receivedFor(key, "/hooks"), l -> l.size() >= 2);
        List<String> queueIds = eventually().until(() -> customerEvents(sandbox).forCustomer(key).stream()
                .map(e -> e.path("eventId").asText()).toList(), l -> l.size() >= 2);
        for (Received r : got) {
            JsonNode body = mapper.readTree(r.body());
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header(WebhookSignature.ID)).isEqualTo(body.path("id").asText());
            assertThat(body.path("type").asText()).isEqualTo(body.path("data").path("type").asText());
            assertThat(Instant.parse(body.path("occurredAt").asText())).isNotNull();
            assertThat(body.path("data").path("customer").path("customerKey").asText()).isEqualTo(key);
            assertThat(queueIds).contains(body.path("id").asText());
            String signatures = r.header(WebhookSignature.SIGNATURE);
            assertThat(signatures.split(" ")).hasSize(2);
            for (String secret : List.of(WebhookReceiverResource.SECRET, WebhookReceiverResource.OLD_SECRET)) {
                assertThat(WebhookSignature.verify(r.header(WebhookSignature.TIMESTAMP), signatures, r.body(),
                        List.of(secret), Duration.ofMinutes(5), Instant.now()))
                        .isEqualTo(WebhookSignature.Verdict.VALID);
            }
        }
        assertThat(got).extracting(r -> mapper.readTree(r.body()).path("type").asText())
                .contains(CustomerEvent.CUSTOMER_ACTIVATED);
        // each event once (a 2xx is final), and nothing to the endpoint of another product
        assertThat(got).extracting(r -> r.header(WebhookSignature.ID)).doesNotHaveDuplicates();
        assertThat(receivedFor(key, "/other")).isEmpty();
    }

    @Test
    void aResentEvent_writesNoSecondDelivery() {
        // GIVEN an activated customer whose deliveries are done
        String key = activatedCustomer();
        List<Received> got = eventually().until(() -> receivedFor(key, "/hooks"), l -> l.size() >= 2);
        JsonNode event = customerEvents(sandbox).forCustomer(key).get(0);
        CustomerEvent sent = mapper.convertValue(event, CustomerEvent.class);

        // WHEN the same event is sent again (an outbox re-send after a crash: same eventId)
        List<WebhookDelivery> written = deliveries.record(List.of(sent), Instant.now());
        List<WebhookDelivery> writtenClaimed = deliveries.recordClaimed(List.of(sent), Instant.now());

        // THEN no delivery is written (leased or not), and the receiver gets nothing more
        assertThat(written).isEmpty();
        assertThat(writtenClaimed).isEmpty();
        assertThat(deliveries.find("test", sent.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED);
        assertThat(receivedFor(key, "/hooks")).hasSameSizeAs(got);
    }

    @Test
    void failedAnswers_areRetriedWithBackoff_untilA2xx_sameIdAndBody() {
        // GIVEN a receiver that answers 503, then 500, then 200 for this customer
        String code = TestSupport.uniqueCode("ent-webhook-retry");
        Product product = product(code);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        WebhookReceiverResource.answer(key, 503, 500, 200);
        double failedBefore = count("mpsaas.webhooks.failed.attempts");

        // WHEN the customer is activated
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN the first event is delivered on the third attempt, the same id and body each time
        List<Received> got = eventually().until(() -> receivedFor(key, "/hooks"),
                l -> l.stream().filter(r -> r.answered() == 200).count() >= 2);
        String id = got.get(0).header(WebhookSignature.ID);
        List<Received> first = got.stream().filter(r -> r.header(WebhookSignature.ID).equals(id)).toList();
        assertThat(first).extracting(Received::answered).containsExactly(503, 500, 200);
        assertThat(first).extracting(Received::body).containsOnly(first.get(0).body());
        eventually().untilAsserted(() -> {
            WebhookDelivery d = deliveries.find("test", id).orElseThrow();
            assertThat(d.status()).isEqualTo(WebhookDelivery.Status.DELIVERED);
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.lastStatus()).isEqualTo(200);
        });
        assertThat(count("mpsaas.webhooks.failed.attempts")).isGreaterThanOrEqualTo(failedBefore + 2);
    }

    @Test
    void afterTheBudget_aDeliveryIsParked_listedToOperators_andReplayed() {
        // GIVEN a receiver that redirects every delivery of this customer (a redirect is never followed)
        String code = TestSupport.uniqueCode("ent-webhook-park");
        Product product = product(code);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        WebhookReceiverResource.answer(key, 302);
        double parkedBefore = count("mpsaas.webhooks.parked");

        // WHEN the customer is activated and the 4-second retry budget runs out
        sandbox.simulator().activate(sub.subscriptionId());
        String id = eventually().until(() -> receivedFor(key, "/hooks"), l -> !l.isEmpty()).get(0)
                .header(WebhookSignature.ID);

        // THEN the delivery is parked with its last status, counted, and listed by the admin API
        eventually().untilAsserted(() -> {
            WebhookDelivery d = deliveries.find("test", id).orElseThrow();
            assertThat(d.status()).isEqualTo(WebhookDelivery.Status.PARKED);
            assertThat(d.lastStatus()).isEqualTo(302);
            assertThat(d.attempts()).isGreaterThan(1);
        });
        assertThat(count("mpsaas.webhooks.parked")).isGreaterThan(parkedBefore);
        assertThat(receivedFor(key, "/redirected")).isEmpty();
        given().header("Authorization", "Bearer test-admin-key").get("/api/v1/admin/webhooks/parked")
                .then().statusCode(200).body("deliveries.findAll { it.eventId == '" + id + "' }[0].lastError",
                        equalTo("HTTP 302"));
        // an app key may not see them
        given().header("Authorization", "Bearer test-app-key").get("/api/v1/admin/webhooks/parked")
                .then().statusCode(403);

        // WHEN the receiver is fixed and the operator replays the delivery
        WebhookReceiverResource.answer(key, 200);
        given().header("Authorization", "Bearer test-admin-key")
                .post("/api/v1/admin/webhooks/parked/test/{id}/replay", id)
                .then().statusCode(200).body("deliveries[0].status", equalTo("PENDING"));

        // THEN it is delivered, and a second replay finds nothing parked (problem+json 404)
        eventually().untilAsserted(() -> assertThat(deliveries.find("test", id).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED));
        assertThat(receivedFor(key, "/hooks")).filteredOn(r -> r.header(WebhookSignature.ID).equals(id))
                .extracting(Received::answered).endsWith(200);
        given().header("Authorization", "Bearer test-admin-key")
                .post("/api/v1/admin/webhooks/parked/test/{id}/replay", id)
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aClaimIsLeased_aCrashedSendersDeliveryIsTakenOverAfterItsLease_andItsLate2xxStillWins() {
        // GIVEN a delivery due a day from now (the running dispatcher leaves it alone), to endpoint "other"
        Instant due = Instant.now().plus(Duration.ofDays(1));
        String eventId = java.util.UUID.randomUUID().toString();
        CustomerEvent event = new CustomerEvent(CustomerEvent.CUSTOMER_ACTIVATED, eventId, due,
                new io.mpsaas.common.messaging.CustomerIds("customer#no-such-product#c1",
                        io.mpsaas.common.customer.IdentityModel.LEGACY, "no-such-product", "c1", null, null, null),
                SubscriptionState.ACTIVE, java.util.Map.of());
        // (one delivery to "other", one to "test", which takes every product)
        assertThat(deliveries.record(List.of(event), due)).hasSize(2);

        // WHEN sender A claims it, and is killed before recording an outcome
        WebhookDelivery a = mine(claimDue(due), eventId);
        assertThat(a).isNotNull();

        // THEN nobody else gets it while A's lease (1 minute) runs
        assertThat(mine(claimDue(due.plusSeconds(30)), eventId)).isNull();
        // AND once it has run out, sender C takes it over
        WebhookDelivery c = mine(claimDue(due.plus(Duration.ofMinutes(1)).plusSeconds(1)), eventId);
        assertThat(c).isNotNull();
        // AND A's late 2xx is recorded all the same (final and true, whoever holds the lease): delivered, C's lease gone
        assertThat(deliveries.delivered(List.of(new WebhookDeliveries.Delivered(a, 200, due.plusSeconds(70)))))
                .isEmpty();
        WebhookDelivery delivered = deliveries.find("other", eventId).orElseThrow();
        assertThat(delivered.status()).isEqualTo(WebhookDelivery.Status.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(1);
        assertThat(delivered.claim()).isNull();
        assertThat(delivered.indexKey()).isNull();
        // AND C's own outcome, a failed attempt (conditional on its lease), is refused as lease lost: still delivered
        assertThat(deliveries.failed(c, 503, "HTTP 503", Duration.ofSeconds(10), due.plusSeconds(71))).isEmpty();
        assertThat(deliveries.find("other", eventId).orElseThrow()).isEqualTo(delivered);
        assertThat(deliveries.find("test", eventId)).as("endpoint test takes every product").isPresent();
    }

    @Test
    void aDeliveryWrittenClaimed_isPostedByItsWritersDispatcher_withoutAPoll_inTwoWrites() {
        // GIVEN a replica whose DynamoDB calls are counted and whose dispatcher never polls
        Counted dynamo = new Counted(this.dynamo);
        WebhookDeliveries counted = new WebhookDeliveries(dynamo.client, tables, config, mapper);
        WebhookDispatcher replica = new WebhookDispatcher(counted, config, Clock.systemUTC(),
                new SimpleMeterRegistry());
        String key = "customer#ent-webhook-handoff#" + UUID.randomUUID();
        CustomerEvent event = event(key, "no-such-product", Instant.now());

        // WHEN it writes the event's deliveries (to "other" and to "test") and hands them to its dispatcher
        List<WebhookDelivery> written = counted.recordClaimed(List.of(event), Instant.now());
        replica.sendNow(written);

        // THEN both were written leased to it, and each is POSTed once and delivered
        assertThat(written).hasSize(2).allSatisfy(d -> assertThat(d.claim()).isNotNull());
        eventually().untilAsserted(() -> {
            assertThat(deliveries.find("other", event.eventId()).orElseThrow().status())
                    .isEqualTo(WebhookDelivery.Status.DELIVERED);
            assertThat(deliveries.find("test", event.eventId()).orElseThrow().status())
                    .isEqualTo(WebhookDelivery.Status.DELIVERED);
        });
        assertThat(receivedFor(key, "/other")).hasSize(1);
        assertThat(receivedFor(key, "/hooks")).hasSize(1);
        // AND each took two writes, the put and the outcome (the two outcomes in one or two BatchWriteItems): no
        // claim, no poll's query
        assertThat(dynamo.calls("putItem")).isEqualTo(2);
        assertThat(dynamo.calls("batchWriteItem")).isBetween(1, 2);
        assertThat(dynamo.calls("updateItem")).isZero();
        assertThat(dynamo.calls("query")).isZero();
    }

    @Test
    void theCommitOfTheEvents_writesTheirDeliveriesLeased_andACancelledCommitWritesNone() {
        // GIVEN a message's commit carrying the webhook deliveries of the event it decided (the transactional outbox)
        String key = "customer#ent-webhook-outbox#" + UUID.randomUUID();
        String dedupe = "test#outbox#" + UUID.randomUUID();
        Instant now = Instant.now();
        CustomerEvent first = event(key, "no-such-product", now);
        List<WebhookDeliveries.Leased> leased = deliveries.leased(List.of(first), now);
        assertThat(leased).hasSize(2);
        assertThat(deliveries.find("test", first.eventId())).as("nothing is written before the commit").isEmpty();

        // WHEN the commit is written
        assertThat(store.commit(commitOf(dedupe, now, leased))).isEqualTo(CommitOutcome.COMMITTED);

        // THEN its deliveries exist, leased to this replica until the lease's end (no poll takes them meanwhile)
        for (WebhookDeliveries.Leased d : leased) {
            WebhookDelivery stored = deliveries.find(d.delivery().endpoint(), first.eventId()).orElseThrow();
            assertThat(stored.status()).isEqualTo(WebhookDelivery.Status.PENDING);
            assertThat(stored.claim()).isEqualTo(d.delivery().claim()).isNotNull();
            assertThat(stored.attempts()).isZero();
        }
        assertThat(mine(claimDue(now.plusSeconds(1)), first.eventId())).isNull();

        // AND a second commit of the same message (a redelivery racing the first) is cancelled with its deliveries
        CustomerEvent second = event(key, "no-such-product", now);
        assertThat(store.commit(commitOf(dedupe, now, deliveries.leased(List.of(second), now))))
                .isEqualTo(CommitOutcome.DUPLICATE);
        assertThat(deliveries.find("test", second.eventId())).isEmpty();
        assertThat(deliveries.find("other", second.eventId())).isEmpty();

        // AND the committed ones, handed to the dispatcher, are POSTed once each and delivered
        dispatcher.sendNow(leased.stream().map(WebhookDeliveries.Leased::delivery).toList());
        eventually().untilAsserted(() -> assertThat(List.of("test", "other")).allSatisfy(endpoint -> assertThat(
                deliveries.find(endpoint, first.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED)));
        assertThat(receivedFor(key, "/hooks")).hasSize(1);
        assertThat(receivedFor(key, "/other")).hasSize(1);
    }

    @Test
    void aNotificationsCommit_writesItsEventsDeliveries_asItsInboxEntryIsWritten() {
        // GIVEN a customer activated by a real notification
        String key = activatedCustomer();

        // THEN its activation's delivery was written by the commit that decided the event: created at the very
        // instant of the message's inbox entry (a put after the commit would be later)
        String eventId = eventually().until(() -> customerEvents(sandbox).forCustomer(key).stream()
                .filter(e -> e.path("type").asText().equals(CustomerEvent.CUSTOMER_ACTIVATED))
                .map(e -> e.path("eventId").asText()).findFirst(), Optional::isPresent).orElseThrow();
        WebhookDelivery delivery = eventually().until(() -> deliveries.find("test", eventId), Optional::isPresent)
                .orElseThrow();
        assertThat(store.history(key, 50).stream().map(e -> e.receivedAt().truncatedTo(ChronoUnit.MILLIS)))
                .contains(delivery.createdAt());
    }

    @Test
    void the2xxOutcomesOfDeliveriesSentTogether_areWrittenInFewerBatchWritesThanDeliveries() {
        // GIVEN a replica with 20 senders whose DynamoDB calls are counted, its first outcome write held until the
        // receiver has got all 20 POSTs (so that other 2xx outcomes wait meanwhile)
        Counted dynamo = new Counted(this.dynamo);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        dynamo.before = method -> {
            if (method.equals("batchWriteItem") && first.getAndSet(false)) {
                await(gate);
            }
        };
        Replica replica = replica(dynamo, Map.of("senders", 20));
        String key = "customer#ent-webhook-together#" + UUID.randomUUID();
        List<WebhookDelivery> written = replica.writtenClaimed(key, 20);
        assertThat(written).hasSize(20).extracting(WebhookDelivery::endpoint).containsOnly("test");

        // WHEN they are handed over together
        replica.dispatcher().sendNow(written);
        eventually().until(() -> receivedFor(key, "/hooks"), l -> l.size() == 20);
        gate.countDown();

        // THEN each is delivered, its whole item put: the attempt counted, kept for the retention, off the index
        eventually().untilAsserted(() -> assertThat(written).allSatisfy(d -> assertThat(
                deliveries.find("test", d.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED)));
        for (WebhookDelivery d : written) {
            Map<String, AttributeValue> item = this.dynamo.getItem(r -> r.tableName(tables.customers())
                    .key(Map.of("pk", AttributeValue.fromS("webhook#test#" + d.eventId()),
                            "sk", AttributeValue.fromS("DELIVERY"))).consistentRead(true)).item();
            WebhookDelivery stored = deliveries.find("test", d.eventId()).orElseThrow();
            assertThat(stored.attempts()).isEqualTo(1);
            assertThat(stored.lastStatus()).isEqualTo(200);
            assertThat(stored).extracting(WebhookDelivery::type, WebhookDelivery::customerKey,
                    WebhookDelivery::productCode, WebhookDelivery::body, WebhookDelivery::createdAt,
                    WebhookDelivery::retryFrom).containsExactly(d.type(), d.customerKey(), d.productCode(), d.body(),
                            d.createdAt(), d.retryFrom());
            assertThat(Long.parseLong(item.get("expiresAt").n()))
                    .isEqualTo(stored.deliveredAt().plus(config.retention()).getEpochSecond());
            assertThat(item).doesNotContainKeys("gsi1pk", "gsi1sk", "leaseOwner", "leaseUntil", "nextAttemptAt",
                    "lastError");
        }
        // AND their outcomes took fewer BatchWriteItems than deliveries, no UpdateItem; each counted once
        assertThat(dynamo.calls("batchWriteItem")).isLessThan(20);
        assertThat(dynamo.calls("updateItem")).isZero();
        assertThat(receivedFor(key, "/hooks")).hasSize(20);
        assertThat(replica.delivered()).isEqualTo(20);
    }

    @Test
    void anOutcomeWhoseWriteFails_leavesTheDeliveryClaimed_dueAgainAtItsLeasesEnd() {
        // GIVEN a replica with one sender, whose outcome writes of its first delivery DynamoDB leaves unprocessed
        // every time (throttled)
        Counted dynamo = new Counted(this.dynamo);
        Replica replica = replica(dynamo, Map.of("senders", 1));
        String key = "customer#ent-webhook-unwritten#" + UUID.randomUUID();
        List<WebhookDelivery> written = replica.writtenClaimed(key, 2);
        WebhookDelivery failing = written.get(0);
        WebhookDelivery next = written.get(1);
        AtomicInteger refused = new AtomicInteger();
        dynamo.answer = (method, args) -> {
            if (method.equals("batchWriteItem") && args[0] instanceof BatchWriteItemRequest r
                    && r.requestItems().get(tables.customers()).stream().anyMatch(w -> w.putRequest().item()
                            .get("pk").s().equals("webhook#test#" + failing.eventId()))) {
                refused.incrementAndGet();
                return BatchWriteItemResponse.builder().unprocessedItems(r.requestItems()).build();
            }
            return null;
        };

        // WHEN both are handed over: the one sender POSTs the first, fails to record it, then POSTs the second
        replica.dispatcher().sendNow(written);
        eventually().untilAsserted(() -> assertThat(deliveries.find("test", next.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED));

        // THEN the first was POSTed once and its write tried again (with backoff) until given up
        assertThat(receivedFor(key, "/hooks")).extracting(r -> r.header(WebhookSignature.ID))
                .containsExactlyInAnyOrder(failing.eventId(), next.eventId());
        assertThat(refused.get()).isEqualTo(BatchWrites.ROUNDS);
        // AND it is still claimed by the replica, unrecorded, due again at its lease's end (not before)
        WebhookDelivery stored = deliveries.find("test", failing.eventId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(WebhookDelivery.Status.PENDING);
        assertThat(stored.claim()).isEqualTo(failing.claim());
        assertThat(stored.indexKey()).isEqualTo(failing.indexKey());
        assertThat(stored.attempts()).isZero();
        Instant leaseEnd = Instant.ofEpochMilli(Long.parseLong(failing.indexKey().substring(0, 13)));
        assertThat(deliveries.due(500, leaseEnd.minusSeconds(1))).extracting(WebhookDelivery::eventId)
                .doesNotContain(failing.eventId());
        assertThat(deliveries.due(500, leaseEnd)).extracting(WebhookDelivery::eventId)
                .contains(failing.eventId());
        // AND only the second is counted delivered
        assertThat(replica.delivered()).isEqualTo(1);
    }

    @Test
    void aRoleWithoutBatchWriteItem_hasItsOutcomesWrittenOneConditionalUpdateItemEach() {
        // GIVEN a replica whose role may not BatchWriteItem (a stack older than this version)
        Counted dynamo = new Counted(this.dynamo);
        dynamo.answer = (method, args) -> {
            if (method.equals("batchWriteItem")) {
                throw DynamoDbException.builder().message("not authorized").statusCode(400).awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
            }
            return null;
        };
        Replica replica = replica(dynamo, Map.of("senders", 1));
        String key = "customer#ent-webhook-denied#" + UUID.randomUUID();
        List<WebhookDelivery> written = replica.writtenClaimed(key, 2);

        // WHEN both are handed over
        replica.dispatcher().sendNow(written);

        // THEN both are delivered and counted, by one UpdateItem each after the one refused BatchWriteItem
        eventually().untilAsserted(() -> assertThat(replica.delivered()).isEqualTo(2));
        assertThat(written).allSatisfy(d -> assertThat(deliveries.find("test", d.eventId()).orElseThrow())
                .extracting(WebhookDelivery::status, WebhookDelivery::attempts, WebhookDelivery::claim)
                .containsExactly(WebhookDelivery.Status.DELIVERED, 1, null));
        assertThat(dynamo.calls("batchWriteItem")).isEqualTo(1);
        assertThat(dynamo.calls("updateItem")).isEqualTo(2);
    }

    @Test
    void aHandOffToAFullQueue_releasesTheDelivery_andAPollDeliversItOnce() throws Exception {
        // GIVEN a replica with one sender and room for one waiting delivery, its sender held while it records the
        // outcome of the first delivery it sends
        Counted dynamo = new Counted(this.dynamo);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        dynamo.before = method -> {
            if (method.equals("batchWriteItem") && Thread.currentThread().getName().equals("webhook-sender")) {
                held.countDown();
                await(gate);
            }
        };
        WebhooksConfig small = config(Map.of("senders", 1, "queue", 1));
        WebhookDeliveries counted = new WebhookDeliveries(dynamo.client, tables, small, mapper);
        WebhookDispatcher replica = new WebhookDispatcher(counted, small, Clock.systemUTC(), new SimpleMeterRegistry());
        String key = "customer#ent-webhook-full#" + UUID.randomUUID();
        String product = TestSupport.uniqueCode("ent-webhook-full");
        List<WebhookDelivery> written = counted.recordClaimed(List.of(event(key, product, Instant.now()),
                event(key, product, Instant.now()), event(key, product, Instant.now())), Instant.now());
        assertThat(written).hasSize(3).extracting(WebhookDelivery::endpoint).containsOnly("test");
        replica.sendNow(written.subList(0, 1));
        assertThat(held.await(60, TimeUnit.SECONDS)).as("the sender holds the first delivery").isTrue();

        // WHEN the second and the third are handed over: the second waits, the queue is full for the third
        replica.sendNow(written.subList(1, 3));

        // THEN the third is no longer leased to the replica (released: due now)
        WebhookDelivery third = written.get(2);
        assertThat(deliveries.find("test", third.eventId()).orElseThrow().claim()).isNotEqualTo(third.claim());
        // AND a poll (the service's own dispatcher: the replica's only sender is held) delivers it, once
        eventually().untilAsserted(() -> assertThat(deliveries.find("test", third.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED));
        // AND once the sender is free, the replica delivers the first two: each of the three POSTed once
        gate.countDown();
        eventually().untilAsserted(() -> assertThat(written).allSatisfy(d -> assertThat(
                deliveries.find("test", d.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED)));
        assertThat(receivedFor(key, "/hooks")).extracting(r -> r.header(WebhookSignature.ID))
                .containsExactlyInAnyOrderElementsOf(written.stream().map(WebhookDelivery::eventId).toList());
        assertThat(deliveries.find("test", third.eventId()).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void aReplicaThatDiesAfterThePut_hasItsDeliverySentByAnotherDispatcher_afterTheLease() {
        // GIVEN a replica with a 2-second lease that writes a delivery claimed, and dies before handing it over
        WebhooksConfig shortLease = config(Map.of("lease", Duration.ofSeconds(2)));
        WebhookDeliveries replica = new WebhookDeliveries(dynamo, tables, shortLease, mapper);
        String key = "customer#ent-webhook-crash#" + UUID.randomUUID();
        Instant now = Instant.now();
        WebhookDelivery d = replica.recordClaimed(List.of(event(key, TestSupport.uniqueCode("ent-webhook-crash"),
                now)), now).get(0);

        // THEN it was written leased, due again at the lease's end, so no poll finds it before then
        assertThat(d.claim()).isNotNull();
        assertThat(d.status()).isEqualTo(WebhookDelivery.Status.PENDING);
        assertThat(deliveries.due(500, now.plusSeconds(1))).extracting(WebhookDelivery::eventId)
                .doesNotContain(d.eventId());
        // AND once the lease has run out, the service's own dispatcher (another one) finds it and delivers it, once
        eventually().untilAsserted(() -> assertThat(deliveries.find("test", d.eventId()).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED));
        assertThat(receivedFor(key, "/hooks")).hasSize(1);
        assertThat(deliveries.find("test", d.eventId()).orElseThrow().attempts()).isEqualTo(1);
    }

    private static CustomerEvent event(String customerKey, String productCode, Instant at) {
        return new CustomerEvent(CustomerEvent.CUSTOMER_ACTIVATED, UUID.randomUUID().toString(), at,
                new io.mpsaas.common.messaging.CustomerIds(customerKey,
                        io.mpsaas.common.customer.IdentityModel.LEGACY, productCode, "c1", null, null, null),
                SubscriptionState.ACTIVE, Map.of());
    }

    /** A replica writing and sending through the test's view of DynamoDB, with some settings of its own. */
    private Replica replica(Counted dynamo, Map<String, Object> own) {
        WebhooksConfig its = config(own);
        WebhookDeliveries written = new WebhookDeliveries(dynamo.client, tables, its, mapper);
        MeterRegistry metrics = new SimpleMeterRegistry();
        return new Replica(written, new WebhookDispatcher(written, its, Clock.systemUTC(), metrics), metrics);
    }

    private record Replica(WebhookDeliveries deliveries, WebhookDispatcher dispatcher, MeterRegistry metrics) {

        /** Deliveries to endpoint "test" (a product of the test's own) of {@code n} events of one customer. */
        List<WebhookDelivery> writtenClaimed(String customerKey, int n) {
            String product = TestSupport.uniqueCode("ent-webhook-replica");
            return deliveries.recordClaimed(IntStream.range(0, n)
                    .mapToObj(i -> event(customerKey, product, Instant.now())).toList(), Instant.now());
        }

        double delivered() {
            return metrics.find("mpsaas.webhooks.delivered").tag("endpoint", "test").counter().count();
        }
    }

    /** The service's webhooks configuration, with some values of the test's own. */
    private WebhooksConfig config(Map<String, Object> own) {
        return (WebhooksConfig) Proxy.newProxyInstance(WebhooksConfig.class.getClassLoader(),
                new Class<?>[] {WebhooksConfig.class}, (proxy, method, args) -> own.containsKey(method.getName())
                        ? own.get(method.getName()) : method.invoke(config, args));
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The test's view of DynamoDB Local: every call counted by method, after a hook that may hold it, and answered by
     * DynamoDB Local unless {@code answer} answers it instead (non-null).
     */
    private static final class Counted {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        volatile Consumer<String> before = method -> {
        };
        volatile BiFunction<String, Object[], Object> answer = (method, args) -> null;
        final DynamoDbClient client;

        Counted(DynamoDbClient real) {
            this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                    new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                        calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
                        before.accept(method.getName());
                        Object instead = answer.apply(method.getName(), args);
                        if (instead != null) {
                            return instead;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        int calls(String method) {
            AtomicInteger n = calls.get(method);
            return n == null ? 0 : n.get();
        }
    }

    /** A commit of one message's inbox entry (pending effects) and the given deliveries. */
    private SubscriptionStore.Commit commitOf(String dedupe, Instant now, List<WebhookDeliveries.Leased> leased) {
        SubscriptionStore.Commit commit = store.newCommit();
        store.inboxEntry(commit, new InboxEntry(dedupe, InboxEntry.Status.APPLIED, "test", null, "test", "{}", now),
                now.plusSeconds(3600));
        leased.forEach(d -> store.webhookDelivery(commit, d));
        return commit;
    }

    /** What one sender claims at {@code now}: the due deliveries it reads, each claimed as the dispatcher does. */
    private List<WebhookDelivery> claimDue(Instant now) {
        return deliveries.due(50, now).stream().map(d -> deliveries.claim(d, now)).flatMap(Optional::stream).toList();
    }

    private static WebhookDelivery mine(List<WebhookDelivery> claimed, String eventId) {
        return claimed.stream().filter(d -> d.eventId().equals(eventId) && d.endpoint().equals("other")).findFirst()
                .orElse(null);
    }

    private String activatedCustomer() {
        Product product = product(TestSupport.uniqueCode("ent-webhook"));
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        sandbox.simulator().activate(sub.subscriptionId());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        return key;
    }

    private Product product(String code) {
        return sandbox.simulator().addProduct(Product.builder(code,
                io.mpsaas.sandbox.marketplace.catalog.PricingModel.CONTRACT)
                .contracted("seats", io.mpsaas.sandbox.marketplace.catalog.ValueType.INTEGER).build());
    }

    private static List<Received> receivedFor(String key, String path) {
        return WebhookReceiverResource.RECEIVED.stream()
                .filter(r -> r.path().equals(path) && r.body().contains(key)).toList();
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
