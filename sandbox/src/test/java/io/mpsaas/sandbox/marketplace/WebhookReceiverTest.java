package io.mpsaas.sandbox.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.webhook.WebhookSignature;
import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's webhook receiver over real HTTP: verification, tolerance, dedupe, the control API and the UI. */
class WebhookReceiverTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static MarketplaceSimulator sim;

    @BeforeAll
    static void start() {
        sim = SimulatorFixture.startSimulator();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void aSignedDelivery_isAccepted_once_andARepeatIsCountedNotKept() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = body(id, "customer#prod-a#cust-1");
        long ts = Instant.now().getEpochSecond();
        String signature = WebhookSignature.header(List.of(WebhookReceiver.SECRET), ts, body);

        assertThat(post(id, Long.toString(ts), signature, body)).isEqualTo(200);
        assertThat(post(id, Long.toString(ts), signature, body)).isEqualTo(200);

        JsonNode listed = control("GET", "/sandbox/webhooks");
        JsonNode mine = find(listed.path("deliveries"), id);
        assertThat(mine.path("type").asText()).isEqualTo("customer-activated");
        assertThat(mine.path("customerKey").asText()).isEqualTo("customer#prod-a#cust-1");
        assertThat(mine.path("repeats").asInt()).isEqualTo(1);
        assertThat(mine.path("verdict").asText()).isEqualTo("VALID");
    }

    @Test
    void aBadSignature_aStaleTimestamp_orAMismatchedId_isRefused401() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = body(id, "customer#prod-b#cust-2");
        long now = Instant.now().getEpochSecond();
        String wrongSecret = WebhookSignature.header(List.of("not-the-sandbox-secret-0123456789abcdef"), now, body);
        long stale = now - WebhookReceiver.TOLERANCE.toSeconds() - 60;

        assertThat(post(id, Long.toString(now), wrongSecret, body)).isEqualTo(401);
        assertThat(post(id, Long.toString(stale),
                WebhookSignature.header(List.of(WebhookReceiver.SECRET), stale, body), body)).isEqualTo(401);
        assertThat(post("another-id", Long.toString(now),
                WebhookSignature.header(List.of(WebhookReceiver.SECRET), now, body), body)).isEqualTo(401);
        assertThat(post(id, null, wrongSecret, body)).isEqualTo(401);

        JsonNode listed = control("GET", "/sandbox/webhooks");
        assertThat(listed.path("deliveries").findValuesAsText("id")).doesNotContain(id);
        assertThat(listed.path("rejected").findValuesAsText("verdict"))
                .contains("BAD_SIGNATURE", "STALE_TIMESTAMP", "MISSING_HEADERS");
    }

    @Test
    void whileDown_everyDeliveryIsAnswered503_andNothingIsKept() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = body(id, "customer#prod-c#cust-3");
        long ts = Instant.now().getEpochSecond();
        String signature = WebhookSignature.header(List.of(WebhookReceiver.SECRET), ts, body);
        control("POST", "/sandbox/webhooks/down?value=true");
        try {
            assertThat(post(id, Long.toString(ts), signature, body)).isEqualTo(503);
        } finally {
            control("POST", "/sandbox/webhooks/down?value=false");
        }
        assertThat(control("GET", "/sandbox/webhooks").path("deliveries").findValuesAsText("id")).doesNotContain(id);
        assertThat(post(id, Long.toString(ts), signature, body)).isEqualTo(200);
    }

    @Test
    void thePage_showsEachDelivery_withAnOpensslCommandThatRecomputesItsSignature() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = body(id, "customer#prod-d#it's-4");
        long ts = Instant.now().getEpochSecond();
        String signature = WebhookSignature.header(List.of(WebhookReceiver.SECRET), ts, body);
        assertThat(post(id, Long.toString(ts), signature, body)).isEqualTo(200);

        String page = HTTP.send(HttpRequest.newBuilder(URI.create(sim.endpoint() + "/marketplace/webhooks")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("data-webhook-id=\"" + id + "\"").contains(sim.webhookUrl().toString());
        String row = page.substring(page.indexOf("data-webhook-id=\"" + id + "\""));
        String command = unescape(row.substring(row.indexOf("<pre class=\"openssl\">") + 21, row.indexOf("</pre>",
                row.indexOf("<pre class=\"openssl\">"))));

        // the command, pasted into a shell, prints the delivery's v1 signature
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat("v1=" + out).isEqualTo(signature);
    }

    private static String body(String id, String customerKey) {
        return "{\"id\":\"" + id + "\",\"type\":\"customer-activated\",\"occurredAt\":\"2026-12-06T10:00:00Z\","
                + "\"data\":{\"type\":\"customer-activated\",\"eventId\":\"" + id + "\",\"customer\":{\"customerKey\":\""
                + customerKey + "\",\"productCode\":\"prod\"}}}";
    }

    private static int post(String id, String ts, String signature, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.webhookUrl())
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header(WebhookSignature.ID, id).header(WebhookSignature.SIGNATURE, signature);
        if (ts != null) {
            b.header(WebhookSignature.TIMESTAMP, ts);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static JsonNode control(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.endpoint() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return MAPPER.readTree(response.body());
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (id.equals(n.path("id").asText())) {
                return n;
            }
        }
        throw new AssertionError("no delivery " + id + " in " + list);
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
