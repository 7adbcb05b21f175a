package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The security promises, checked against the running suite: credentials on every API and the console, CSRF and
 * security headers on the registration pages (HSTS when the request came over TLS), the fulfillment URL's rate
 * limit, and no registration token or personal data in any service's log.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class SecurityTest {

    private static Suite suite;
    private static Figures figures;
    /** Every token and personal value the tests send: none may appear in a log. */
    private static final List<String> SECRETS = new ArrayList<>();

    @BeforeAll
    static void start() {
        suite = AttackedSuite.get();
        figures = new Figures("security");
    }

    @AfterAll
    static void publish() {
        figures.publish();
    }

    private Suite.Answer call(Service service, String method, String path, Map<String, String> headers) {
        HttpRequest.Builder request = suite.request(service, path).method(method, method.equals("GET")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        request.header("Content-Type", "application/json");
        headers.forEach(request::header);
        figures.inc("credential checks");
        return suite.send(request.build());
    }

    @Test
    void apisAndConsole_refuseMissingOrWrongCredentials() {
        List<Map<String, String>> wrong = List.of(Map.of(),
                Map.of("Authorization", "Bearer"),
                Map.of("Authorization", "Bearer "),
                Map.of("Authorization", "Bearer wrong-key"),
                Map.of("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (LocalSuite.APP_API_KEY + ":").getBytes())),
                Map.of("Authorization", "bearer" + LocalSuite.APP_API_KEY),
                Map.of("Authorization", "Bearer " + LocalSuite.APP_API_KEY + "x"),
                Map.of("Authorization", "Bearer " + LocalSuite.APP_API_KEY.toUpperCase()),
                Map.of("X-Api-Key", ""),
                Map.of("X-Api-Key", "dev-app-ke"),
                Map.of("X-Api-Key", LocalSuite.APP_API_KEY + "\u0000"),
                Map.of("Cookie", "mpsaas_console=forged"));
        List<String[]> appEndpoints = List.of(
                new String[] {"METERING", "POST", "/v1/usage"},
                new String[] {"ENTITLEMENT", "GET", "/api/v1/customers/license%23l-1"},
                new String[] {"ENTITLEMENT", "GET", "/api/v1/access?dimension=x&licenseArn=arn:x:l-1"});
        List<String[]> adminEndpoints = List.of(
                new String[] {"METERING", "GET", "/v1/admin/metering/failures"},
                new String[] {"METERING", "POST", "/v1/admin/metering/runs"},
                new String[] {"METERING", "POST", "/v1/admin/metering/flush"},
                new String[] {"METERING", "POST", "/v1/admin/metering/redrive"},
                new String[] {"ENTITLEMENT", "GET", "/api/v1/admin/parked-messages"},
                new String[] {"ENTITLEMENT", "POST", "/api/v1/admin/parked-messages/replay"},
                new String[] {"ENTITLEMENT", "POST", "/api/v1/admin/reconciliation"},
                new String[] {"ENTITLEMENT", "GET", "/api/v1/admin/consumers"});
        List<String> refusedWrongly = new ArrayList<>();
        for (String[] e : concat(appEndpoints, adminEndpoints)) {
            for (Map<String, String> headers : wrong) {
                // WHEN no key, a malformed or a wrong one THEN 401/403 problem+json
                Suite.Answer answer = call(Service.valueOf(e[0]), e[1], e[2], headers.entrySet().stream()
                        .filter(h -> !h.getValue().contains("\u0000")).collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, Map.Entry::getValue)));
                if (answer.status() != 401 && answer.status() != 403) {
                    refusedWrongly.add(String.join(" ", e) + " with " + headers.keySet() + ": " + answer.status());
                } else {
                    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                }
            }
        }
        // AND the app key opens no admin endpoint
        for (String[] e : adminEndpoints) {
            Suite.Answer answer = call(Service.valueOf(e[0]), e[1], e[2], Map.of("Authorization", "Bearer "
                    + LocalSuite.APP_API_KEY));
            if (answer.status() != 403) {
                refusedWrongly.add(String.join(" ", e) + " with the app key: " + answer.status());
            }
        }
        assertThat(refusedWrongly).as("endpoints that did not refuse").isEmpty();

        // AND the console: nothing without a sign-in, a wrong key (or a service's key) signs nobody in, a sign-in
        // never leads off the console
        Session stranger = new Session("192.0.2.50");
        for (String path : List.of("/console", "/console/customers", "/console/parked", "/console/failures",
                "/console/usage?key=x", "/console/customer?key=x")) {
            Suite.Answer answer = stranger.get(suite.url(Service.CONSOLE, path));
            figures.inc("credential checks");
            assertThat(answer.status()).as(path).isIn(302, 303, 401, 403);
            assertThat(answer.body()).doesNotContain("Parked messages</h1>", "Customers</h1>");
        }
        for (String key : List.of("wrong-key", LocalSuite.ADMIN_API_KEY, LocalSuite.APP_API_KEY)) {
            Suite.Answer refused = stranger.post(suite.url(Service.CONSOLE, "/console/j_security_check"),
                    Map.of("operator", "mallory", "key", key));
            assertThat(refused.status()).isIn(302, 303, 401, 403);
            assertThat(refused.header("Location")).contains("/console/login");
            assertThat(stranger.get(suite.url(Service.CONSOLE, "/console")).status()).isIn(302, 303, 401, 403);
        }
        // a form posted without its CSRF token does nothing, even signed in
        Session operator = new Session("192.0.2.52");
        operator.get(suite.url(Service.CONSOLE, "/console/login"));
        Suite.Answer in = operator.post(suite.url(Service.CONSOLE, "/console/j_security_check"),
                Map.of("operator", "ada", "key", LocalSuite.OPERATOR_KEY));
        assertThat(in.status()).isIn(302, 303);
        assertThat(in.header("Location")).contains("/console");
        Suite.Answer noCsrf = operator.post(suite.url(Service.CONSOLE, "/console/parked/replay"),
                Map.of("queue", "metering-usage"));
        assertThat(noCsrf.status()).isIn(400, 403);
        // a link planted on another site leads back to the console only
        for (String next : List.of("//evil.example", "/\\evil.example", "https:evil.example")) {
            Session s = new Session("192.0.2.53");
            s.get(suite.url(Service.CONSOLE, "/console/" + Suite.encode(next)));
            Suite.Answer redirect = s.post(suite.url(Service.CONSOLE, "/console/j_security_check"),
                    Map.of("operator", "ada", "key", LocalSuite.OPERATOR_KEY));
            URI location = URI.create(redirect.header("Location"));
            assertThat(location.getHost()).as(next).isIn(null, "localhost", "127.0.0.1");
            assertThat(location.getRawPath()).as(next).startsWith("/console");
        }
        SECRETS.add(LocalSuite.OPERATOR_KEY);
        SECRETS.add(LocalSuite.ADMIN_API_KEY);
        SECRETS.add(LocalSuite.APP_API_KEY);
    }

    @Test
    void registrationPages_areCsrfProtected_carrySecurityHeaders_andHstsOnlyOverTls() {
        // GIVEN a buyer landing through the TLS-terminating proxy: the page asks to stay on https, and the CSRF
        // cookie is Secure
        SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription"));
        SECRETS.add(sub.registrationToken());
        Suite.Answer overTls = new Session("192.0.2.59").send(HttpRequest.newBuilder(suite.url(Service.ONBOARDING,
                "/")).header("X-Forwarded-Proto", "https")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("x-amzn-marketplace-token="
                        + Suite.encode(sub.registrationToken()))));
        assertThat(overTls.status()).isEqualTo(200);
        assertSecurityHeaders(overTls, true);
        assertThat(overTls.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).containsIgnoringCase(
                "; Secure").containsIgnoringCase("; HttpOnly"));
        assertThat(overTls.body()).doesNotContain(sub.registrationToken());
        // (the rest of the journey over plain http, where this test's client may send the cookie back)
        Session buyer = new Session("192.0.2.60");
        String token = suite.sim.issueToken(sub.subscriptionId());
        SECRETS.add(token);
        Suite.Answer form = buyer.post(suite.url(Service.ONBOARDING, "/"), Map.of("x-amzn-marketplace-token", token));
        assertThat(form.status()).isEqualTo(200);
        assertSecurityHeaders(form, false);
        assertThat(form.body()).doesNotContain(sub.registrationToken());
        Map<String, String> hidden = Session.hiddenFields(form.body());
        String csrfField = hidden.keySet().stream().filter(k -> !k.equals("ref")).findFirst().orElseThrow();
        assertThat(hidden.get(csrfField)).isNotBlank();

        String unique = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> details = new LinkedHashMap<>(hidden);
        details.put("company", "Zyxwv Secret Co " + unique);
        details.put("contactName", "Quentin Privatus " + unique);
        details.put("email", "q.privatus." + unique + "@example.com");
        details.put("phone", "+1 555 01" + unique.replaceAll("[^0-9]", "7").substring(0, 4));
        details.put("teamSize", "12");
        SECRETS.addAll(List.of(details.get("company"), details.get("contactName"), details.get("email"),
                details.get("phone")));

        // WHEN the form is submitted from another site: no CSRF token, or a forged one
        Session attacker = new Session("192.0.2.61");
        Map<String, String> forged = new LinkedHashMap<>(details);
        forged.remove(csrfField);
        Suite.Answer withoutToken = attacker.post(suite.url(Service.ONBOARDING, "/register"), forged);
        forged.put(csrfField, "forged-token");
        Suite.Answer forgedToken = attacker.post(suite.url(Service.ONBOARDING, "/register"), forged);
        Map<String, String> swapped = new LinkedHashMap<>(details);
        swapped.put(csrfField, "x" + hidden.get(csrfField));
        Suite.Answer wrongToken = buyer.post(suite.url(Service.ONBOARDING, "/register"), swapped);
        // THEN each is refused (403) and nothing is registered
        assertThat(List.of(withoutToken.status(), forgedToken.status(), wrongToken.status())).containsOnly(403);
        assertThat(Storage.keys(suite, Storage.CUSTOMERS)).noneMatch(k -> k.endsWith("|REGISTRATION")
                && k.contains(sub.customerIdentifier()));

        // WHEN the buyer submits the genuine form over TLS, as their tab shows it now: the form shown again with the
        // refused submit (the signed CSRF cookie was issued anew with it, so the token of the first page is stale)
        // THEN the confirmation carries the same protections
        Map<String, String> shownAgain = Session.hiddenFields(wrongToken.body());
        assertThat(shownAgain.get(csrfField)).isNotBlank();
        details.putAll(shownAgain);
        Suite.Answer confirmation = buyer.send(HttpRequest.newBuilder(suite.url(Service.ONBOARDING, "/register"))
                .header("X-Forwarded-Proto", "https")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Session.form(details))));
        assertThat(confirmation.status()).as(confirmation.body()).isEqualTo(200);
        assertSecurityHeaders(confirmation, true);
        figures.inc("registrations");

        // AND over plain http the pages carry everything but HSTS
        Suite.Answer plain = new Session("192.0.2.62").get(suite.url(Service.ONBOARDING, "/"));
        assertSecurityHeaders(plain, false);
        assertThat(plain.header("Strict-Transport-Security")).isNull();
    }

    private static void assertSecurityHeaders(Suite.Answer page, boolean tls) {
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'", "frame-ancestors 'none'",
                "form-action 'self'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        if (tls) {
            assertThat(page.header("Strict-Transport-Security")).startsWith("max-age=");
        }
        figures.inc("pages checked for security headers");
    }

    @Test
    void fulfillmentUrl_isRateLimitedPerClient_withARetryAfterPage() {
        // GIVEN the suite's limit: a burst of 10, then 30 a minute, per client address
        String flooder = "198.51.100.99";
        int limited = 0;
        Suite.Answer first429 = null;
        // WHEN one client floods the fulfillment URL with 25 POSTs
        for (int i = 0; i < 25; i++) {
            Suite.Answer answer = new Session(flooder).post(suite.url(Service.ONBOARDING, "/"), Map.of(
                    "x-amzn-marketplace-token", "flood-" + i));
            if (answer.status() == 429) {
                limited++;
                first429 = first429 == null ? answer : first429;
            } else {
                assertThat(answer.status()).isEqualTo(400);
            }
        }
        // THEN most of the flood is refused with 429, a readable page and Retry-After
        assertThat(limited).isGreaterThanOrEqualTo(10);
        assertThat(first429.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(first429.header("Content-Type")).startsWith("text/html");
        assertThat(first429.body()).contains("Too many requests");
        figures.set("fulfillment POSTs refused with 429 (of 25 from one client)", limited);
        // AND a genuine buyer from another address lands normally
        SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription"));
        SECRETS.add(sub.registrationToken());
        assertThat(new Session("198.51.100.100").post(suite.url(Service.ONBOARDING, "/"), Map.of(
                "x-amzn-marketplace-token", sub.registrationToken())).status()).isEqualTo(200);
    }

    @Test
    void zz_logsHoldNoTokenKeyOrPersonalData() {
        // GIVEN everything the other tests of this class sent (they run first: the name sorts last)
        SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-ca-subscription"));
        SECRETS.add(sub.registrationToken());
        Session buyer = new Session("192.0.2.70");
        assertThat(buyer.post(suite.url(Service.ONBOARDING, "/"), Map.of("x-amzn-marketplace-token",
                sub.registrationToken())).status()).isEqualTo(200);
        // THEN no service log contains any of them
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(suite.logs())
                .contains("onboarding-service"));
        String logs = suite.logs();
        List<String> leaked = SECRETS.stream().filter(logs::contains).map(s -> s.length() > 12
                ? s.substring(0, 6) + "..." : s).toList();
        figures.set("secrets and personal values searched in the logs", SECRETS.size());
        figures.set("log bytes scanned", logs.length());
        assertThat(leaked).as("tokens, keys or personal data found in the service logs").isEmpty();
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    // issue 18, keys, limits, logs

    /** The key id a log line gives instead of a key: the first 8 hex digits of its SHA-256. */
    private static String keyId(String key) throws Exception {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(hash, 0, 4);
    }

    @Test
    void logs_keepEveryLineOneLine_andNameAKeyByItsIdOnly() throws Exception {
        // GIVEN a usage record whose idempotency key tries to forge a log line, sent with a wrong key first
        String marker = "FORGED" + UUID.randomUUID().toString().substring(0, 8);
        String wrongKey = "wrong-" + UUID.randomUUID();
        SECRETS.add(wrongKey);
        String body = "{\"records\":[{\"licenseArn\":\"arn:aws:license-manager::111122223333:license:l-0f1e2d3c\","
                + "\"dimension\":\"requests\",\"quantity\":-1,\"timestamp\":\"" + java.time.Instant.now()
                + "\",\"idempotencyKey\":\"k1\\r\\n" + marker + " INFO [io.mpsaas] billed\\u2028x\"}]}";
        assertThat(call(Service.METERING, "POST", "/v1/usage", Map.of("X-Api-Key", wrongKey)).status())
                .isEqualTo(401);
        HttpRequest.Builder usage = suite.request(Service.METERING, "/v1/usage")
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("X-Api-Key", LocalSuite.APP_API_KEY);
        Suite.Answer answer = suite.send(usage.build());
        assertThat(answer.status()).as(answer.body()).isLessThan(500);

        // THEN metering's log names the wrong key by its id, and the forged text stays inside the rejection's line
        String id = keyId(wrongKey);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(suite.logs()).contains(marker)
                .contains("unknown API key (key " + id + ")"));
        List<String> lines = suite.logs().lines().filter(l -> l.contains(marker)).toList();
        figures.set("log lines holding a forged CR/LF value", lines.size());
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotStartWith(marker)
                .contains("Rejected usage record k1\\r\\n" + marker));
        assertThat(suite.logs()).doesNotContain(wrongKey);
    }

    @Test
    void fulfillmentUrl_limitsAnIpv6ClientByIts64() {
        // GIVEN an IPv6 client rotating its address inside one /64 (the trusted proxy's X-Forwarded-For)
        int limited = 0;
        for (int i = 1; i <= 14; i++) {
            Suite.Answer answer = new Session("2001:db8:18:64::" + Integer.toHexString(i)).post(
                    suite.url(Service.ONBOARDING, "/"), Map.of("x-amzn-marketplace-token", "rotate-" + i));
            limited += answer.status() == 429 ? 1 : 0;
        }
        // THEN its rotation gains nothing: the burst of 10 is the /64's
        figures.set("fulfillment POSTs refused with 429 (of 14 from one IPv6 /64)", limited);
        assertThat(limited).isGreaterThanOrEqualTo(3);
        // AND the next /64 is another client
        assertThat(new Session("2001:db8:18:65::1").post(suite.url(Service.ONBOARDING, "/"), Map.of(
                "x-amzn-marketplace-token", "next-64")).status()).isEqualTo(400);
    }

    @Test
    void registrationCsrfCookie_isSigned_soAPlantedCookieMatchesNoForm() {
        // GIVEN a buyer's form: the cookie holds the token's signature, not the token
        SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription"));
        SECRETS.add(sub.registrationToken());
        Session buyer = new Session("192.0.2.80");
        Suite.Answer form = buyer.post(suite.url(Service.ONBOARDING, "/"), Map.of("x-amzn-marketplace-token",
                sub.registrationToken()));
        assertThat(form.status()).isEqualTo(200);
        Map<String, String> hidden = Session.hiddenFields(form.body());
        String csrfField = hidden.keySet().stream().filter(k -> !k.equals("ref")).findFirst().orElseThrow();
        String token = hidden.get(csrfField);
        String cookie = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(csrfField + "="))
                .findFirst().orElseThrow();
        assertThat(cookie).doesNotContain(token);

        // WHEN an attacker plants a cookie of its own and posts the same value in the form (the unsigned double submit)
        String planted = "AAAAAAAAAAAAAAAAAAAAAA";
        Map<String, String> details = new LinkedHashMap<>(hidden);
        details.put(csrfField, planted);
        details.putAll(Map.of("company", "Planted Cookie Co", "contactName", "Mallory", "email", "m@example.com",
                "teamSize", "3"));
        Suite.Answer forged = suite.send(suite.request(Service.ONBOARDING, "/register")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", csrfField + "=" + planted).header(AttackedSuite.CLIENT_HEADER, "192.0.2.81")
                .POST(HttpRequest.BodyPublishers.ofString(Session.form(details))).build());

        // THEN it is refused and nothing is registered
        assertThat(forged.status()).isEqualTo(403);
        assertThat(Storage.keys(suite, Storage.CUSTOMERS)).noneMatch(k -> k.endsWith("|REGISTRATION")
                && k.contains(sub.customerIdentifier()));
        figures.inc("planted CSRF cookies refused");
    }

    /** entitlement-service's parked messages by reason code ({@code GET /api/v1/admin/consumers}). */
    private Map<String, Long> parkedByReason() {
        Suite.Answer stats = call(Service.ENTITLEMENT, "GET", "/api/v1/admin/consumers",
                Map.of("X-Api-Key", LocalSuite.ADMIN_API_KEY));
        assertThat(stats.status()).isEqualTo(200);
        Map<String, Long> counts = new LinkedHashMap<>();
        suite.read(stats.body()).path("parkedByReason").fields().forEachRemaining(e -> counts.put(e.getKey(),
                e.getValue().asLong()));
        return counts;
    }

    @Test
    void parkedByReason_staysBounded_whateverTypeAMessageClaims() {
        // GIVEN 40 messages on the notification queue, each claiming a Type (and so a reason) of its own
        long before = parkedByReason().values().stream().mapToLong(Long::longValue).sum();
        String marker = "ForgedType" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 40; i++) {
            suite.sendMessage(Suite.NOTIFICATIONS, "{\"Type\":\"" + marker + i + ": x\",\"MessageId\":\"m-" + i
                    + "\",\"Message\":\"{}\",\"TopicArn\":\"arn:aws:sns:us-east-1:287250355862:aws-mp-x\"}");
        }
        // THEN they are parked, and the counts by reason gain no key of their own
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(parkedByReason().values().stream()
                .mapToLong(Long::longValue).sum() - before).isGreaterThanOrEqualTo(40));
        Map<String, Long> byReason = parkedByReason();
        figures.set("parkedByReason keys after 40 forged Types", byReason.size());
        assertThat(byReason.keySet()).noneMatch(k -> k.contains(marker));
        assertThat(byReason.size()).isLessThanOrEqualTo(50);
    }

    // issue 18, forged facts

    /** The customer as the admin API answers it (with what only operators see: the offer type hint). */
    private com.fasterxml.jackson.databind.JsonNode adminCustomer(String key) {
        Suite.Answer answer = suite.get(Service.ENTITLEMENT, "/api/v1/admin/customers/" + Suite.encode(key),
                LocalSuite.ADMIN_API_KEY);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return suite.read(answer.body());
    }

    @Test
    void forgedFacts_aRealTokenRepostedAsAFreeTrial_isAHintOnly_andAwsSaysNoTrial() {
        // GIVEN a buyer of a paid legacy subscription (AWS's form carries no offer type)
        SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription"));
        SECRETS.add(sub.registrationToken());
        String key = io.mpsaas.common.customer.CustomerKeys.forLegacy(sub.productCode(), sub.customerIdentifier());

        // WHEN the buyer re-posts their real token with x-amzn-marketplace-offer-type=free-trial, and AWS activates
        Suite.Answer landed = new Session("198.51.100.118").post(suite.url(Service.ONBOARDING, "/"), Map.of(
                "x-amzn-marketplace-token", sub.registrationToken(), "x-amzn-marketplace-offer-type", "free-trial"));
        assertThat(landed.status()).isEqualTo(200);
        suite.sim.activate(sub.subscriptionId());

        // THEN AWS's word stands: active, no free trial; the posted claim is kept apart and named a hint
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(adminCustomer(key).path("customer")
                .path("state").asText()).isEqualTo("ACTIVE"));
        var detail = adminCustomer(key);
        assertThat(detail.path("customer").path("freeTrial").asBoolean()).isFalse();
        assertThat(detail.path("offerTypeHint").asText()).isEqualTo("free-trial");
        assertThat(detail.has("freeTrialOffer")).isFalse();
        figures.inc("forged offer types kept as hints");
    }

    @Test
    void forgedFacts_eventBridgeEventsFromTheFutureOrAnotherRegion_areParked_andFreezeNothing() {
        // GIVEN an active Concurrent Agreements customer (EventBridge)
        SubscribeResult sub = suite.sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").activated());
        String key = io.mpsaas.common.customer.CustomerKeys.forLicense(sub.licenseArn());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(adminCustomer(key).path("customer")
                .path("state").asText()).isEqualTo("ACTIVE"));
        String marker = "forged-" + UUID.randomUUID();

        // WHEN a License Deprovisioned event for it, unsigned as all EventBridge events are, is dated a day ahead,
        // and another comes from a region AWS Marketplace does not send from
        java.time.Instant now = java.time.Instant.now();
        suite.sendMessage(Suite.NOTIFICATIONS, deprovisioned(sub, marker + "-future", now.plus(Duration.ofDays(1)),
                "us-east-1"));
        suite.sendMessage(Suite.NOTIFICATIONS, deprovisioned(sub, marker + "-region", now, "eu-west-1"));

        // THEN each is parked once, at once, with its reason
        await().atMost(Duration.ofSeconds(60)).pollInterval(Suite.READ_THROUGH_AGAIN).untilAsserted(() -> {
            // the dead-letter queue read through: other tests park hundreds
            List<Suite.Parked> parked = suite.deadLettersContaining(Suite.NOTIFICATIONS, marker);
            assertThat(parked).hasSize(2);
            assertThat(parked).anySatisfy(p -> assertThat(p.parkReason()).contains("is in the future")
                    .contains("max-clock-skew"));
            assertThat(parked).anySatisfy(p -> assertThat(p.parkReason())
                    .contains("region eu-west-1, not an expected one"));
        });
        // AND the customer is not frozen: AWS's genuine cancellation still applies
        assertThat(adminCustomer(key).path("customer").path("state").asText()).isEqualTo("ACTIVE");
        suite.sim.cancel(sub.subscriptionId());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(adminCustomer(key).path("customer")
                .path("state").asText()).isEqualTo("UNSUBSCRIBE_PENDING"));
        figures.add("forged EventBridge events parked", 2);
    }

    /** A License Deprovisioned event as AWS would send it for {@code sub}, at {@code time} from {@code region}. */
    private String deprovisioned(SubscribeResult sub, String id, java.time.Instant time, String region) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("agreement", Map.of("id", sub.agreementId()));
        detail.put("product", Map.of("code", sub.productCode()));
        detail.put("license", Map.of("arn", sub.licenseArn()));
        detail.put("acceptor", Map.of("accountId", sub.customerAWSAccountId()));
        detail.put("offer", Map.of("id", sub.offerId()));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", "License Deprovisioned - Manufacturer");
        event.put("source", "aws.agreement-marketplace");
        event.put("account", suite.sim.sellerAccountId());
        event.put("time", time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", region);
        event.put("resources", List.of());
        event.put("detail", detail);
        return suite.write(event);
    }
}
