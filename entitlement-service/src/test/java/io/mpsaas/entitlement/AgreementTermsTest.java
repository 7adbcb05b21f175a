package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.mpsaas.entitlement.TestSupport.notificationsInQueue;
import static io.mpsaas.entitlement.TestSupport.termsSettled;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.entitlement.service.AgreementTermsQueue;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.FailNextRule;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Terms on the customer: entitlement-service reads each new and amended agreement from the simulator's Agreement API
 * and stores its terms (offer type, dates, auto-renewal, free trial, summary); the access API shows them; the
 * reconciliation run reads the terms of customers still without them, with stale ones or of unknown visibility. The
 * terms are read off the notification path: a notification never waits for the Agreement API.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class AgreementTermsTest {

    @Inject
    AgreementTermsQueue termsQueue;

    @InjectSandbox
    Sandbox sandbox;

    private Product contractWithTrial() {
        return sandbox.simulator().addProduct(Product.builder(TestSupport.uniqueCode("ent-terms"),
                PricingModel.CONTRACT_WITH_CONSUMPTION).concurrentAgreements().freeTrial(true)
                .contracted("seats", ValueType.INTEGER).metered("api_calls").build());
    }

    /** A buyer of {@code seats} on the product's public offer, its license activated. */
    private SubscribeResult activeBuyer(Product product, int seats) {
        return sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).withBuyer(TestSupport.account())
                .withQuantity("seats", seats).activated());
    }

    @Test
    void newAgreement_storesItsTerms_andAnAmendmentRereadsThem() {
        // GIVEN a buyer on a free trial of a 12-month contract with consumption
        Product product = contractWithTrial();
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 5).withFreeTrial().activated());
        String key = CustomerKeys.forLicense(sub.licenseArn());

        // THEN the customer carries the agreement's terms
        AgreementTerms terms = eventually().until(() -> customer(sandbox, key)
                .map(c -> c.agreementTerms()).orElse(null), t -> t != null);
        assertThat(terms.agreementId()).isEqualTo(sub.agreementId());
        // the Catalog API says the seller's offer is public
        assertThat(terms.offerType()).isEqualTo(AgreementTerms.PUBLIC_OFFER);
        assertThat(terms.channelPartnerAccountId()).isNull();
        assertThat(terms.status()).isEqualTo("ACTIVE");
        assertThat(terms.autoRenew()).isTrue();
        assertThat(terms.endsAt()).isAfter(terms.startsAt().plus(Duration.ofDays(360)));
        assertThat(terms.freeTrialEndsAt()).isEqualTo(terms.startsAt().plus(Duration.ofDays(30)));
        assertThat(terms.summary()).contains("contract P12M (seats=5)").contains("api_calls at 0.10 USD")
                .contains("free trial P30D").contains("auto-renews");

        // AND the access API shows them
        given().header("Authorization", "Bearer test-app-key").get("/api/v1/customers/{key}", key)
                .then().statusCode(200)
                .body("agreementTerms.agreementId", equalTo(sub.agreementId()))
                .body("agreementTerms.offerType", equalTo("PUBLIC"))
                .body("agreementTerms.autoRenew", equalTo(true));

        // WHEN the buyer turns auto-renew off and amends the contract
        sandbox.simulator().autoRenew(sub.subscriptionId(), false);
        sandbox.simulator().upgrade(sub.subscriptionId(), Map.of("seats", 12));

        // THEN the terms are read again
        eventually().untilAsserted(() -> {
            AgreementTerms amended = customer(sandbox, key).orElseThrow().agreementTerms();
            assertThat(amended.autoRenew()).isFalse();
            assertThat(amended.summary()).contains("(seats=12)").contains("does not auto-renew");
            assertThat(amended.readAt()).isAfter(terms.readAt());
        });
    }

    @Test
    void channelPartnerOffer_isStoredAsCppo_withThePartner() {
        // GIVEN a CPPO: a partner proposed the offer, the seller is the manufacturer
        Product product = contractWithTrial();
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 2));
        sandbox.simulator().channelPartner(sub.subscriptionId(), "210987654321");
        String key = CustomerKeys.forLicense(sub.licenseArn());

        // WHEN AWS activates the license
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN
        eventually().untilAsserted(() -> {
            AgreementTerms terms = customer(sandbox, key).orElseThrow().agreementTerms();
            assertThat(terms).isNotNull();
            assertThat(terms.offerType()).isEqualTo(AgreementTerms.CPPO);
            assertThat(terms.channelPartnerAccountId()).isEqualTo("210987654321");
            assertThat(terms.freeTrialEndsAt()).isNull();
        });
    }

    @Test
    void privateOffer_isStoredAsPrivate() {
        // GIVEN the seller's private offer, targeted at the buyer's account
        Product product = contractWithTrial();
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 2));
        sandbox.simulator().privateOffer(sub.subscriptionId());
        String key = CustomerKeys.forLicense(sub.licenseArn());

        // WHEN AWS activates the license
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN the terms say so, and the access API shows it
        eventually().untilAsserted(() -> {
            AgreementTerms terms = customer(sandbox, key).orElseThrow().agreementTerms();
            assertThat(terms).isNotNull();
            assertThat(terms.offerType()).isEqualTo(AgreementTerms.PRIVATE_OFFER);
            assertThat(terms.channelPartnerAccountId()).isNull();
        });
        given().header("Authorization", "Bearer test-app-key").get("/api/v1/customers/{key}", key)
                .then().statusCode(200).body("agreementTerms.offerType", equalTo("PRIVATE"));
    }

    @Test
    void catalogApiRefusing_stillStoresTheTerms_asTheSellersOffer_andReconciliationRereadsThemOnceItAnswers() {
        // GIVEN a Catalog API that refuses DescribeEntity (no aws-marketplace:DescribeEntity grant)
        Product product = contractWithTrial();
        sandbox.simulator().faults().failNext(new FailNextRule(Operation.DESCRIBE_ENTITY, 1000,
                "AccessDeniedException", "not authorized to perform aws-marketplace:DescribeEntity", 403));
        String key;
        try {
            // WHEN a buyer subscribes
            SubscribeResult sub = activeBuyer(product, 1);
            key = CustomerKeys.forLicense(sub.licenseArn());

            // THEN the terms are stored all the same, the offer read as the seller's, visibility unknown
            AgreementTerms terms = eventually().until(() -> customer(sandbox, key)
                    .map(c -> c.agreementTerms()).orElse(null), t -> t != null);
            assertThat(terms.agreementId()).isEqualTo(sub.agreementId());
            assertThat(terms.offerType()).isEqualTo(AgreementTerms.SELLER_OFFER);
            assertThat(terms.summary()).contains("contract P12M (seats=1)");
        } finally {
            sandbox.simulator().faults().reset();
        }

        // WHEN the Catalog API answers again (the grant added) and reconciliation runs over the product
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200).body("failed", equalTo(0));

        // THEN it read the terms that said SELLER again: the offer is known to be public
        assertThat(customer(sandbox, key).orElseThrow().agreementTerms().offerType())
                .isEqualTo(AgreementTerms.PUBLIC_OFFER);
    }

    @Test
    void slowAgreementApi_doesNotHoldTheNotification_andTheTermsFollow() {
        // GIVEN an Agreement API that takes 6 s to describe an agreement (under the client's 10 s read timeout)
        Product product = contractWithTrial();
        sandbox.simulator().faults().set(Operation.DESCRIBE_AGREEMENT, OperationFaults.NONE.withLatencyMs(6_000));
        try {
            // WHEN a buyer subscribes and AWS activates the license
            SubscribeResult sub = activeBuyer(product, 2);
            String key = CustomerKeys.forLicense(sub.licenseArn());

            // THEN the notification is applied and its message deleted from the queue...
            eventually().untilAsserted(() -> {
                assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                        .isEqualTo(SubscriptionState.ACTIVE);
                assertThat(notificationsInQueue(sandbox)).isZero();
            });
            // ...while the terms read still waits for the Agreement API: the batch did not wait for it
            assertThat(customer(sandbox, key).orElseThrow().agreementTerms()).isNull();

            // AND the terms are stored once it answers
            AgreementTerms terms = eventually().until(() -> customer(sandbox, key)
                    .map(c -> c.agreementTerms()).orElse(null), t -> t != null);
            assertThat(terms.agreementId()).isEqualTo(sub.agreementId());
            assertThat(terms.summary()).contains("contract P12M (seats=2)");
        } finally {
            sandbox.simulator().faults().reset();
        }
    }

    @Test
    void reconciliation_rereadsTermsReadBeforeTheLastEntitlementChange_andLeavesFreshOnesAlone() {
        // GIVEN two customers with their terms stored after their notifications
        Product product = contractWithTrial();
        SubscribeResult stale = activeBuyer(product, 3);
        SubscribeResult fresh = activeBuyer(product, 4);
        String staleKey = CustomerKeys.forLicense(stale.licenseArn());
        String freshKey = CustomerKeys.forLicense(fresh.licenseArn());
        for (String key : java.util.List.of(staleKey, freshKey)) {
            eventually().until(() -> customer(sandbox, key).map(c -> c.agreementTerms()).orElse(null),
                    t -> t != null);
        }
        termsSettled(sandbox, termsQueue);
        // AND the first one's read after its last change was lost (failed, dropped from a full queue, or a restart):
        // what is stored was read before the entitlements it goes with
        CustomerRecord before = customer(sandbox, staleKey).orElseThrow();
        Instant earlier = before.entitlementsRefreshedAt().minusSeconds(60);
        sandbox.aws().dynamo().updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(staleKey, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET #t.#s = :s, #t.#r = :r, #at = :at")
                .expressionAttributeNames(Map.of("#t", CustomerAttributes.AGREEMENT_TERMS, "#s", "summary",
                        "#r", "readAt", "#at", CustomerAttributes.AGREEMENT_TERMS_READ_AT))
                .expressionAttributeValues(Map.of(":s", Attr.s("contract P12M (seats=1)"),
                        ":r", Attr.s(earlier.toString()), ":at", Attr.n(earlier.toEpochMilli()))));

        // WHEN reconciliation runs over the product
        Instant run = Instant.now();
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200).body("failed", equalTo(0));

        // THEN the stale terms are read again, the fresh ones are left as they were (read before the run)
        AgreementTerms reread = customer(sandbox, staleKey).orElseThrow().agreementTerms();
        assertThat(reread.summary()).contains("contract P12M (seats=3)");
        assertThat(reread.readAt()).isAfter(before.entitlementsRefreshedAt());
        assertThat(customer(sandbox, freshKey).orElseThrow().agreementTerms().readAt()).isBefore(run);
    }

    @Test
    void reconciliation_readsTheTermsOfACustomerWithoutThem() {
        // GIVEN a customer whose terms were lost (or never read)
        Product product = contractWithTrial();
        SubscribeResult sub = activeBuyer(product, 3);
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().until(() -> customer(sandbox, key).map(c -> c.agreementTerms()).orElse(null), t -> t != null);
        termsSettled(sandbox, termsQueue);
        sandbox.aws().dynamo().updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression("REMOVE " + CustomerAttributes.AGREEMENT_TERMS + ", "
                        + CustomerAttributes.AGREEMENT_TERMS_READ_AT));
        assertThat(customer(sandbox, key).orElseThrow().agreementTerms()).isNull();

        // WHEN reconciliation runs over the product
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200).body("failed", equalTo(0));

        // THEN the terms are back
        assertThat(customer(sandbox, key).orElseThrow().agreementTerms().agreementId())
                .isEqualTo(sub.agreementId());
    }

    @Test
    void reconciliation_searchesTheProductsAgreements_adoptsTheUnknown_andEndsTheDrifted() {
        // GIVEN two known customers of a product (their terms teach the suite the product's catalog id)
        Product product = contractWithTrial();
        SubscribeResult known = activeBuyer(product, 1);
        SubscribeResult drifting = activeBuyer(product, 1);
        for (SubscribeResult s : java.util.List.of(known, drifting)) {
            eventually().until(() -> customer(sandbox, CustomerKeys.forLicense(s.licenseArn()))
                    .map(c -> c.agreementTerms()).orElse(null), t -> t != null);
        }
        // AND, with every notification of the product lost, a new buyer arrives and one customer's agreement ends
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult unknown = activeBuyer(product, 4);
        sandbox.simulator().cancel(drifting.subscriptionId());
        sandbox.simulator().completeCancellation(drifting.subscriptionId());
        String unknownKey = CustomerKeys.forLicense(unknown.licenseArn());
        String driftingKey = CustomerKeys.forLicense(drifting.licenseArn());
        assertThat(customer(sandbox, unknownKey)).isEmpty();

        // WHEN reconciliation runs over the product
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200)
                .body("agreementsSearched", equalTo(3)).body("agreementsAdopted", equalTo(1))
                .body("agreementsEnded", equalTo(1)).body("failed", equalTo(0));

        // THEN the unknown agreement is an active customer with its license, entitlements and terms
        io.mpsaas.common.customer.CustomerRecord adopted = customer(sandbox, unknownKey).orElseThrow();
        assertThat(adopted.subscriptionState()).isEqualTo(io.mpsaas.common.customer.SubscriptionState.ACTIVE);
        assertThat(adopted.agreementId()).isEqualTo(unknown.agreementId());
        assertThat(adopted.entitlements().get("seats").quantity()).isEqualTo(4.0);
        assertThat(adopted.agreementTerms().agreementId()).isEqualTo(unknown.agreementId());
        // AND the customer whose agreement ended unheard of has no access any more
        assertThat(customer(sandbox, driftingKey).orElseThrow().state().ended()).isTrue();
        // AND the known one is untouched
        assertThat(customer(sandbox, CustomerKeys.forLicense(known.licenseArn())).orElseThrow().subscriptionState())
                .isEqualTo(io.mpsaas.common.customer.SubscriptionState.ACTIVE);

        // WHEN it runs again THEN there is nothing left to do
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200)
                .body("agreementsSearched", equalTo(3)).body("agreementsAdopted", equalTo(0))
                .body("agreementsEnded", equalTo(0));
    }
}
