package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile input (hand-written nasty values plus a seeded generator) against every entry point of the
 * running suite: the fulfillment form and the registration form, the usage API and the admin APIs, the operator
 * console, and the three consumed queues. Nothing a client sends may earn a 5xx, stop a consumer, or store anything;
 * poison messages end in their dead-letter queue with a {@code parkReason}.
 */
class HostileInputTest {

    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private static Suite suite;
    private static Figures figures;
    private Verdicts verdicts;
    private static List<String> values;
    private static final Random RANDOM = new Random(HostileCorpus.SEED);

    @BeforeAll
    static void start() {
        suite = AttackedSuite.get();
        figures = new Figures("hostile-input");
        values = HostileCorpus.values(Level.current().pick(110, 500));
        figures.set("corpus values", values.size());
        figures.set("corpus values hand-written", HostileCorpus.handWritten().size());
    }

    @AfterAll
    static void publish() {
        figures.publish();
    }

    @org.junit.jupiter.api.BeforeEach
    void newVerdicts() {
        verdicts = new Verdicts(figures);
    }

    /** A fresh client address, so the fulfillment URL's rate limit does not hide what the input does. */
    static String address() {
        int n = ADDRESSES.incrementAndGet();
        return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
    }

    private static Suite.Answer send(HttpRequest.Builder request) {
        return suite.send(request.header(AttackedSuite.CLIENT_HEADER, address()).build());
    }

    private static HttpRequest.Builder post(Service service, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = suite.request(service, path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request;
    }

    // ---------------------------------------------------------------- onboarding

    @Test
    void fulfillmentAndRegistrationForms_neverAnswer5xx_andStoreNothingForRejectedInput() {
        Set<String> customersBefore = Storage.keys(suite, Storage.CUSTOMERS);
        // GIVEN one real buyer, landed, with the registration form open (its reference and CSRF token)
        SubscribeResult real = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription"));
        Buyer buyer = new Buyer(suite.sim.subscription(real.subscriptionId()));
        Session browser = new Session(address());
        Suite.Answer form = browser.post(suite.url(Service.ONBOARDING, "/"), Map.of("x-amzn-marketplace-token",
                real.registrationToken()));
        assertThat(form.status()).isEqualTo(200);
        Map<String, String> hidden = Session.hiddenFields(form.body());
        assertThat(hidden).containsKey("ref").hasSizeGreaterThanOrEqualTo(2);

        List<String> contentTypes = List.of("application/x-www-form-urlencoded", "multipart/form-data",
                "multipart/form-data; boundary=xyz", "text/plain", "application/json", "application/xml",
                "application/x-www-form-urlencoded; charset=utf-16", "application/x-www-form-urlencoded; charset=evil",
                "", "*/*", "application/x-www-form-urlencoded\u0000");
        for (String value : values) {
            // WHEN AWS's POST carries a hostile token (urlencoded, multipart, as the raw body, with other types)
            String token = "x-amzn-marketplace-token=" + Suite.encode(value) + "&x-amzn-marketplace-offer-type="
                    + Suite.encode(value);
            verdicts.record("fulfillment POST token", value, send(post(Service.ONBOARDING, "/",
                    "application/x-www-form-urlencoded", Session.utf8(token))));
            String contentType = contentTypes.get(RANDOM.nextInt(contentTypes.size()));
            verdicts.record("fulfillment POST body", contentType + " " + value, send(post(Service.ONBOARDING, "/",
                    contentType.isEmpty() ? null : contentType.replace("\u0000", ""), Session.utf8(value))));
            String multipart = "--xyz\r\nContent-Disposition: form-data; name=\"x-amzn-marketplace-token\"\r\n\r\n"
                    + value + "\r\n--xyz" + (RANDOM.nextBoolean() ? "--\r\n" : "");
            verdicts.record("fulfillment POST multipart", value, send(post(Service.ONBOARDING, "/",
                    "multipart/form-data; boundary=xyz", Session.utf8(multipart))));
            // AND the registration form is submitted with hostile values, without the page's reference
            Map<String, String> forged = new LinkedHashMap<>();
            forged.put("ref", value);
            forged.put("company", value);
            forged.put("contactName", value);
            forged.put("email", value);
            verdicts.record("register POST forged", value, send(post(Service.ONBOARDING, "/register",
                    "application/x-www-form-urlencoded", Session.utf8(Session.form(forged)))));
        }
        // AND the real buyer submits hostile values in every field of a genuine form (reference and CSRF token valid)
        int stored = 0;
        for (String value : values.subList(0, Math.min(values.size(), Level.current().pick(60, 300)))) {
            Map<String, String> submit = new LinkedHashMap<>(hidden);
            submit.put("company", value);
            submit.put("contactName", value);
            submit.put("email", RANDOM.nextBoolean() ? value : "buyer@example.com");
            submit.put("phone", value);
            submit.put("teamSize", value);
            Suite.Answer answer = browser.post(suite.url(Service.ONBOARDING, "/register"), submit);
            verdicts.record("register POST genuine form", value, answer);
            // THEN a page (form with messages, or confirmation) where nothing is reflected unescaped
            assertThat(answer.body()).as("reflected markup for %s", Verdicts.abbreviate(value))
                    .doesNotContain("<script>alert(1)</script>", "<img src=x onerror", "<svg/onload", "<iframe src=");
            stored += answer.status() == 200 ? 1 : 0;
            Map<String, String> next = Session.hiddenFields(answer.body());
            if (next.containsKey("ref")) {
                hidden = next;
            }
        }
        figures.set("registration submits with hostile values stored (valid after escaping)", stored);

        // THEN no 5xx, and no customer item but the real buyer's
        verdicts.assertNoServerErrors();
        assertThat(Storage.newItemsOutside(suite, Storage.CUSTOMERS, customersBefore, Set.of(buyer.key())))
                .as("customer items created by rejected input").isEmpty();
        // AND the real buyer can still land and register
        Session again = new Session(address());
        Suite.Answer landing = again.post(suite.url(Service.ONBOARDING, "/"), Map.of("x-amzn-marketplace-token",
                suite.sim.issueToken(buyer.id())));
        assertThat(landing.status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- metering

    @Test
    void usageAndMeteringAdminApis_neverAnswer5xx_andStoreNoUsageFromRejectedRecords() {
        Set<String> usageBefore = Storage.keys(suite, Storage.USAGE);
        // GIVEN an active customer (so some hostile records reach the checks past "unknown customer")
        SubscribeResult result = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription").activated());
        Buyer active = new Buyer(suite.sim.subscription(result.subscriptionId()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Journeys.assertStates(suite, List.of(active)));

        String valid = suite.write(Map.of("records", List.of(record(active, "requests", 1, "valid-template"))));
        List<String> bodies = new ArrayList<>(HostileCorpus.malformedJson(RANDOM, valid,
                Level.current().pick(40, 200)));
        for (String value : values) {
            bodies.add(value);
            // one hostile field at a time, the rest of the record fine (and a hostile idempotency key)
            String field = List.of("dimension", "quantity", "timestamp", "customerIdentifier", "productCode",
                    "licenseArn", "allocations").get(RANDOM.nextInt(7));
            Map<String, Object> record = record(active, "requests", 1, "hostile-" + RANDOM.nextInt());
            record.put(field, value);
            bodies.add(suite.write(Map.of("records", List.of(record))));
            Map<String, Object> typed = record(active, "requests", 1, value);
            typed.put(field, List.of(Map.of(), 1e308, -1, Long.MIN_VALUE, true, List.of(value)).get(
                    RANDOM.nextInt(6)));
            bodies.add(suite.write(Map.of("records", List.of(typed))));
        }
        // WHEN they are posted to the usage API with the app key (and some with other content types)
        for (String body : bodies) {
            String type = RANDOM.nextInt(8) == 0 ? "text/plain" : "application/json";
            Suite.Answer answer = send(post(Service.METERING, "/v1/usage", type, Session.utf8(body))
                    .header("Authorization", "Bearer " + LocalSuite.APP_API_KEY));
            verdicts.record("usage API", body, answer);
            if (answer.status() == 200) {
                for (JsonNode r : suite.read(answer.body()).path("results")) {
                    if (!r.path("status").asText().equals("rejected")) {
                        figures.inc("hostile usage records accepted (valid after all)");
                    }
                }
            }
        }
        // AND the operator API gets hostile ids, keys, limits and bodies
        for (String value : values) {
            String q = Suite.encode(value);
            for (String path : List.of("/v1/admin/metering/usage?customerKey=" + q,
                    "/v1/admin/metering/usage?licenseArn=" + q,
                    "/v1/admin/metering/usage?customerIdentifier=" + q + "&productCode=" + q + "&limit=" + q,
                    "/v1/admin/metering/failures?limit=" + q)) {
                verdicts.record("metering admin GET", path, send(suite.request(Service.METERING, path).GET()
                        .header("Authorization", "Bearer " + LocalSuite.ADMIN_API_KEY)));
            }
            for (String body : List.of(suite.write(Map.of("ids", List.of(value))), value,
                    suite.write(Map.of("licenseArn", value)),
                    suite.write(Map.of("customerIdentifier", value, "productCode", value)))) {
                for (String path : List.of("/v1/admin/metering/redrive", "/v1/admin/metering/flush")) {
                    verdicts.record("metering admin POST", path + " " + body, send(post(Service.METERING, path,
                            "application/json", Session.utf8(body)).header("Authorization", "Bearer "
                            + LocalSuite.ADMIN_API_KEY)));
                }
            }
        }

        // THEN no 5xx, and no usage item but those of valid records of the active customer
        verdicts.assertNoServerErrors();
        Set<String> stray = Storage.newItemsOutside(suite, Storage.USAGE, usageBefore, Set.of(active.key()));
        assertThat(stray).as("usage items created by rejected input").isEmpty();
        // AND the usage API still takes a valid record
        Suite.Answer ok = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY, suite.write(
                Map.of("records", List.of(record(active, "requests", 3, "after-the-attack")))));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(suite.read(ok.body()).path("results").path(0).path("status").asText()).isEqualTo("accepted");
    }

    static Map<String, Object> record(Buyer customer, String dimension, long quantity, String key) {
        Map<String, Object> record = new LinkedHashMap<>(customer.usageIds());
        record.put("dimension", dimension);
        record.put("quantity", quantity);
        record.put("timestamp", Instant.now().toString());
        record.put("idempotencyKey", key);
        return record;
    }

    // ---------------------------------------------------------------- entitlement and the console

    @Test
    void entitlementApisAndConsole_neverAnswer5xx() {
        Session console = new Session(address());
        Suite.Answer login = console.get(suite.url(Service.CONSOLE, "/console/login"));
        assertThat(login.status()).isEqualTo(200);
        Suite.Answer signedIn = console.post(suite.url(Service.CONSOLE, "/console/j_security_check"),
                Map.of("operator", "reliability", "key", LocalSuite.OPERATOR_KEY));
        assertThat(signedIn.status()).as(signedIn.body()).isIn(302, 303);
        Suite.Answer overview = console.get(suite.url(Service.CONSOLE, "/console"));
        assertThat(overview.status()).isEqualTo(200);
        Map<String, String> sessionFields = Session.hiddenFields(overview.body());

        for (String value : values) {
            String q = Suite.encode(value);
            // the app's API and the admin API
            for (String path : List.of("/api/v1/customers/" + q, "/api/v1/customers?licenseArn=" + q,
                    "/api/v1/customers?productCode=" + q + "&customerIdentifier=" + q,
                    "/api/v1/customers/" + q + "/access?dimension=" + q,
                    "/api/v1/access?dimension=" + q + "&licenseArn=" + q,
                    "/api/v1/access?dimension=" + q + "&productCode=" + q + "&customerIdentifier=" + q,
                    "/api/v1/admin/parked-messages?queue=" + q)) {
                String key = path.startsWith("/api/v1/admin") ? LocalSuite.ADMIN_API_KEY : LocalSuite.APP_API_KEY;
                verdicts.record("entitlement API GET", path, send(suite.request(Service.ENTITLEMENT, path).GET()
                        .header("X-Api-Key", key)));
            }
            verdicts.record("entitlement admin POST replay", value, send(post(Service.ENTITLEMENT,
                    "/api/v1/admin/parked-messages/" + q + "/replay?queue=" + q, null, new byte[0])
                    .header("X-Api-Key", LocalSuite.ADMIN_API_KEY)));
            verdicts.record("entitlement admin POST reconciliation", value, send(post(Service.ENTITLEMENT,
                    "/api/v1/admin/reconciliation?productCode=" + q, null, new byte[0])
                    .header("X-Api-Key", LocalSuite.ADMIN_API_KEY)));
            // the console: sign-in with hostile names and keys, signed-in pages and forms with hostile values
            Session stranger = new Session(address());
            Suite.Answer page = stranger.get(suite.url(Service.CONSOLE, "/console/login?error=" + q));
            verdicts.record("console login GET", value, page);
            verdicts.record("console sign-in POST", value, stranger.post(suite.url(Service.CONSOLE,
                    "/console/j_security_check"), Map.of("operator", value, "key", value)));
            for (String path : List.of("/console/customers?product=" + q + "&state=" + q + "&after=" + q,
                    "/console/customer?key=" + q, "/console/usage?key=" + q, "/console/parked?queue=" + q
                            + "&replayed=" + q, "/console/" + q)) {
                verdicts.record("console GET", path, console.get(suite.url(Service.CONSOLE, path)));
            }
            Map<String, String> search = new LinkedHashMap<>(sessionFields);
            search.put("q", value);
            search.put("by", value);
            verdicts.record("console search POST", value, console.post(suite.url(Service.CONSOLE,
                    "/console/search"), search));
            Map<String, String> replay = new LinkedHashMap<>(sessionFields);
            replay.put("queue", value);
            replay.put("messageId", value);
            verdicts.record("console replay POST", value, console.post(suite.url(Service.CONSOLE,
                    "/console/parked/replay"), replay));
            Map<String, String> redrive = new LinkedHashMap<>(sessionFields);
            redrive.put("id", value);
            redrive.put("back", value);
            verdicts.record("console redrive POST", value, console.post(suite.url(Service.CONSOLE,
                    "/console/metering/redrive"), redrive));
        }
        verdicts.assertNoServerErrors();
    }

    // ---------------------------------------------------------------- raw HTTP

    @Test
    void rawRequests_truncatedOversizedAndInvalidBytes_neverAnswer5xx() {
        byte[][] invalidUtf8 = {
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF, (byte) 0xFE},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {0}};
        List<String[]> targets = List.of(
                new String[] {"ONBOARDING", "/", "application/x-www-form-urlencoded", ""},
                new String[] {"ONBOARDING", "/register", "application/x-www-form-urlencoded", ""},
                new String[] {"METERING", "/v1/usage", "application/json", "Authorization: Bearer "
                        + LocalSuite.APP_API_KEY + "\n"},
                new String[] {"METERING", "/v1/admin/metering/flush", "application/json", "Authorization: Bearer "
                        + LocalSuite.ADMIN_API_KEY + "\n"},
                new String[] {"CONSOLE", "/console/j_security_check", "application/x-www-form-urlencoded", ""},
                new String[] {"CONSOLE", "/console/search", "application/x-www-form-urlencoded", ""});
        for (String[] t : targets) {
            URI base = suite.local.url(Service.valueOf(t[0]));
            String head = "POST " + t[1] + " HTTP/1.1\nHost: localhost\nX-Forwarded-For: " + address() + "\n"
                    + "Content-Type: " + t[2] + "\n" + t[3];
            for (byte[] bad : invalidUtf8) {
                // invalid UTF-8 in the body, as form value and as JSON string
                byte[] body = concat(Session.utf8(t[2].contains("json") ? "{\"records\":[{\"idempotencyKey\":\""
                        : "x-amzn-marketplace-token=a&company="), bad, Session.utf8(t[2].contains("json") ? "\"}]}"
                        : "&q=x"));
                verdicts.record("raw invalid UTF-8", t[1], RawHttp.exchange(base, head + "Content-Length: "
                        + body.length + "\nConnection: close\n", body, false));
            }
            // a body shorter than announced, then the client gives up
            verdicts.record("raw truncated body", t[1], RawHttp.exchange(base, head
                    + "Content-Length: 5000\n", Session.utf8("x-amzn-marketplace-token=abc"), true));
            // broken chunked encoding
            verdicts.record("raw broken chunks", t[1], RawHttp.exchange(base, head
                    + "Transfer-Encoding: chunked\n", Session.utf8("zz\r\nabc\r\n0\r\n\r\n"), true));
            // a body far over any limit
            byte[] huge = new byte[3 * 1024 * 1024];
            java.util.Arrays.fill(huge, (byte) 'a');
            verdicts.record("raw oversized body", t[1], RawHttp.exchange(base, head + "Content-Length: "
                    + huge.length + "\nConnection: close\n", huge, false));
            // a header far over any limit, and header values with raw control bytes
            verdicts.record("raw oversized header", t[1], RawHttp.exchange(base, head + "X-Big: "
                    + "h".repeat(40_000) + "\nContent-Length: 0\n", new byte[0], false));
            verdicts.record("raw control bytes in a header", t[1], RawHttp.exchange(base, head + "X-Evil: a\u0000b"
                    + "\u0007\nContent-Length: 0\n", new byte[0], false));
        }
        // paths: traversal, encoded traversal, NUL, overlong, odd methods
        for (Service service : Service.values()) {
            URI base = suite.local.url(service);
            for (String line : List.of("GET /../../../../etc/passwd HTTP/1.1",
                    "GET /assets/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
                    "GET /q/../../etc/passwd HTTP/1.1",
                    "GET /%00 HTTP/1.1", "GET /" + "a/".repeat(5_000) + " HTTP/1.1", "GET /?" + "a=b&".repeat(3_000)
                            + " HTTP/1.1", "TRACE / HTTP/1.1", "PROPFIND / HTTP/1.1", "GET * HTTP/1.1",
                    "GET http://evil.example/ HTTP/1.1", "GET / HTTP/9.9", "\u0000\u0001 / HTTP/1.1")) {
                Suite.Answer answer = RawHttp.exchange(base, line + "\nHost: localhost\nX-Forwarded-For: "
                        + address() + "\nConnection: close\n", null, false);
                verdicts.record("raw request line", line, answer);
                assertThat(answer.body()).as(line).doesNotContain("root:x:0:0");
            }
        }
        verdicts.assertNoServerErrors();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- the queues

    @Test
    void poisonMessages_areParkedWithAReason_consumersKeepWorking_andNothingIsStored() {
        Set<String> customersBefore = Storage.keys(suite, Storage.CUSTOMERS);
        Set<String> usageBefore = Storage.keys(suite, Storage.USAGE);
        // GIVEN genuine notifications to forge from: a held SNS notification and a held EventBridge event
        suite.sim.holdNotifications("sbx-legacy-contract");
        suite.sim.holdNotifications("sbx-ca-subscription");
        SubscribeResult legacy = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-contract"));
        suite.sim.activate(legacy.subscriptionId());
        SubscribeResult ca = suite.sim.subscribe(SubscribeRequest.of("sbx-ca-subscription"));
        suite.sim.activate(ca.subscriptionId());
        List<SentNotification> held = new ArrayList<>();
        held.addAll(suite.sim.notifications("sbx-legacy-contract", legacy.subscriptionId(), null));
        held.addAll(suite.sim.notifications("sbx-ca-subscription", ca.subscriptionId(), null));
        suite.sim.releaseNotifications("sbx-legacy-contract");
        suite.sim.releaseNotifications("sbx-ca-subscription");
        assertThat(held).isNotEmpty();
        List<String> genuine = held.stream().map(SentNotification::body).toList();

        int sent = 0;
        for (String value : values) {
            // WHEN hostile bodies arrive on each queue: raw values, forged SNS envelopes, tampered events
            String original = genuine.get(RANDOM.nextInt(genuine.size()));
            sent += enqueue(Suite.NOTIFICATIONS, nonEmpty(value));
            sent += enqueue(Suite.NOTIFICATIONS, tamper(original, value));
            sent += enqueue(Suite.USAGE, nonEmpty(value));
            sent += enqueue(Suite.USAGE, suite.write(Map.of("records", List.of(Map.of("licenseArn", value,
                    "dimension", value, "quantity", 1, "timestamp", Instant.now().toString(), "idempotencyKey",
                    nonEmpty(value))))));
            sent += enqueue(Suite.COMMANDS, nonEmpty(value));
            sent += enqueue(Suite.COMMANDS, suite.write(Map.of("type", value, "commandId", nonEmpty(value),
                    "customer", Map.of("customerKey", value), "reason", value)));
        }
        // AND genuine notifications are replayed (delivered again and again)
        for (int i = 0; i < 3; i++) {
            genuine.forEach(body -> suite.sendMessage(Suite.NOTIFICATIONS, body));
            sent += genuine.size();
        }
        figures.set("messages sent to the queues (hostile and replayed)", sent);
        figures.set("genuine notifications replayed", 3L * genuine.size());

        // THEN every queue drains: the consumers kept polling
        Settle.awaitQueuesDrained(suite, Duration.ofMinutes(Level.current().pick(4, 10)));
        // AND valid messages sent afterwards are processed
        Buyer later = new Buyer(suite.sim.subscription(suite.sim.subscribe(SubscribeRequest.of(
                "sbx-legacy-subscription").activated()).subscriptionId()));
        Buyer legacyBuyer = new Buyer(suite.sim.subscription(legacy.subscriptionId()));
        Buyer caBuyer = new Buyer(suite.sim.subscription(ca.subscriptionId()));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> Journeys.assertStates(suite, List.of(later,
                legacyBuyer, caBuyer)));
        suite.sendMessage(Suite.USAGE, suite.write(Map.of("records", List.of(record(later, "requests", 4,
                "queue-after-attack")))));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Suite.Answer usage = suite.get(Service.METERING, "/v1/admin/metering/usage?customerKey="
                    + Suite.encode(later.key()), LocalSuite.ADMIN_API_KEY);
            assertThat(usage.status()).isEqualTo(200);
            assertThat(usage.body()).contains("\"quantity\":4");
        });
        // AND every poison message is parked with its reason
        List<Suite.Parked> parked = Settle.deadLetters(suite, figures);
        assertThat(parked).as("parked messages").isNotEmpty();
        assertThat(parked).as("parked without a parkReason (moved by SQS after failing)")
                .allSatisfy(p -> assertThat(p.parkReason()).isNotBlank());
        Map<String, Integer> reasons = new java.util.TreeMap<>();
        parked.forEach(p -> reasons.merge(p.parkReason().replaceAll("[^A-Za-z _-].*", ""), 1, Integer::sum));
        figures.note("park reasons (first words)", reasons.toString());
        // AND nothing was stored from hostile messages
        Set<String> allowed = Set.of(later.key(), legacyBuyer.key(), caBuyer.key(),
                suite.sim.subscription(ca.subscriptionId()).agreementId(),
                suite.sim.subscription(legacy.subscriptionId()).agreementId());
        assertThat(Storage.newItemsOutside(suite, Storage.CUSTOMERS, customersBefore, allowed))
                .as("customer items created by hostile messages").isEmpty();
        // the hourly run's own record of its quota need (quota#runs, issue 16) is written whenever a run happens
        Set<String> usageAllowed = new java.util.HashSet<>(allowed);
        usageAllowed.add("quota#runs|");
        assertThat(Storage.newItemsOutside(suite, Storage.USAGE, usageBefore, usageAllowed))
                .as("usage items created by hostile messages").isEmpty();
    }

    // ---------------------------------------------------------------- issue 18: malformed messages on every queue

    @Test
    void malformedMessages_onEveryConsumedQueue_areEachParkedInItsOwnDeadLetterQueue_withAReason() {
        Set<String> customersBefore = Storage.keys(suite, Storage.CUSTOMERS);
        int truncations = Level.current().pick(4, 30);
        String run = "malformed-" + Integer.toHexString(RANDOM.nextInt());
        Map<String, Map<String, String>> byQueue = new LinkedHashMap<>();
        // GIVEN, for each queue a service consumes (docs/ARCHITECTURE.md, "SQS"), bodies that can never be handled
        String now = Instant.now().toString();
        String usage = "{\"records\":[{\"customerIdentifier\":\"c-1\",\"productCode\":\"p-1\",\"dimension\":"
                + "\"requests\",\"quantity\":1,\"timestamp\":\"" + now + "\",\"idempotencyKey\":\"k-1\"}]}";
        Map<String, String> usageBodies = HostileCorpus.malformedMessages(RANDOM, run + "-usage", usage, truncations);
        typed(usageBodies, run + "-usage", usage, Map.of(
                "records-string", "\"records\":\"a\"",
                "records-numbers", "\"records\":[1,2]",
                "records-null", "\"records\":null",
                "quantity-string", "\"records\":[{\"customerIdentifier\":\"c-1\",\"productCode\":\"p-1\","
                        + "\"dimension\":\"requests\",\"quantity\":\"5\",\"timestamp\":\"" + now + "\"}]",
                "quantity-object", "\"records\":[{\"licenseArn\":{},\"dimension\":[],\"quantity\":{\"n\":1},"
                        + "\"timestamp\":false}]",
                "key-200k", "\"records\":[{\"customerIdentifier\":\"c-1\",\"productCode\":\"p-1\","
                        + "\"dimension\":\"requests\",\"quantity\":1,\"timestamp\":\"" + now + "\","
                        + "\"idempotencyKey\":\"" + "k".repeat(200_000) + "\"}]"));
        byQueue.put(Suite.USAGE, usageBodies);

        String command = "{\"type\":\"flush\",\"commandId\":\"cmd-1\",\"customer\":{\"customerKey\":\"k\"},"
                + "\"reason\":\"test\",\"requestedAt\":\"" + now + "\"}";
        Map<String, String> commandBodies = HostileCorpus.malformedMessages(RANDOM, run + "-command", command,
                truncations);
        typed(commandBodies, run + "-command", command, Map.of(
                "unknown-type", "\"type\":\"explode\",\"commandId\":\"c\",\"customer\":{},\"requestedAt\":\""
                        + now + "\"",
                "type-200k", "\"type\":\"" + "t".repeat(200_000) + "\",\"commandId\":\"c\",\"customer\":{},"
                        + "\"requestedAt\":\"" + now + "\"",
                "customer-string", "\"type\":\"flush\",\"commandId\":\"c\",\"customer\":\"k\",\"requestedAt\":\""
                        + now + "\"",
                "requested-at-boolean", "\"type\":\"flush\",\"commandId\":\"c\",\"customer\":{},"
                        + "\"requestedAt\":true",
                "type-missing", "\"commandId\":\"c\",\"customer\":{},\"requestedAt\":\"" + now + "\"",
                "redrive-no-ids", "\"type\":\"redrive\",\"commandId\":\"c\",\"customer\":{\"customerKey\":\"k\"},"
                        + "\"requestedAt\":\"" + now + "\",\"aggregateIds\":[]"));
        byQueue.put(Suite.COMMANDS, commandBodies);

        List<String> origins = new ArrayList<>();
        List<String> genuine = heldNotifications(origins);
        String sns = genuine.stream().filter(b -> b.contains("\"Type\"")).findFirst().orElseThrow();
        String event = genuine.stream().filter(b -> b.contains("\"detail-type\"")).findFirst().orElseThrow();
        Map<String, String> notificationBodies = HostileCorpus.malformedMessages(RANDOM, run + "-notification",
                RANDOM.nextBoolean() ? sns : event, truncations);
        envelopes(notificationBodies, run + "-notification", sns, event);
        byQueue.put(Suite.NOTIFICATIONS, notificationBodies);

        // WHEN they arrive on their queues
        byQueue.forEach((queue, bodies) -> bodies.values().forEach(body -> suite.sendMessage(queue, body)));
        byQueue.forEach((queue, bodies) -> figures.add("malformed messages sent: " + queue, bodies.size()));

        // THEN each is parked in its own queue's dead-letter queue, with a reason: none lost, none accepted
        Map<String, Map<String, Suite.Parked>> parked = new LinkedHashMap<>();
        byQueue.keySet().forEach(q -> parked.put(q, new LinkedHashMap<>()));
        await().atMost(Duration.ofMinutes(Level.current().pick(3, 6))).pollInterval(Suite.READ_THROUGH_AGAIN)
                .untilAsserted(() -> {
                    Map<String, List<String>> missing = new LinkedHashMap<>();
                    byQueue.forEach((queue, bodies) -> {
                        List<String> wanted = bodies.keySet().stream().filter(m -> !parked.get(queue)
                                .containsKey(m)).toList();
                        parked.get(queue).putAll(suite.findDeadLetters(queue, wanted));
                        List<String> still = bodies.keySet().stream().filter(m -> !parked.get(queue)
                                .containsKey(m)).toList();
                        if (!still.isEmpty()) {
                            missing.put(queue, still);
                        }
                    });
                    assertThat(missing).as("malformed messages not (yet) in their dead-letter queue").isEmpty();
                });
        parked.forEach((queue, found) -> {
            assertThat(found).as("parked messages of %s without a parkReason", queue)
                    .allSatisfy((marker, p) -> assertThat(p.parkReason()).as(marker).isNotBlank());
            figures.add("malformed messages parked with a reason: " + queue, found.size());
        });
        Map<String, Integer> reasons = new java.util.TreeMap<>();
        parked.values().forEach(found -> found.values().forEach(p -> reasons.merge(p.parkReason()
                .replaceAll("[^A-Za-z _-].*", ""), 1, Integer::sum)));
        figures.note("park reasons of the malformed messages (first words)", reasons.toString());

        // AND the consumers are alive: a later subscription is activated (notifications), its usage counted
        // (usage), and its cancellation flushes that usage to AWS (entitlement's flush command, metering-commands)
        Buyer later = new Buyer(suite.sim.subscription(suite.sim.subscribe(SubscribeRequest.of(
                "sbx-legacy-subscription").activated()).subscriptionId()));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> Journeys.assertStates(suite, List.of(later)));
        suite.sendMessage(Suite.USAGE, suite.write(Map.of("records", List.of(record(later, "requests", 7,
                run + "-valid")))));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(suite.get(Service.METERING,
                "/v1/admin/metering/usage?customerKey=" + Suite.encode(later.key()), LocalSuite.ADMIN_API_KEY)
                .body()).contains("\"quantity\":7"));
        suite.sim.cancel(later.id());
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(suite.sim.ledger().totalQuantity(
                later.productCode(), later.ledgerId(), "requests")).isEqualTo(7L));
        // AND no customer was created by any of it
        Set<String> allowed = new java.util.HashSet<>(origins);
        allowed.add(later.key());
        assertThat(Storage.newItemsOutside(suite, Storage.CUSTOMERS, customersBefore, allowed))
                .as("customer items created by malformed messages").isEmpty();
    }

    /** Adds, for each kind, the queue's own fields with wrong types or sizes (and the marker) as one more body. */
    private static void typed(Map<String, String> bodies, String prefix, String valid, Map<String, String> fields) {
        new java.util.TreeMap<>(fields).forEach((kind, json) -> {
            String marker = prefix + "-" + (bodies.size() + 1) + "-" + kind;
            bodies.put(marker, "{\"marker\":\"" + marker + "\"," + json + "}");
        });
    }

    /**
     * Wrong envelopes from a genuine SNS envelope and EventBridge event: SNS with a signature that no longer matches,
     * none, an unknown version, an unknown Type, another account's topic, a Message that is not JSON or huge;
     * EventBridge without its detail, with a detail that is not an object, an unknown detail-type or source, wrong
     * types. Each with a fresh id (not a replay of the genuine one) and its marker.
     */
    private static void envelopes(Map<String, String> bodies, String prefix, String sns, String event) {
        Map<String, java.util.function.BiConsumer<com.fasterxml.jackson.databind.node.ObjectNode, String>> snsCases =
                new LinkedHashMap<>();
        snsCases.put("sns-bad-signature", (e, m) -> {
            com.fasterxml.jackson.databind.node.ObjectNode message = (com.fasterxml.jackson.databind.node.ObjectNode)
                    suite.read(e.get("Message").asText());
            message.put("marker", m);
            e.put("Message", suite.write(message));
        });
        snsCases.put("sns-unsigned", (e, m) -> e.remove("Signature"));
        snsCases.put("sns-signature-version-9", (e, m) -> e.put("SignatureVersion", "9"));
        snsCases.put("sns-unknown-type", (e, m) -> e.put("Type", "Surprise"));
        snsCases.put("sns-type-number", (e, m) -> e.put("Type", 42));
        snsCases.put("sns-other-account-topic", (e, m) -> e.put("TopicArn", e.get("TopicArn").asText()
                .replaceFirst(":\\d{12}:", ":999999999999:")));
        snsCases.put("sns-message-not-json", (e, m) -> e.put("Message", "not json " + m));
        snsCases.put("sns-message-object", (e, m) -> e.putObject("Message").put("marker", m));
        snsCases.put("sns-message-200k", (e, m) -> e.put("Message", "{\"marker\":\"" + m + "\",\"x\":\""
                + "m".repeat(200_000) + "\"}"));
        snsCases.forEach((kind, change) -> {
            String marker = prefix + "-" + (bodies.size() + 1) + "-" + kind;
            com.fasterxml.jackson.databind.node.ObjectNode e = (com.fasterxml.jackson.databind.node.ObjectNode) suite
                    .read(sns);
            e.put("MessageId", java.util.UUID.randomUUID().toString());
            change.accept(e, marker);
            e.put("marker", marker);
            bodies.put(marker, suite.write(e));
        });
        Map<String, java.util.function.BiConsumer<com.fasterxml.jackson.databind.node.ObjectNode, String>> ebCases =
                new LinkedHashMap<>();
        ebCases.put("eventbridge-no-detail", (e, m) -> e.remove("detail"));
        ebCases.put("eventbridge-detail-string", (e, m) -> e.put("detail", m));
        ebCases.put("eventbridge-detail-null", (e, m) -> e.putNull("detail"));
        ebCases.put("eventbridge-unknown-detail-type", (e, m) -> e.put("detail-type", "Purchase Agreement Exploded"));
        ebCases.put("eventbridge-no-detail-type", (e, m) -> e.remove("detail-type"));
        ebCases.put("eventbridge-unknown-source", (e, m) -> e.put("source", "evil.marketplace"));
        ebCases.put("eventbridge-detail-type-number", (e, m) -> e.put("detail-type", 7));
        ebCases.put("eventbridge-detail-type-200k", (e, m) -> e.put("detail-type", "d".repeat(200_000)));
        ebCases.forEach((kind, change) -> {
            String marker = prefix + "-" + (bodies.size() + 1) + "-" + kind;
            com.fasterxml.jackson.databind.node.ObjectNode e = (com.fasterxml.jackson.databind.node.ObjectNode) suite
                    .read(event);
            e.put("id", java.util.UUID.randomUUID().toString());
            change.accept(e, marker);
            e.put("marker", marker);
            bodies.put(marker, suite.write(e));
        });
    }

    /**
     * Genuine notifications held back from the queue: a legacy contract's SNS envelopes, a CA subscription's events
     * (released afterwards: their customers' and agreements' keys are added to {@code keys}).
     */
    private static List<String> heldNotifications(List<String> keys) {
        suite.sim.holdNotifications("sbx-legacy-contract");
        suite.sim.holdNotifications("sbx-ca-subscription");
        try {
            SubscribeResult legacy = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-contract"));
            SubscribeResult ca = suite.sim.subscribe(SubscribeRequest.of("sbx-ca-subscription"));
            for (SubscribeResult sub : List.of(legacy, ca)) {
                suite.sim.activate(sub.subscriptionId());
                keys.add(new Buyer(suite.sim.subscription(sub.subscriptionId())).key());
                keys.add(suite.sim.subscription(sub.subscriptionId()).agreementId());
            }
            List<String> held = new ArrayList<>();
            held.addAll(await().atMost(Duration.ofSeconds(30)).until(() -> suite.sim.notifications(
                    "sbx-legacy-contract", legacy.subscriptionId(), null), l -> !l.isEmpty()).stream()
                    .map(SentNotification::body).toList());
            held.addAll(await().atMost(Duration.ofSeconds(30)).until(() -> suite.sim.notifications(
                    "sbx-ca-subscription", ca.subscriptionId(), null), l -> !l.isEmpty()).stream()
                    .map(SentNotification::body).toList());
            return held;
        } finally {
            suite.sim.releaseNotifications("sbx-legacy-contract");
            suite.sim.releaseNotifications("sbx-ca-subscription");
        }
    }

    // ---------------------------------------------------------------- issue 18: the hostile run's findings 1-8

    @Test
    void hostileRunFindings_eachIsRefusedOrParkedAtOnce_withAClearReason() throws Exception {
        Set<String> usageBefore = Storage.keys(suite, Storage.USAGE);
        // GIVEN an active Concurrent Agreements customer and an active legacy customer
        Buyer ca = new Buyer(suite.sim.subscription(suite.sim.subscribe(SubscribeRequest.of("sbx-ca-subscription")
                .activated()).subscriptionId()));
        Buyer legacy = new Buyer(suite.sim.subscription(suite.sim.subscribe(SubscribeRequest.of(
                "sbx-legacy-subscription").activated()).subscriptionId()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Journeys.assertStates(suite, List.of(ca, legacy)));
        String arn = ca.subscription().licenseArn();
        String licenseId = arn.substring(arn.lastIndexOf(':') + 1);
        String otherAccount = arn.replace(":" + ca.subscription().customerAWSAccountId() + ":", ":999999999999:");

        // 1 + 2: what can never succeed is parked at once with its reason, on every queue (a retried message would
        // only be parked after 6 hours, as "still failing after ...")
        String deep = "[".repeat(1_500) + "]".repeat(1_500);
        String marker = "issue18-" + RANDOM.nextInt(1_000_000);
        suite.sendMessage(Suite.NOTIFICATIONS, "{\"marker\":\"" + marker + "\",\"x\":" + deep + "}");
        suite.sendMessage(Suite.USAGE, "{\"marker\":\"" + marker + "\",\"records\":" + deep + "}");
        suite.sendMessage(Suite.COMMANDS, "{\"marker\":\"" + marker + "\",\"customer\":" + deep + "}");
        suite.sendMessage(Suite.NOTIFICATIONS, resigned(legacyNotification(), "C".repeat(3_000), marker));
        // each dead-letter queue read through: the corpus tests park hundreds before this one
        await().atMost(Duration.ofSeconds(90)).pollInterval(Suite.READ_THROUGH_AGAIN).untilAsserted(() -> {
            Map<String, String> reasons = new LinkedHashMap<>();
            for (String queue : List.of(Suite.NOTIFICATIONS, Suite.USAGE, Suite.COMMANDS)) {
                suite.deadLettersContaining(queue, marker).stream()
                        .forEach(p -> reasons.put(queue + (p.body().contains("CCCC") ? " long id" : ""),
                                p.parkReason()));
            }
            assertThat(reasons).containsKeys(Suite.NOTIFICATIONS, Suite.USAGE, Suite.COMMANDS,
                    Suite.NOTIFICATIONS + " long id");
            assertThat(reasons.values()).allSatisfy(r -> assertThat(r).isNotBlank().doesNotStartWith("still failing"));
            assertThat(reasons.get(Suite.NOTIFICATIONS)).contains("past the parser's limits");
            assertThat(reasons.get(Suite.NOTIFICATIONS + " long id")).contains("customer-identifier: longer than");
        });

        // 3: a license ARN is compared whole: another account, or garbage ending in the id, is not the customer
        for (String forged : List.of(otherAccount, "garbage:" + licenseId)) {
            Suite.Answer customer = suite.get(Service.ENTITLEMENT, "/api/v1/customers?licenseArn="
                    + Suite.encode(forged), LocalSuite.APP_API_KEY);
            assertThat(customer.status()).as(forged).isEqualTo(404);
            assertThat(customer.body()).as(forged).contains("license ARN").doesNotContain("@");
            assertThat(suite.get(Service.ENTITLEMENT, "/api/v1/access?dimension=requests&licenseArn="
                    + Suite.encode(forged), LocalSuite.APP_API_KEY).status()).as(forged).isEqualTo(404);
        }
        Map<String, Object> foreign = record(ca, "requests", 1, "issue18-foreign-" + marker);
        foreign.put("licenseArn", otherAccount);
        Map<String, Object> garbage = record(ca, "requests", 1, "issue18-garbage-" + marker);
        garbage.put("licenseArn", "garbage:" + licenseId);
        Map<String, Object> legacyWithForeignArn = record(legacy, "requests", 1, "issue18-legacy-" + marker);
        legacyWithForeignArn.put("licenseArn", arn);
        Suite.Answer usage = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY,
                suite.write(Map.of("records", List.of(foreign, garbage, legacyWithForeignArn))));
        assertThat(usage.status()).isEqualTo(200);
        assertThat(suite.read(usage.body()).path("rejected").asInt()).isEqualTo(3);

        // 4: strict JSON types: a quantity sent as the string "5" is a 400 naming the field
        Map<String, Object> stringQuantity = record(ca, "requests", 1, "issue18-string-" + marker);
        stringQuantity.put("quantity", "5");
        Suite.Answer typed = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY,
                suite.write(Map.of("records", List.of(stringQuantity))));
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.header("Content-Type")).startsWith("application/problem+json");
        assertThat(typed.body()).contains("records[0].quantity must be a JSON number");

        // 5: a malformed chunked body is answered 400 (not a dropped connection) on onboarding and metering
        for (Service service : List.of(Service.ONBOARDING, Service.METERING)) {
            String path = service == Service.ONBOARDING ? "/" : "/v1/usage";
            Suite.Answer chunks = RawHttp.exchange(suite.local.url(service), "POST " + path + " HTTP/1.1\nHost:"
                    + " localhost\nX-Forwarded-For: " + address() + "\nAuthorization: Bearer "
                    + LocalSuite.APP_API_KEY + "\nContent-Type: " + (service == Service.ONBOARDING
                            ? "application/x-www-form-urlencoded" : "application/json")
                    + "\nTransfer-Encoding: chunked\n",
                    Session.utf8("zz\r\nabc\r\n0\r\n\r\n"), true);
            assertThat(chunks.status()).as(service + " " + chunks.body()).isEqualTo(400);
        }

        // 7: admin limits out of their documented range are 400 problem+json on every admin list, never 404/500
        for (String limit : List.of("99999999999999", "-1")) {
            for (String[] list : new String[][] {
                {"METERING", "/v1/admin/metering/failures?limit=" + limit},
                {"METERING", "/v1/admin/metering/usage?customerKey=" + Suite.encode(ca.key()) + "&limit=" + limit},
                {"ENTITLEMENT", "/api/v1/admin/customers/" + Suite.encode(ca.key()) + "/history?limit=" + limit},
                {"ENTITLEMENT", "/api/v1/admin/customers/" + Suite.encode(ca.key()) + "?historyLimit=" + limit}}) {
                Suite.Answer answer = suite.get(Service.valueOf(list[0]), list[1], LocalSuite.ADMIN_API_KEY);
                assertThat(answer.status()).as(list[1]).isEqualTo(400);
                assertThat(answer.header("Content-Type")).as(list[1]).startsWith("application/problem+json");
            }
        }

        // 8: a body over the documented limit is a 413 problem+json; a rejection quotes 64 characters of a key;
        // malformed JSON says what is wrong
        Suite.Answer huge = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY,
                "{\"records\":[{\"idempotencyKey\":\"" + "k".repeat(5 * 1024 * 1024) + "\"}]}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.header("Content-Type")).startsWith("application/problem+json");
        Map<String, Object> longKey = record(ca, "requests", 1, "K".repeat(1024 * 1024 - 1_000));
        Suite.Answer echoed = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY,
                suite.write(Map.of("records", List.of(longKey))));
        assertThat(echoed.status()).isEqualTo(200);
        assertThat(suite.read(echoed.body()).path("results").path(0).path("idempotencyKey").asText())
                .isEqualTo("K".repeat(64) + "...");
        assertThat(echoed.body().length()).isLessThan(2_000);
        Suite.Answer malformed = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY,
                "{\"records\": [ {");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(suite.read(malformed.body()).path("detail").asText()).doesNotContain("HTTP 400")
                .contains("not valid JSON");

        // AND none of it stored usage
        Set<String> usageAllowed = Set.of("quota#runs|");
        assertThat(Storage.newItemsOutside(suite, Storage.USAGE, usageBefore, usageAllowed))
                .as("usage items created by the findings' inputs").isEmpty();
    }

    /** A genuine legacy subscribe-success SNS envelope, held back from the queue. */
    private static String legacyNotification() {
        suite.sim.holdNotifications("sbx-legacy-subscription");
        try {
            SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription").activated());
            return await().atMost(Duration.ofSeconds(30)).until(() -> suite.sim.notifications(
                    "sbx-legacy-subscription", sub.subscriptionId(), null), l -> !l.isEmpty()).get(0).body();
        } finally {
            suite.sim.releaseNotifications("sbx-legacy-subscription");
        }
    }

    /**
     * The envelope with its customer identifier replaced and signed again with the sandbox's key (which the suite
     * trusts): a validly signed notification naming an identifier no genuine one carries.
     */
    private static String resigned(String envelope, String customerIdentifier, String marker) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode e = (com.fasterxml.jackson.databind.node.ObjectNode) suite
                .read(envelope);
        com.fasterxml.jackson.databind.node.ObjectNode message = (com.fasterxml.jackson.databind.node.ObjectNode)
                suite.read(e.get("Message").asText());
        message.put("customer-identifier", customerIdentifier);
        message.put("marker", marker);
        String text = suite.write(message);
        String id = java.util.UUID.randomUUID().toString();
        String subject = e.hasNonNull("Subject") ? e.get("Subject").asText() : null;
        e.put("Message", text);
        e.put("MessageId", id);
        e.put("Signature", io.mpsaas.sandbox.marketplace.notify.SnsSigning.sandbox().sign(
                io.mpsaas.sandbox.marketplace.notify.SnsSigning.stringToSign(text, id, subject,
                        e.get("Timestamp").asText(), e.get("TopicArn").asText()), e.get("SignatureVersion").asText()));
        return suite.write(e);
    }

    /** Sends one message; SQS itself refuses some bodies (as AWS does): those never reach a consumer. */
    private static int enqueue(String queue, String body) {
        try {
            suite.sendMessage(queue, body);
            figures.inc("messages sent: " + queue);
            return 1;
        } catch (software.amazon.awssdk.services.sqs.model.SqsException e) {
            figures.inc("messages SQS itself refused (never reach a consumer)");
            return 0;
        }
    }

    /** SQS refuses empty bodies and some characters (as AWS does): those cases are sent with a marker. */
    static String nonEmpty(String value) {
        String cleaned = value.codePoints().filter(cp -> cp == 0x9 || cp == 0xA || cp == 0xD
                || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return cleaned.isEmpty() ? "(empty)" : cleaned;
    }

    /** A genuine notification with one part replaced by a hostile value: the signature no longer matches. */
    static String tamper(String genuine, String value) {
        String json = java.util.regex.Matcher.quoteReplacement(nonEmpty(value).replace("\\", "\\\\")
                .replace("\"", "\\\""));
        return switch (RANDOM.nextInt(6)) {
            case 0 -> genuine.replaceFirst("\"TopicArn\" : \"[^\"]*\"", "\"TopicArn\" : \"arn:aws:sns:us-east-1:"
                    + "999999999999:aws-mp-subscription-notification-" + json + "\"");
            case 1 -> genuine.replaceFirst("\"SigningCertURL\" : \"[^\"]*\"", "\"SigningCertURL\" : \"" + json
                    + "\"");
            case 2 -> genuine.replaceFirst("\"Signature\" : \"[^\"]*\"", "\"Signature\" : \"" + json + "\"");
            case 3 -> genuine.replaceFirst("\"source\":\"[^\"]*\"", "\"source\":\"" + json + "\"")
                    .replaceFirst("subscribe-success", "unsubscribe-success");
            case 4 -> genuine.replaceFirst("\"detail-type\":\"[^\"]*\"", "\"detail-type\":\"" + json + "\"")
                    .replaceFirst("\"SignatureVersion\" : \"1\"", "\"SignatureVersion\" : \"" + json + "\"");
            default -> genuine.length() < 2 ? json : genuine.substring(0, RANDOM.nextInt(genuine.length() - 1) + 1);
        };
    }
}
