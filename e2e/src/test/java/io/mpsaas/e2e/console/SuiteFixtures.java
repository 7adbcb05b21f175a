package io.mpsaas.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console tests' data, each made by the suite's real flows: a buyer subscribes in the simulator (entitlement-service
 * processes the notifications), lands on onboarding-service and registers through its form, reports usage through
 * metering-service's usage API, and metering-service's run sends it to the simulator, which answers as AWS would.
 */
final class SuiteFixtures {

    /** A buyer the suite knows: its subscription and customer key. */
    record Buyer(SubscribeResult sub, String key, String productCode) {
    }

    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

    private final LocalSuite suite;
    private final ObjectMapper json = new ObjectMapper();
    /** Keeps cookies like the buyer's browser: onboarding's registration form is CSRF-checked (token and cookie). */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    SuiteFixtures(LocalSuite suite) {
        this.suite = suite;
    }

    /**
     * An activated buyer whose usage of the hour before its agreement started is accepted, and which AWS then refuses
     * as CustomerNotSubscribed: a failed hour to show and re-drive. metering-service refuses such usage at ingestion
     * once entitlement-service has stored the agreement's terms (BEFORE_AGREEMENT_START), so the Agreement API
     * answers errors while the buyer activates and its usage is reported (entitlement-service activates the customer
     * without terms, as it does when that read fails), and answers again afterwards.
     */
    Buyer activeBuyerWithFailedPreviousHour(String product, String dimension, long quantity, Instant inPreviousHour) {
        MarketplaceSimulator simulator = suite.sandbox().simulator();
        simulator.faults().set(Operation.DESCRIBE_AGREEMENT, new OperationFaults(0, 1.0, 0, 0));
        try {
            Buyer buyer = activeBuyer(product, Map.of());
            JsonNode accepted = usage(buyer, dimension, quantity, inPreviousHour);
            assertThat(accepted.path("status").asText()).as(accepted.toString()).isEqualTo("accepted");
            meterAndAwait(buyer);
            return buyer;
        } finally {
            simulator.faults().set(Operation.DESCRIBE_AGREEMENT, OperationFaults.NONE);
        }
    }

    /** An activated buyer of {@code product}, active in entitlement-service. */
    Buyer activeBuyer(String product, Map<String, Object> quantities) {
        SubscribeRequest request = SubscribeRequest.of(product).withBuyer(account()).activated();
        for (Map.Entry<String, Object> q : quantities.entrySet()) {
            request = request.withQuantity(q.getKey(), q.getValue());
        }
        SubscribeResult sub = suite.sandbox().simulator().subscribe(request);
        boolean concurrentAgreements = suite.sandbox().simulator().subscription(sub.subscriptionId())
                .identityModel() == IdentityModel.CONCURRENT_AGREEMENTS;
        String key = concurrentAgreements ? CustomerKeys.forLicense(sub.licenseArn())
                : CustomerKeys.forLegacy(product, sub.customerIdentifier());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(customer(key).path("state").asText())
                .isEqualTo("ACTIVE"));
        return new Buyer(sub, key, product);
    }

    /** The buyer lands on onboarding-service with its token and registers through the form. */
    void register(Buyer buyer, String company, String contactName, String email, String phone) {
        HttpResponse<String> landing = form(Service.ONBOARDING, "/", Map.of("x-amzn-marketplace-token",
                buyer.sub().registrationToken()));
        assertThat(landing.statusCode()).as(landing.body()).isEqualTo(200);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(landing.body());
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'"));
        }
        fields.put("company", company);
        fields.put("contactName", contactName);
        fields.put("email", email);
        fields.put("phone", phone);
        HttpResponse<String> registered = form(Service.ONBOARDING, "/register", fields);
        assertThat(registered.statusCode()).as(registered.body()).isIn(200, 303);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(customer(buyer.key())
                .path("registration").path("company").asText()).isEqualTo(company));
    }

    /** Usage of one dimension at {@code at}, through metering-service's usage API (app key); answers its result. */
    JsonNode usage(Buyer buyer, String dimension, long quantity, Instant at) {
        Map<String, Object> record = new LinkedHashMap<>();
        if (buyer.key().startsWith(CustomerKeys.LICENSE_PREFIX)) {
            record.put("licenseArn", buyer.sub().licenseArn());
        } else {
            record.put("customerIdentifier", buyer.sub().customerIdentifier());
            record.put("productCode", buyer.productCode());
        }
        record.put("dimension", dimension);
        record.put("quantity", quantity);
        record.put("timestamp", at.toString());
        record.put("idempotencyKey", "console-" + UUID.randomUUID());
        return send(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY, "POST",
                Map.of("records", List.of(record))).path("results").path(0);
    }

    /** metering-service's hourly run now (closed hours), then the customer's aggregates once none is pending. */
    JsonNode meterAndAwait(Buyer buyer) {
        send(Service.METERING, "/v1/admin/metering/runs", LocalSuite.ADMIN_API_KEY, "POST", Map.of());
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            send(Service.METERING, "/v1/admin/metering/runs", LocalSuite.ADMIN_API_KEY, "POST", Map.of());
            return send(Service.METERING, "/v1/admin/metering/usage?customerKey=" + ConsoleClient.encode(buyer.key()),
                    LocalSuite.ADMIN_API_KEY, "GET", null);
        }, aggregates -> aggregates.size() > 0 && java.util.stream.StreamSupport.stream(aggregates.spliterator(),
                false).noneMatch(a -> a.path("pending").asBoolean()));
    }

    /** Meters the customer's open usage now, the current hour included (metering-service's flush). */
    void flush(Buyer buyer) {
        send(Service.METERING, "/v1/admin/metering/flush", LocalSuite.ADMIN_API_KEY, "POST",
                Map.of("customerKey", buyer.key()));
    }

    /** The customer as entitlement-service's admin API answers it. */
    JsonNode customer(String key) {
        HttpResponse<String> answer = request(Service.ENTITLEMENT, "/api/v1/customers/" + ConsoleClient.encode(key),
                LocalSuite.APP_API_KEY, "GET", null);
        return answer.statusCode() == 200 ? read(answer.body()) : json.createObjectNode();
    }

    JsonNode send(Service service, String path, String key, String method, Object body) {
        HttpResponse<String> answer = request(service, path, key, method, body);
        assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isBetween(200, 299);
        return read(answer.body());
    }

    private HttpResponse<String> request(Service service, String path, String key, String method, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(suite.url(service) + path))
                    .timeout(Duration.ofSeconds(30)).header("Accept", "application/json")
                    .header("Authorization", "Bearer " + key);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> form(Service service, String path, Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(ConsoleClient.encode(k) + "=" + ConsoleClient.encode(v)));
        try {
            return http.send(HttpRequest.newBuilder(URI.create(suite.url(service) + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A buyer account of its own (12 digits, as AWS account ids are). */
    static String account() {
        return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
    }
}
