package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GetEntitlements as AWS serves it: many pages, empty pages, expired contracts, throttling. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class EntitlementsTest {

    @InjectSandbox
    Sandbox sandbox;

    @AfterEach
    void restoreSimulator() {
        sandbox.simulator().faults().entitlementEmptyPages(0);
        sandbox.simulator().clock().setOffset(Duration.ZERO);
    }

    @Test
    void thirtyDimensions_overTwoPages_andThroughEmptyPages_areAllStored() {
        // GIVEN a contract with 30 dimensions (GetEntitlements pages hold 25) and AWS serving empty pages first
        Product.Builder builder = Product.builder(TestSupport.uniqueCode("ent-wide"), PricingModel.CONTRACT);
        for (int i = 0; i < 30; i++) {
            builder.contracted(String.format("feature_%02d", i), ValueType.INTEGER);
        }
        Product product = sandbox.simulator().addProduct(builder.build());
        sandbox.simulator().faults().entitlementEmptyPages(2);

        // WHEN the buyer subscribes
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("feature_29", 29).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // THEN every dimension is stored, the last page's too
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().entitlements()).hasSize(30));
        assertThat(customer(sandbox, key).orElseThrow().entitlements().get("feature_29").value())
                .isEqualTo(new EntitlementValue.IntegerValue(29));
    }

    @Test
    void expiredContract_isStoredWithItsDate_andTheAccessCheckSaysExpired() {
        // GIVEN a twelve-month contract bought thirteen months ago (simulator time moved back)
        Product product = TestSupport.legacyContract(sandbox);
        sandbox.simulator().clock().setOffset(Duration.ofDays(-400));
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // WHEN the service has processed it (entitlement-updated and subscribe-success, in either order)
        eventually().untilAsserted(() -> {
            CustomerRecord processed = customer(sandbox, key).orElseThrow();
            assertThat(processed.entitlements()).hasSize(4);
            assertThat(processed.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        });

        // THEN the stored expiration is in the past, and the access check refuses with the reason
        CustomerRecord c = customer(sandbox, key).orElseThrow();
        assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(c.entitlements().get("seats").expiresAt()).isBefore(Instant.now());
        given().header("X-Api-Key", "test-app-key").queryParam("dimension", "seats")
                .get("/api/v1/customers/{key}/access", key)
                .then().statusCode(200).body("allowed", equalTo(false)).body("reason", equalTo("EXPIRED"))
                .body("state", equalTo("ACTIVE"));
    }

    @Test
    void throttlingBeyondTheAdaptersRetries_retriesTheMessage_andLosesNothing() {
        // GIVEN AWS throttles the next GetEntitlements calls longer than the adapter retries (2 attempts in tests)
        Product product = TestSupport.legacyContract(sandbox);
        long retriedBefore = retried();
        sandbox.simulator().faults().failNext(Operation.GET_ENTITLEMENTS, 5, "ThrottlingException");

        // WHEN a buyer subscribes
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 3).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // THEN the messages go back to the queue with backoff, and are applied once AWS answers
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
            assertThat(c.entitlements().get("seats").value()).isEqualTo(new EntitlementValue.IntegerValue(3));
        });
        assertThat(retried()).isGreaterThan(retriedBefore);
        List<Object> parked = given().header("X-Api-Key", "test-admin-key").get("/api/v1/admin/parked-messages")
                .then().extract().jsonPath().getList("messages.body");
        assertThat(parked).noneMatch(b -> String.valueOf(b).contains(product.code()));
    }

    private long retried() {
        return given().header("X-Api-Key", "test-admin-key").get("/api/v1/admin/consumers").then().statusCode(200)
                .extract().jsonPath().getList("consumers.retried", Long.class).stream().mapToLong(Long::longValue)
                .sum();
    }
}
