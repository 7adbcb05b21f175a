package io.mpsaas.sandbox.marketplace.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The usage generator: plays the seller's application reporting usage to the metering service's usage API
 * ({@code POST <meteringUrl>/v1/usage}, {@code Authorization: Bearer <apiKey>}), so the metering path can be watched
 * working from the simulator's buyer page.
 */
public final class UsageSender {

    /** How much of the metering service's answer the page shows. */
    private static final int MAX_BODY = 8 * 1024;

    /**
     * The metering service's answer.
     *
     * @param reached whether an HTTP answer came back at all
     * @param status  its status (0 when not reached)
     * @param body    its body, or why it was not reached
     */
    public record Answer(boolean reached, int status, String body) {

        public boolean accepted() {
            return reached && status >= 200 && status < 300;
        }
    }

    private final ObjectMapper mapper;
    private HttpClient http;

    public UsageSender(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Sends one usage record for the subscription's customer, with a fresh idempotency key; never throws for an
     * unreachable or failing service (the answer says what happened).
     */
    public Answer send(URI meteringUrl, String apiKey, SubscriptionView customer, String dimension, long quantity,
            Instant timestamp) {
        URI target = usageUrl(meteringUrl);
        ObjectNode record = mapper.createObjectNode();
        // Provisional body of the metering service's usage API; absent ids are left out rather than sent as null.
        putIfPresent(record, "licenseArn", customer.licenseArn());
        putIfPresent(record, "customerAwsAccountId", customer.customerAWSAccountId());
        putIfPresent(record, "customerIdentifier", customer.customerIdentifier());
        record.put("productCode", customer.productCode());
        record.put("dimension", dimension);
        record.put("quantity", quantity);
        record.put("timestamp", timestamp.toString());
        record.put("idempotencyKey", UUID.randomUUID().toString());
        ObjectNode body = mapper.createObjectNode();
        body.putArray("records").add(record);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, application/problem+json")
                    .header("Authorization", "Bearer " + apiKey)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a usage record always serializes", e);
        }
        try {
            HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
            String text = response.body() == null ? "" : response.body();
            return new Answer(true, response.statusCode(),
                    text.length() > MAX_BODY ? text.substring(0, MAX_BODY) + "\n[truncated]" : text);
        } catch (ConnectException e) {
            return unreachable(target, "nothing listens there (connection refused)");
        } catch (HttpTimeoutException e) {
            return unreachable(target, "no answer in time (" + e.getMessage() + ")");
        } catch (IOException e) {
            return unreachable(target, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(target, "interrupted");
        } catch (IllegalArgumentException e) {
            return unreachable(target, "not a usable URL (" + e.getMessage() + ")");
        }
    }

    /** {@code <meteringUrl>/v1/usage}, whether or not the configured URL ends with a slash. */
    static URI usageUrl(URI meteringUrl) {
        return URI.create(meteringUrl.toString().replaceAll("/+$", "") + "/v1/usage");
    }

    private static Answer unreachable(URI target, String why) {
        return new Answer(false, 0, "The metering service at " + target + " is not reachable: " + why
                + ". Start it, or point the simulator at it with --metering-url.");
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    // Created on first use: most simulators (tests) never send usage, and a client owns a selector thread.
    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        }
        return http;
    }
}
