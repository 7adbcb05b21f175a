package io.mpsaas.sandbox.marketplace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.api.AwsResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** A browser-less client of the web UI: GETs, form POSTs, and following the POST-redirect-GET by hand. */
final class WebUiClient {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The simulator's signature check wants a complete SigV4 header with the right scope, not a valid HMAC. */
    static final String AUTH = "AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20261122/us-east-1/aws-marketplace/"
            + "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00000000";

    private final MarketplaceSimulator sim;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER) // tests look at each redirect
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    WebUiClient(MarketplaceSimulator sim) {
        this.sim = sim;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(sim.endpoint().resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A 200 page's body. */
    String page(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = get(pathAndQuery);
        assertThat(r.statusCode()).as("GET %s -> %s", pathAndQuery, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        return r.body();
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(sim.endpoint().resolve(path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a form that must answer with a redirect, and returns the page it redirects to. */
    String postAndFollow(String path, Map<String, String> form) throws IOException, InterruptedException {
        HttpResponse<String> r = post(path, form);
        assertThat(r.statusCode()).as("POST %s -> %s", path, r.body()).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).as("the redirect carries only a flash key").matches("/marketplace/[^?]*"
                + "(\\?flash=[A-Za-z0-9_-]{16})?(#.*)?");
        return page(location.contains("#") ? location.substring(0, location.indexOf('#')) : location);
    }

    /** ResolveCustomer for a registration token, in-process; the token must resolve. */
    JsonNode resolve(String token) throws IOException {
        AwsResponse r = sim.handleAws("AWSMPMeteringService.ResolveCustomer", AUTH,
                json.writeValueAsBytes(Map.of("RegistrationToken", token)));
        assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return json.readTree(r.body());
    }

    /** A product code (or any id) no other test uses. */
    static String unique(String prefix) {
        StringBuilder s = new StringBuilder(prefix).append('-');
        for (int i = 0; i < 10; i++) {
            s.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return s.toString();
    }

    /** A buyer account no other test uses. */
    static String uniqueAccount() {
        StringBuilder s = new StringBuilder().append(1 + RANDOM.nextInt(9));
        for (int i = 0; i < 11; i++) {
            s.append(RANDOM.nextInt(10));
        }
        return s.toString();
    }
}
