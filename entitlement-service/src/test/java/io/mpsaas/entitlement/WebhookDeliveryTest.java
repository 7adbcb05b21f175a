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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
    void aClaimIsLeased_aCrashedSendersDeliveryIsTakenOverAfterItsLease_andItsLateOutcomeIsRefused() {
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
        // AND A's late outcome is refused, C's is recorded
        assertThat(deliveries.delivered(a, 200, due.plusSeconds(70))).isFalse();
        assertThat(deliveries.delivered(c, 200, due.plusSeconds(71))).isTrue();
        assertThat(deliveries.find("other", eventId).orElseThrow().status())
                .isEqualTo(WebhookDelivery.Status.DELIVERED);
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
        // AND each took two writes, the put and the outcome: no claim, no poll's query
        assertThat(dynamo.calls("putItem")).isEqualTo(2);
        assertThat(dynamo.calls("updateItem")).isEqualTo(2);
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
    void aHandOffToAFullQueue_releasesTheDelivery_andAPollDeliversItOnce() throws Exception {
        // GIVEN a replica with one sender and room for one waiting delivery, its sender held while it records the
        // outcome of the first delivery it sends
        Counted dynamo = new Counted(this.dynamo);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        dynamo.before = method -> {
            if (method.equals("updateItem") && Thread.currentThread().getName().equals("webhook-sender")) {
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

    /** The test's view of DynamoDB Local: every call counted by method, after a hook that may hold it. */
    private static final class Counted {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        volatile Consumer<String> before = method -> {
        };
        final DynamoDbClient client;

        Counted(DynamoDbClient real) {
            this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                    new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                        calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
                        before.accept(method.getName());
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
