package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.mpsaas.entitlement.TestSupport.termsSettled;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.entitlement.service.AgreementNoticeService;
import io.mpsaas.entitlement.service.AgreementTermsQueue;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The customer events the suite computes from the stored terms: a contract without auto-renewal ending within the
 * notice, a free trial converted. Agreements are dated in the past with the simulator's movable clock, so their end
 * (or their trial's) falls near the service's now.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class AgreementNoticeTest {

    @Inject
    AgreementTermsQueue termsQueue;

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    AgreementNoticeService notices;

    @AfterEach
    void resetClock() {
        sandbox.simulator().clock().reset();
    }

    /** A contract accepted {@code ago}: 12 months long, auto-renewal as given; its terms stored. */
    private String contractAcceptedAgo(Product product, Duration ago, boolean autoRenew) {
        sandbox.simulator().clock().setOffset(ago.negated());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 2));
        sandbox.simulator().autoRenew(sub.subscriptionId(), autoRenew);
        sandbox.simulator().activate(sub.subscriptionId());
        sandbox.simulator().clock().reset();
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().until(() -> customer(sandbox, key).map(c -> c.agreementTerms()).orElse(null),
                t -> t != null && t.autoRenew() == autoRenew);
        termsSettled(sandbox, termsQueue);
        return key;
    }

    private List<JsonNode> events(String key, String type) {
        return customerEvents(sandbox).forCustomer(key).stream().filter(e -> type.equals(e.path("type").asText()))
                .toList();
    }

    @Test
    void contractWithoutAutoRenew_endingWithinTheNotice_isAnnouncedOnce_evenByRunsRacing() throws Exception {
        // GIVEN three 12-month contracts of one product: one ends in about 20 days without renewing, one ends then
        // too but renews, one ends in about 60 days without renewing
        Product product = sandbox.simulator().addProduct(Product.builder(TestSupport.uniqueCode("ent-ending"),
                PricingModel.CONTRACT).concurrentAgreements().contracted("seats", ValueType.INTEGER).build());
        String ending = contractAcceptedAgo(product, Duration.ofDays(345), false);
        String renewing = contractAcceptedAgo(product, Duration.ofDays(345), true);
        String later = contractAcceptedAgo(product, Duration.ofDays(305), false);
        AgreementTerms terms = customer(sandbox, ending).orElseThrow().agreementTerms();
        assertThat(terms.endsAt()).isBetween(Instant.now().plus(Duration.ofDays(15)),
                Instant.now().plus(Duration.ofDays(25)));

        // WHEN two replicas run the notices at once, and once more afterwards
        CompletableFuture<AgreementNoticeService.Report> one =
                CompletableFuture.supplyAsync(() -> notices.run(List.of(product.code())));
        CompletableFuture<AgreementNoticeService.Report> two =
                CompletableFuture.supplyAsync(() -> notices.run(List.of(product.code())));
        int sent = one.get().endingSent() + two.get().endingSent();
        AgreementNoticeService.Report third = notices.run(List.of(product.code()));

        // THEN exactly one customer-agreement-ending, for the contract that does not renew and ends soon
        assertThat(sent).isEqualTo(1);
        assertThat(third.endingSent()).isZero();
        assertThat(third.customersRead()).isEqualTo(3);
        JsonNode event = eventually().until(() -> events(ending, CustomerEvent.CUSTOMER_AGREEMENT_ENDING),
                Predicate.not(List::isEmpty)).get(0);
        assertThat(event.path("details").path("agreementId").asText()).isEqualTo(terms.agreementId());
        assertThat(Instant.parse(event.path("details").path("endsAt").asText())).isEqualTo(terms.endsAt());
        assertThat(event.path("details").path("autoRenew").asBoolean()).isFalse();
        assertThat(event.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(event.has("sequence")).as("a notice, not a change of the subscription").isFalse();
        assertThat(events(ending, CustomerEvent.CUSTOMER_AGREEMENT_ENDING)).hasSize(1);
        assertThat(events(renewing, CustomerEvent.CUSTOMER_AGREEMENT_ENDING)).isEmpty();
        assertThat(events(later, CustomerEvent.CUSTOMER_AGREEMENT_ENDING)).isEmpty();
    }

    @Test
    void autoRenewTurnedOffAtAws_withoutAnEvent_isFoundByReadingTheTermsAgain_andAnnounced() {
        // GIVEN a contract ending in about 20 days whose stored terms (read more than a day ago) say it renews
        Product product = sandbox.simulator().addProduct(Product.builder(TestSupport.uniqueCode("ent-reread"),
                PricingModel.CONTRACT).concurrentAgreements().contracted("seats", ValueType.INTEGER).build());
        String key = contractAcceptedAgo(product, Duration.ofDays(345), true);
        sandbox.aws().dynamo().updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET #t.#r = :old")
                .expressionAttributeNames(Map.of("#t", CustomerAttributes.AGREEMENT_TERMS, "#r", "readAt"))
                .expressionAttributeValues(Map.of(":old",
                        AttributeValue.fromS(Instant.now().minus(Duration.ofDays(2)).toString()))));
        // AND the buyer turns auto-renewal off (AWS tells the manufacturer nothing)
        String subscriptionId = sandbox.simulator().subscriptions().stream()
                .filter(v -> key.equals(CustomerKeys.forLicense(v.licenseArn()))).findFirst().orElseThrow()
                .subscriptionId();
        sandbox.simulator().autoRenew(subscriptionId, false);

        // WHEN the notices run
        AgreementNoticeService.Report report = notices.run(List.of(product.code()));

        // THEN the terms were read again, and the contract's end is announced
        assertThat(report.endingSent()).isEqualTo(1);
        assertThat(customer(sandbox, key).orElseThrow().agreementTerms().autoRenew()).isFalse();
        assertThat(eventually().until(() -> events(key, CustomerEvent.CUSTOMER_AGREEMENT_ENDING),
                Predicate.not(List::isEmpty))).hasSize(1);
    }

    @Test
    void freeTrialEnded_whileSubscribed_isAnnouncedOnce_andATrialStillRunningIsNot() {
        // GIVEN a buyer whose 30-day free trial ended yesterday, and one whose trial has just begun
        Product product = sandbox.simulator().addProduct(Product.builder(TestSupport.uniqueCode("ent-trial"),
                PricingModel.CONTRACT_WITH_CONSUMPTION).concurrentAgreements().freeTrial(true)
                .contracted("seats", ValueType.INTEGER).metered("api_calls").build());
        String converted = trialAcceptedAgo(product, Duration.ofDays(31));
        String running = trialAcceptedAgo(product, Duration.ZERO);

        // WHEN the notices run, twice
        AgreementNoticeService.Report first = notices.run(List.of(product.code()));
        AgreementNoticeService.Report second = notices.run(List.of(product.code()));

        // THEN one customer-free-trial-converted, for the trial that ended
        assertThat(first.trialConversionsSent()).isEqualTo(1);
        assertThat(second.trialConversionsSent()).isZero();
        AgreementTerms terms = customer(sandbox, converted).orElseThrow().agreementTerms();
        JsonNode event = eventually().until(() -> events(converted, CustomerEvent.CUSTOMER_FREE_TRIAL_CONVERTED),
                Predicate.not(List::isEmpty)).get(0);
        assertThat(Instant.parse(event.path("details").path("freeTrialEndedAt").asText()))
                .isEqualTo(terms.freeTrialEndsAt()).isBefore(Instant.now());
        assertThat(event.path("details").path("agreementId").asText()).isEqualTo(terms.agreementId());
        assertThat(events(converted, CustomerEvent.CUSTOMER_FREE_TRIAL_CONVERTED)).hasSize(1);
        assertThat(events(running, CustomerEvent.CUSTOMER_FREE_TRIAL_CONVERTED)).isEmpty();
    }

    private String trialAcceptedAgo(Product product, Duration ago) {
        sandbox.simulator().clock().setOffset(ago.negated());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 1).withFreeTrial().activated());
        sandbox.simulator().clock().reset();
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().until(() -> customer(sandbox, key).map(c -> c.agreementTerms()).orElse(null),
                t -> t != null && t.freeTrialEndsAt() != null);
        return key;
    }
}
