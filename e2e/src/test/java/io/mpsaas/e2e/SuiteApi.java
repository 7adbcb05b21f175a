package io.mpsaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the seller's application and an operator call over HTTP, exactly as documented in the README: the access API
 * of entitlement-service, the usage API and the operator API of metering-service, with the keys the local suite
 * configures.
 */
final class SuiteApi {

    private final LocalSuite suite;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SuiteApi(LocalSuite suite, ObjectMapper json) {
        this.suite = suite;
        this.json = json;
    }

    /** {@code GET /api/v1/customers/{key}/access?dimension=D} (app key). */
    JsonNode access(Customer customer, String dimension) {
        return get(Service.ENTITLEMENT, "/api/v1/customers/" + encode(customer.key()) + "/access?dimension="
                + encode(dimension), LocalSuite.APP_API_KEY);
    }

    /** {@code GET /api/v1/customers/{key}} (app key): state, identity, registration, entitlements. */
    JsonNode customer(Customer customer) {
        return get(Service.ENTITLEMENT, "/api/v1/customers/" + encode(customer.key()), LocalSuite.APP_API_KEY);
    }

    /** {@code GET /v1/admin/metering/usage?customerKey=...} (admin key): the customer's hourly aggregates. */
    JsonNode meteringUsage(Customer customer) {
        return get(Service.METERING, "/v1/admin/metering/usage?customerKey=" + encode(customer.key()),
                LocalSuite.ADMIN_API_KEY);
    }

    /**
     * {@code POST /v1/usage} with one record for the customer (a fresh idempotency key) and returns that record's
     * result ({@code status}, {@code reason}, {@code usageHour}, {@code meteredHour}).
     */
    JsonNode reportUsage(Customer customer, String dimension, long quantity, Instant timestamp) {
        Map<String, Object> record = new LinkedHashMap<>(customer.usageIds());
        record.put("dimension", dimension);
        record.put("quantity", quantity);
        record.put("timestamp", timestamp.toString());
        record.put("idempotencyKey", "e2e-" + UUID.randomUUID());
        JsonNode answer = send(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY, "POST",
                Map.of("records", List.of(record)));
        return answer.get("results").get(0);
    }

    private JsonNode get(Service service, String path, String key) {
        return send(service, path, key, "GET", null);
    }

    private JsonNode send(Service service, String path, String key, String method, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(suite.url(service) + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + key);
            if (body == null) {
                request.GET();
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s %s%s answered %s", method, service.module(), path,
                    response.body()).isEqualTo(200);
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
