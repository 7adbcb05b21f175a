package io.mpsaas.onboarding;

import static io.restassured.RestAssured.given;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test buyers: each test creates its own simulator product and its own subscriptions, lands them on the fulfillment
 * URL and submits the registration form like a browser would.
 */
final class Buyers {

    static final String FORM = "application/x-www-form-urlencoded; charset=UTF-8";
    static final String CSRF = "csrf-token";
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    private final Sandbox sandbox;
    private final DynamoDbClient dynamo;

    Buyers(Sandbox sandbox, DynamoDbClient dynamo) {
        this.sandbox = sandbox;
        this.dynamo = dynamo;
    }

    MarketplaceSimulator simulator() {
        return sandbox.simulator();
    }

    /** A fresh product of this identity model in the simulator, with a unique code. */
    String product(boolean concurrentAgreements) {
        String code = "onb-" + (concurrentAgreements ? "ca-" : "legacy-") + UUID.randomUUID().toString().substring(0, 8);
        Product.Builder builder = Product.builder(code, PricingModel.SUBSCRIPTION).freeTrial(true).metered("requests");
        if (concurrentAgreements) {
            builder.concurrentAgreements();
        }
        simulator().addProduct(builder.build());
        return code;
    }

    /** A buyer subscribing to a fresh Concurrent Agreements product. */
    SubscribeResult subscribe() {
        return subscribe(SubscribeRequest.of(product(true)).withBuyer(account()));
    }

    SubscribeResult subscribe(SubscribeRequest request) {
        return simulator().subscribe(request);
    }

    static String account() {
        return String.format("%012d", ThreadLocalRandom.current().nextLong(100_000_000_000L, 999_999_999_999L));
    }

    static String keyOf(SubscribeResult sub) {
        return sub.customerIdentifier() == null ? CustomerKeys.forLicense(sub.licenseArn())
                : CustomerKeys.forLegacy(sub.productCode(), sub.customerIdentifier());
    }

    /** The fulfillment POST the buyer's browser makes (urlencoded, like AWS's form). */
    static Response land(String token) {
        return land(token, null);
    }

    static Response land(String token, String offerType) {
        var request = given().contentType(FORM).formParam("x-amzn-marketplace-token", token);
        if (offerType != null) {
            request.formParam("x-amzn-marketplace-offer-type", offerType);
        }
        return request.when().post("/").andReturn();
    }

    /** The registration form a landing answered: its hidden fields and the CSRF cookie. */
    record Form(String reference, String csrfToken, String csrfCookie) {

        static Form of(Response landing) {
            Map<String, String> hidden = hiddenFields(landing.asString());
            String cookie = landing.getCookie(CSRF);
            return new Form(hidden.get("ref"), hidden.get(CSRF), cookie);
        }

        /** The same form, re-rendered by a later answer (the cookie stays unless that answer set a new one). */
        Form next(Response answer) {
            Map<String, String> hidden = hiddenFields(answer.asString());
            String cookie = answer.getCookie(CSRF);
            return new Form(hidden.getOrDefault("ref", reference), hidden.getOrDefault(CSRF, csrfToken),
                    cookie == null ? csrfCookie : cookie);
        }

        Response submit(Map<String, String> fields) {
            var request = given().contentType(FORM).cookie(CSRF, csrfCookie)
                    .formParam("ref", reference).formParam(CSRF, csrfToken);
            fields.forEach(request::formParam);
            return request.when().post("/register").andReturn();
        }
    }

    /** A complete, valid registration. */
    static Map<String, String> validFields(String company) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("company", company);
        fields.put("contactName", "Ada Lovelace");
        fields.put("email", "ada@example.com");
        fields.put("phone", "+44 20 7946 0000");
        fields.put("extra-teamSize", "25");
        fields.put("extra-referral", "A colleague");
        return fields;
    }

    static Map<String, String> hiddenFields(String html) {
        Map<String, String> hidden = new LinkedHashMap<>();
        Matcher matcher = HIDDEN.matcher(html);
        while (matcher.find()) {
            hidden.put(matcher.group(1), unescape(matcher.group(2)));
        }
        return hidden;
    }

    static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    Optional<CustomerRecord> customer(String key) {
        Map<String, AttributeValue> item = item(key, CustomerKeys.CUSTOMER_SK);
        return item.isEmpty() ? Optional.empty() : Optional.of(CustomerRecord.fromItem(item));
    }

    Optional<RegistrationRecord> registration(String key) {
        Map<String, AttributeValue> item = item(key, CustomerKeys.REGISTRATION_SK);
        return item.isEmpty() ? Optional.empty() : Optional.of(RegistrationRecord.fromItem(item));
    }

    Map<String, AttributeValue> item(String key, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, sk)).consistentRead(true)).item();
        return item == null ? Map.of() : item;
    }
}
