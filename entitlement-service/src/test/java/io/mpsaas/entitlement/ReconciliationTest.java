package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reconciliation repairs what lost notifications left wrong, and only that. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ReconciliationTest {

    @InjectSandbox
    Sandbox sandbox;

    @Test
    void lostUpgradeNotification_isRepaired_once_withAnEvent() {
        // GIVEN two active contract customers of one product
        Product product = TestSupport.legacyContract(sandbox);
        SubscribeResult drifted = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 10).activated());
        SubscribeResult steady = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 4).activated());
        String key = CustomerKeys.forLegacy(product.code(), drifted.customerIdentifier());
        String steadyKey = CustomerKeys.forLegacy(product.code(), steady.customerIdentifier());
        for (String k : List.of(key, steadyKey)) {
            eventually().untilAsserted(() -> assertThat(customer(sandbox, k).orElseThrow().entitlements()).hasSize(4));
        }
        // AND one of them upgrades while the notification is lost
        sandbox.simulator().holdNotifications(product.code());
        sandbox.simulator().upgrade(drifted.subscriptionId(), Map.of("seats", 30));
        assertThat(customer(sandbox, key).orElseThrow().entitlements().get("seats").value())
                .isEqualTo(new EntitlementValue.IntegerValue(10));
        int eventsBefore = customerEvents(sandbox).forCustomer(key).size();
        long steadyVersion = customer(sandbox, steadyKey).orElseThrow().version();

        // WHEN reconciliation runs over the product
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200)
                .body("checked", equalTo(2)).body("repaired", equalTo(1)).body("failed", equalTo(0));

        // THEN the drifted customer has the new quantity and the app is told; the other one is untouched
        assertThat(customer(sandbox, key).orElseThrow().entitlements().get("seats").value())
                .isEqualTo(new EntitlementValue.IntegerValue(30));
        List<JsonNode> events = eventually().until(() -> customerEvents(sandbox).forCustomer(key),
                l -> l.size() == eventsBefore + 1);
        JsonNode repaired = events.get(events.size() - 1);
        assertThat(repaired.path("type").asText()).isEqualTo(CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED);
        assertThat(repaired.at("/details/entitlements/seats/value").asInt()).isEqualTo(30);
        assertThat(customer(sandbox, steadyKey).orElseThrow().version()).isEqualTo(steadyVersion);

        // WHEN it runs again THEN nothing is left to repair
        given().header("X-Api-Key", "test-admin-key").queryParam("productCode", product.code())
                .post("/api/v1/admin/reconciliation").then().statusCode(200)
                .body("checked", equalTo(2)).body("repaired", equalTo(0));
        assertThat(customerEvents(sandbox).forCustomer(key)).hasSize(eventsBefore + 1);
    }
}
