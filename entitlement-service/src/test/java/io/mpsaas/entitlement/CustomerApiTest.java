package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The seller's API: customers by any of their names, registration, the access check, errors as problem+json. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class CustomerApiTest {

    @InjectSandbox
    Sandbox sandbox;

    private static RequestSpecification app() {
        return given().header("Authorization", "Bearer test-app-key");
    }

    @Test
    void customer_isFoundByKeyByLicenseAndByLegacyIds_withRegistrationAndEntitlements() {
        // GIVEN an active Concurrent Agreements customer who registered on the onboarding pages
        Product product = TestSupport.caContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 7).activated());
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().entitlements()).hasSize(2));
        writeRegistration(key);

        // WHEN / THEN the key (URL-encoded) and the license ARN find the same customer, registration included
        app().get("/api/v1/customers/{key}", key).then().statusCode(200)
                .body("customerKey", equalTo(key)).body("state", equalTo("ACTIVE")).body("accessGranted", equalTo(true))
                .body("licenseArn", equalTo(sub.licenseArn())).body("agreementId", equalTo(sub.agreementId()))
                .body("entitlements.seats.type", equalTo("INTEGER")).body("entitlements.seats.value", equalTo(7))
                .body("entitlements.sso.value", equalTo(true)).body("entitlements.seats.expired", equalTo(false))
                .body("registration.company", equalTo("Example Corp"))
                .body("registration.email", equalTo("buyer@example.com")).body("registered", equalTo(true));
        app().queryParam("licenseArn", sub.licenseArn()).get("/api/v1/customers").then().statusCode(200)
                .body("customerKey", equalTo(key));

        // AND a legacy customer by product code + CustomerIdentifier, without registration
        Product legacy = TestSupport.legacySubscription(sandbox);
        SubscribeResult legacySub = sandbox.simulator().subscribe(SubscribeRequest.of(legacy.code()).activated());
        String legacyKey = CustomerKeys.forLegacy(legacy.code(), legacySub.customerIdentifier());
        eventually().until(() -> customer(sandbox, legacyKey).isPresent());
        app().queryParam("productCode", legacy.code()).queryParam("customerIdentifier", legacySub.customerIdentifier())
                .get("/api/v1/customers").then().statusCode(200).body("customerKey", equalTo(legacyKey))
                .body("identityModel", equalTo("LEGACY")).body("registration", nullValue());
    }

    @Test
    void accessCheck_answersAllowedQuantityAndWhy_fromDynamoDb() {
        // GIVEN an active contract customer with 10 seats and a pay-as-you-go customer
        Product product = TestSupport.legacyContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 10).withQuantity("premium_support", false).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().entitlements()).hasSize(4));
        Product payg = TestSupport.legacySubscription(sandbox);
        SubscribeResult paygSub = sandbox.simulator().subscribe(SubscribeRequest.of(payg.code()).activated());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, CustomerKeys.forLegacy(payg.code(),
                paygSub.customerIdentifier())).orElseThrow().subscriptionState()).isEqualTo(SubscriptionState.ACTIVE));

        // WHEN / THEN
        app().queryParam("dimension", "seats").get("/api/v1/customers/{key}/access", key).then().statusCode(200)
                .body("allowed", equalTo(true)).body("reason", equalTo("ENTITLED")).body("quantity", equalTo(10.0f))
                .body("valueType", equalTo("INTEGER"));
        app().queryParam("dimension", "premium_support").queryParam("productCode", product.code())
                .queryParam("customerIdentifier", sub.customerIdentifier()).get("/api/v1/access").then()
                .statusCode(200).body("allowed", equalTo(false)).body("reason", equalTo("NONE_ENTITLED"));
        app().queryParam("dimension", "gpu_hours").get("/api/v1/customers/{key}/access", key).then()
                .statusCode(200).body("allowed", equalTo(false)).body("reason", equalTo("MISSING_DIMENSION"));
        app().queryParam("dimension", "requests").queryParam("productCode", payg.code())
                .queryParam("customerIdentifier", paygSub.customerIdentifier()).get("/api/v1/access").then()
                .statusCode(200).body("allowed", equalTo(true)).body("reason", equalTo("PAY_AS_YOU_GO"));

        // AND once the subscription ended, the state says no
        sandbox.simulator().cancel(sub.subscriptionId());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBE_PENDING));
        sandbox.simulator().completeCancellation(sub.subscriptionId());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBED));
        app().queryParam("dimension", "seats").get("/api/v1/customers/{key}/access", key).then().statusCode(200)
                .body("allowed", equalTo(false)).body("reason", equalTo("STATE")).body("state", equalTo("UNSUBSCRIBED"));
    }

    @Test
    void aLicenseArnIsComparedWhole_anotherAccountOrGarbageEndingInTheIdIsNoCustomer() {
        // GIVEN an active Concurrent Agreements customer who registered (email and phone on record)
        Product product = TestSupport.caContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 7).activated());
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key)).isPresent());
        writeRegistration(key);
        String licenseId = sub.licenseArn().substring(sub.licenseArn().lastIndexOf(':') + 1);
        String otherAccount = sub.licenseArn().replace(":" + sub.customerAWSAccountId() + ":", ":999999999999:");
        assertThat(otherAccount).isNotEqualTo(sub.licenseArn());

        // WHEN / THEN the license id under another account, or after garbage, finds no customer: 404, nothing shown
        for (String arn : List.of(otherAccount, "garbage:" + licenseId, "arn:aws-cn:license-manager::"
                + sub.customerAWSAccountId() + ":license:" + licenseId)) {
            app().queryParam("licenseArn", arn).get("/api/v1/customers").then().statusCode(404)
                    .contentType("application/problem+json").body("detail", containsString("license ARN"))
                    .body("registration", nullValue());
            app().queryParam("licenseArn", arn).queryParam("dimension", "seats").get("/api/v1/access").then()
                    .statusCode(404).contentType("application/problem+json");
        }
        // AND the genuine ARN, in either spelling AWS uses, is the customer
        app().queryParam("licenseArn", sub.licenseArn()).get("/api/v1/customers").then().statusCode(200)
                .body("customerKey", equalTo(key));
        app().queryParam("licenseArn", "aws:license-manager:us-east-1:" + sub.customerAWSAccountId() + ":"
                + licenseId).queryParam("dimension", "seats").get("/api/v1/access").then().statusCode(200);
    }

    @Test
    void badRequests_unknownCustomers_andMissingKeys_areProblems() {
        app().get("/api/v1/customers/{key}", "license#l-doesnotexist").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        app().get("/api/v1/customers").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("licenseArn"));
        app().queryParam("licenseArn", "arn:x").queryParam("productCode", "p").queryParam("customerIdentifier", "c")
                .get("/api/v1/customers").then().statusCode(400);
        app().get("/api/v1/customers/{key}/access", "license#l-1").then().statusCode(400)
                .body("detail", containsString("dimension"));
        given().get("/api/v1/customers/{key}", "license#l-1").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("X-Api-Key", "wrong").get("/api/v1/customers/{key}", "license#l-1").then().statusCode(401);
        app().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void keysLongerThanDynamoDbAllows_areUnknownCustomers_notServerErrors() {
        // GIVEN keys and ids no customer can have (DynamoDB refuses partition keys over 2048 bytes)
        String longKey = "customer#" + "x".repeat(2100);
        // THEN every lookup answers 404 problem+json, never a 500
        app().get("/api/v1/customers/{key}", longKey).then().statusCode(404)
                .contentType("application/problem+json");
        app().queryParam("licenseArn", "arn:aws:license-manager::1:license:l-" + "x".repeat(3000))
                .get("/api/v1/customers").then().statusCode(404).contentType("application/problem+json");
        app().queryParam("productCode", "p".repeat(2100)).queryParam("customerIdentifier", "c")
                .get("/api/v1/customers").then().statusCode(404);
        app().queryParam("dimension", "seats").get("/api/v1/customers/{key}/access", longKey).then()
                .statusCode(404).contentType("application/problem+json");
        app().queryParam("dimension", "x".repeat(500)).queryParam("licenseArn",
                "arn:aws:license-manager::1:license:l-" + "y".repeat(3000)).get("/api/v1/access").then()
                .statusCode(404);
    }

    @Test
    void onboardingLandingFirst_isKept_andANotificationCompletesTheSameItem() {
        // GIVEN onboarding stored the landing of a buyer (its own attributes, identity if absent, version)
        Product product = TestSupport.legacySubscription(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        Instant landed = Instant.parse("2026-11-22T06:00:00Z");
        onboardingLands(key, product.code(), sub.customerIdentifier(), landed);

        // WHEN AWS confirms the subscription
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN the same item is active, onboarding's attributes untouched
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        CustomerRecord c = customer(sandbox, key).orElseThrow();
        assertThat(c.firstLandedAt()).isEqualTo(landed);
        assertThat(c.landings()).isEqualTo(1);
        assertThat(c.version()).isEqualTo(2);

        // AND onboarding landing again afterwards does not move the state back
        onboardingLands(key, product.code(), sub.customerIdentifier(), landed.plusSeconds(60));
        CustomerRecord after = customer(sandbox, key).orElseThrow();
        assertThat(after.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(after.landings()).isEqualTo(2);
        assertThat(after.stateEventAt()).isEqualTo(c.stateEventAt());
    }

    /** /q/openapi: on the management interface (its own port), like health and metrics. */
    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    @Test
    void openApi_documentsTheApi() {
        given().get(openApi).then().statusCode(200)
                .body(containsString("/api/v1/customers/{customerKey}/access"))
                .body(containsString("/api/v1/admin/parked-messages"));
    }

    /** What onboarding-service writes on a landing (ARCHITECTURE.md: if_not_exists identity, ADD version). */
    private void onboardingLands(String key, String productCode, String customerIdentifier, Instant at) {
        sandbox.aws().dynamo().updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET identityModel = if_not_exists(identityModel, :m), productCode = "
                        + "if_not_exists(productCode, :p), customerIdentifier = if_not_exists(customerIdentifier, :c), "
                        + "firstLandedAt = if_not_exists(firstLandedAt, :at), lastLandedAt = :at, "
                        + "subscriptionState = if_not_exists(subscriptionState, :pending) ADD landings :one, version :one")
                .expressionAttributeValues(Map.of(":m", Attr.s("LEGACY"), ":p", Attr.s(productCode),
                        ":c", Attr.s(customerIdentifier), ":at", Attr.instant(at), ":pending", Attr.s("PENDING"),
                        ":one", Attr.n(1))));
    }

    private void writeRegistration(String key) {
        Map<String, AttributeValue> item = new java.util.HashMap<>();
        item.put(SuiteTables.PK, Attr.s(key));
        item.put(SuiteTables.SK, Attr.s(CustomerKeys.REGISTRATION_SK));
        item.put(RegistrationRecord.COMPANY, Attr.s("Example Corp"));
        item.put(RegistrationRecord.CONTACT_NAME, Attr.s("Ada Example"));
        item.put(RegistrationRecord.EMAIL, Attr.s("buyer@example.com"));
        item.put(RegistrationRecord.REGISTERED_AT, Attr.instant(Instant.parse("2026-11-22T06:05:00Z")));
        item.put("version", Attr.n(1));
        sandbox.aws().dynamo().putItem(r -> r.tableName(SuiteTables.CUSTOMERS).item(item));
    }
}
