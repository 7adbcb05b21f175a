package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.land;
import static io.mpsaas.onboarding.Buyers.validFields;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.CompanyIndex;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.onboarding.service.ReferenceSigner;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The registration form's submit: storage, the event, coming back, and every way a submit can be refused. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class RegistrationTest {

    static final String SCRIPT = "<script>alert('x')</script>\"'&";

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    @Inject
    ReferenceSigner signer;

    @TestHTTPResource("/register")
    URI registerUrl;

    Buyers buyers;
    CustomerEvents events;

    @BeforeEach
    void setUp() {
        buyers = new Buyers(sandbox, dynamo);
        events = new CustomerEvents(sqs, mapper);
    }

    @Test
    void submit_storesRegistration_showsConfirmation_andPublishesOneEvent() {
        // GIVEN a buyer on the registration form
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));

        // WHEN the buyer submits valid details
        Response response = form.submit(validFields("Analytical Engines Ltd"));

        // THEN the confirmation page shows what happens next and the link into the product
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("You are registered", "Analytical Engines Ltd", "What happens next",
                "href=\"https://app.example.com/welcome\"", "Open Acme Analytics");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        // AND the registration is stored beside the customer, which is marked registered
        RegistrationRecord registration = buyers.registration(key).orElseThrow();
        assertThat(registration.company()).isEqualTo("Analytical Engines Ltd");
        assertThat(registration.contactName()).isEqualTo("Ada Lovelace");
        assertThat(registration.email()).isEqualTo("ada@example.com");
        assertThat(registration.phone()).isEqualTo("+44 20 7946 0000");
        assertThat(registration.extraFields()).containsOnly(Map.entry("teamSize", "25"),
                Map.entry("referral", "A colleague"));
        assertThat(registration.registeredAt()).isNotNull().isEqualTo(registration.updatedAt());
        assertThat(registration.version()).isEqualTo(1);
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.registered()).isTrue();
        assertThat(customer.registeredAt()).isEqualTo(registration.registeredAt());
        assertThat(customer.version()).isEqualTo(2);
        // AND one customer-registered event went out, with ids and no personal data
        List<CustomerEvents.Received> sent = events.forCustomer(key);
        assertThat(sent).hasSize(1);
        CustomerEvents.Received event = sent.get(0);
        assertThat(event.eventTypeAttribute()).isEqualTo(CustomerEvent.CUSTOMER_REGISTERED);
        assertThat(event.event().path("type").asText()).isEqualTo(CustomerEvent.CUSTOMER_REGISTERED);
        assertThat(event.event().path("eventId").asText()).isNotBlank();
        assertThat(event.event().path("customer").path("licenseArn").asText()).isEqualTo(sub.licenseArn());
        assertThat(event.event().path("customer").path("productCode").asText()).isEqualTo(sub.productCode());
        assertThat(event.event().path("customer").path("customerAwsAccountId").asText())
                .isEqualTo(sub.customerAWSAccountId());
        assertThat(event.event().path("state").asText()).isEqualTo("PENDING");
        assertThat(Instant.parse(event.event().path("occurredAt").asText())).isEqualTo(registration.registeredAt());
        assertThat(event.body()).doesNotContain("Analytical", "Ada", "ada@example.com", "7946", "colleague");
        // AND the outbox marker is gone
        assertThat(buyers.item(key, "REGISTRATION")).doesNotContainKeys("gsi1pk", "gsi1sk").containsKey("eventSentAt");
    }

    @Test
    void aRealTokenRepostedWithFreeTrial_isAHintOnly_neverATrial_inTheItemOrTheEvent() {
        // GIVEN a buyer of a paid subscription (no free trial taken) who landed as AWS sent them
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        assertThat(land(sub.registrationToken()).statusCode()).isEqualTo(200);
        // AND the item as the former version left it after a forged landing ("once true it stays")
        dynamo.updateItem(r -> r.tableName(io.mpsaas.common.dynamo.SuiteTables.CUSTOMERS)
                .key(io.mpsaas.common.dynamo.SuiteTables.key(key, "CUSTOMER"))
                .updateExpression("SET freeTrialOffer = :t").expressionAttributeValues(Map.of(":t",
                        AttributeValue.fromBool(true))));

        // WHEN the buyer re-posts their real token with x-amzn-marketplace-offer-type=free-trial and registers
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken(), "free-trial"));
        assertThat(form.submit(validFields("Forged Trials Ltd")).statusCode()).isEqualTo(200);

        // THEN nothing makes the customer a trial: the claim is kept apart as a hint and the former flag is gone
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.freeTrial()).isFalse();
        assertThat(customer.state()).isEqualTo(SubscriptionState.PENDING);
        assertThat(customer.offerTypeHint()).isEqualTo("free-trial");
        assertThat(buyers.item(key, "CUSTOMER")).doesNotContainKeys("freeTrialOffer", "offerType", "freeTrial")
                .containsKey("offerTypeHint");
        // AND the customer-registered event names it a hint, never a free-trial fact
        List<CustomerEvents.Received> sent = events.forCustomer(key);
        assertThat(sent).hasSize(1);
        var details = sent.get(0).event().path("details");
        assertThat(details.has("freeTrialOffer")).isFalse();
        assertThat(details.has("freeTrial")).isFalse();
        assertThat(details.path("offerTypeHint").asText()).isEqualTo("free-trial");
    }

    @Test
    void resubmit_ofTheSameDetails_changesNothing_andAChange_updatesWithoutASecondEvent() {
        // GIVEN a registered buyer
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        Response first = form.submit(validFields("Difference Engines"));
        assertThat(first.statusCode()).isEqualTo(200);
        RegistrationRecord stored = buyers.registration(key).orElseThrow();

        // WHEN the confirmation is refreshed (the same submit again) and the back button leads to a second submit
        Response refresh = form.next(first).submit(validFields("Difference Engines"));
        Response back = form.submit(validFields("Difference Engines"));

        // THEN nothing is written again
        assertThat(refresh.statusCode()).isEqualTo(200);
        assertThat(refresh.asString()).contains("You are all set");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(buyers.registration(key).orElseThrow()).isEqualTo(stored);

        // WHEN the buyer corrects the phone number
        Map<String, String> changed = validFields("Difference Engines");
        changed.put("phone", "+44 20 7946 0999");
        Response update = form.submit(changed);

        // THEN the one record is updated, registeredAt kept
        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(update.asString()).contains("Your details are updated");
        RegistrationRecord updated = buyers.registration(key).orElseThrow();
        assertThat(updated.phone()).isEqualTo("+44 20 7946 0999");
        assertThat(updated.registeredAt()).isEqualTo(stored.registeredAt());
        assertThat(updated.updatedAt()).isAfterOrEqualTo(stored.updatedAt());
        assertThat(updated.version()).isEqualTo(2);
        // AND still only the one event
        assertThat(events.forCustomer(key)).hasSize(1);
    }

    @Test
    void registration_isIndexedByItsNormalisedCompany_andACompanyChangeMovesTheIndexEntry() {
        // GIVEN a buyer who registers
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        assertThat(form.submit(validFields("Zuse & Söhne, KG")).statusCode()).isEqualTo(200);

        // THEN the registration item carries the company index keys the operator console searches
        assertThat(buyers.item(key, "REGISTRATION"))
                .containsEntry("gsi2pk", AttributeValue.fromS(CompanyIndex.PARTITION))
                .containsEntry("gsi2sk", AttributeValue.fromS("zuse sohne kg#" + key));

        // WHEN the buyer changes the company
        assertThat(form.submit(validFields("Konrad Zuse GmbH")).statusCode()).isEqualTo(200);

        // THEN the index entry follows
        assertThat(buyers.item(key, "REGISTRATION").get("gsi2sk").s()).isEqualTo("konrad zuse gmbh#" + key);
    }

    @Test
    void concurrentSubmits_ofOneBuyer_endInOneRecordAndOneEvent() throws Exception {
        // GIVEN a buyer with the form open in two tabs
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        Buyers.Form tab1 = Buyers.Form.of(land(sub.registrationToken()));
        Buyers.Form tab2 = Buyers.Form.of(land(sub.registrationToken()));

        // WHEN both tabs submit different details at the same moment, twice each
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Response>> submits = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            submits.add(() -> tab1.submit(validFields("Tab One Inc")));
            submits.add(() -> tab2.submit(validFields("Tab Two Inc")));
        }
        List<Future<Response>> answers = pool.invokeAll(submits);
        pool.shutdown();

        // THEN every submit succeeds, exactly one created the registration, and one event went out
        int created = 0;
        for (Future<Response> answer : answers) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
            created += answer.get().asString().contains("You are registered") ? 1 : 0;
        }
        assertThat(created).isEqualTo(1);
        assertThat(buyers.registration(key).orElseThrow().company()).isIn("Tab One Inc", "Tab Two Inc");
        assertThat(events.forCustomer(key)).hasSize(1);
    }

    @Test
    void registration_afterSubscribeSuccess_keepsTheActiveState() {
        // GIVEN a buyer who landed, then AWS confirmed the subscription (entitlement-service wrote ACTIVE)
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        EntitlementWrites.activate(dynamo, key, "2026-11-22T07:00:00Z");

        // WHEN the buyer registers
        Response response = form.submit(validFields("After Success Ltd"));

        // THEN the registration is stored and entitlement-service's state is untouched
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("Active");
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(customer.stateEventAt()).isEqualTo("2026-11-22T07:00:00Z");
        assertThat(customer.registered()).isTrue();
        assertThat(customer.version()).isEqualTo(3);
        assertThat(events.forCustomer(key)).singleElement()
                .satisfies(e -> assertThat(e.event().path("state").asText()).isEqualTo("ACTIVE"));
    }

    @Test
    void registration_beforeSubscribeSuccess_andTheStateWrittenAfterwards_bothSurvive() {
        // GIVEN a buyer who registered while the subscription was still pending
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        assertThat(Buyers.Form.of(land(sub.registrationToken())).submit(validFields("Early Bird")).statusCode())
                .isEqualTo(200);

        // WHEN AWS confirms the subscription afterwards
        EntitlementWrites.activate(dynamo, key, "2026-11-22T07:30:00Z");

        // THEN the customer is active and registered, and the registration is intact
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(customer.registered()).isTrue();
        assertThat(customer.registeredAt()).isNotNull();
        assertThat(buyers.registration(key).orElseThrow().company()).isEqualTo("Early Bird");
        // AND a later landing keeps both too, and shows the stored details to update
        Response again = land(sandbox.simulator().issueToken(sub.subscriptionId()));
        assertThat(again.asString()).contains("Update your registration", "value=\"Early Bird\"", "Active");
        CustomerRecord after = buyers.customer(key).orElseThrow();
        assertThat(after.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(after.registered()).isTrue();
    }

    @Test
    void submit_withInvalidFields_showsTheFormAgainWithMessages_andStoresNothing() {
        // GIVEN a buyer on the form
        SubscribeResult sub = buyers.subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));

        // WHEN the form comes back with errors in every kind of field
        Map<String, String> fields = validFields("");
        fields.put("email", "not-an-email");
        fields.put("phone", "call me");
        fields.put("extra-teamSize", "lots");
        fields.put("contactName", "x".repeat(201));
        Response response = form.submit(fields);

        // THEN the form is shown again (422) with a summary, field messages wired for screen readers, and the values
        assertThat(response.statusCode()).isEqualTo(422);
        String html = response.asString();
        assertThat(html).contains("There is a problem", "role=\"alert\"",
                "Enter a company name",
                "Contact name must be 200 characters or fewer",
                "Enter an email address in the correct format, like name@example.com",
                "Enter a phone number, like +1 206 555 0100",
                "Team size: A whole number, like 25.",
                "href=\"#field-company\"",
                "aria-invalid=\"true\"", "aria-describedby=\"field-email-hint field-email-error\"",
                "value=\"not-an-email\"", "value=\"lots\"", "value=\"A colleague\"");
        assertThat(Buyers.hiddenFields(html)).containsEntry("ref", form.reference());
        assertThat(buyers.registration(keyOf(sub))).isEmpty();
        assertThat(buyers.customer(keyOf(sub)).orElseThrow().registered()).isFalse();

        // WHEN the buyer fixes them on the re-rendered form
        Response fixed = form.next(response).submit(validFields("Fixed Ltd"));

        // THEN it is accepted
        assertThat(fixed.statusCode()).isEqualTo(200);
        assertThat(buyers.registration(keyOf(sub)).orElseThrow().company()).isEqualTo("Fixed Ltd");
    }

    @Test
    void scriptInjection_inEveryField_isEscapedOnEveryPage_andStoredAsTyped() {
        // GIVEN a buyer on the form
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));

        // WHEN every field carries markup (the format-checked ones are then invalid)
        Map<String, String> hostile = Map.of("company", SCRIPT, "contactName", SCRIPT, "email", SCRIPT,
                "phone", SCRIPT, "extra-teamSize", SCRIPT, "extra-referral", SCRIPT);
        Response invalid = form.submit(hostile);

        // THEN the re-rendered form shows every value escaped, never as markup
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertEscaped(invalid.asString(), 6);

        // WHEN the free-text fields carry markup in an otherwise valid form
        Map<String, String> fields = validFields(SCRIPT);
        fields.put("contactName", SCRIPT);
        fields.put("extra-referral", SCRIPT);
        Response confirmation = form.next(invalid).submit(fields);

        // THEN the confirmation escapes it, the store keeps exactly what was typed, and so does the next landing's form
        assertThat(confirmation.statusCode()).isEqualTo(200);
        assertEscaped(confirmation.asString(), 2);
        RegistrationRecord stored = buyers.registration(key).orElseThrow();
        assertThat(stored.company()).isEqualTo(SCRIPT);
        assertThat(stored.contactName()).isEqualTo(SCRIPT);
        assertThat(stored.extraFields()).containsEntry("referral", SCRIPT);
        assertEscaped(land(sub.registrationToken()).asString(), 3);
    }

    private static void assertEscaped(String html, int atLeast) {
        assertThat(html).doesNotContain("<script>", "alert('x')");
        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&#39;&amp;";
        assertThat(html.split(java.util.regex.Pattern.quote(escaped), -1).length - 1).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void submit_withForgedOrTamperedReference_isRefused_andStoresNothing() {
        // GIVEN a buyer on the form, and the reference of another customer
        SubscribeResult sub = buyers.subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        String[] parts = form.reference().split("\\.");
        String otherKey = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("license#l-00000000000000000000000000000000".getBytes());

        List<String> refused = List.of(
                parts[0] + "." + otherKey + "." + parts[2] + "." + parts[3],      // someone else's customer
                parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 86_400) + "." + parts[3], // later expiry
                parts[0] + "." + parts[1] + "." + parts[2] + ".AAAA",           // made-up signature
                "v1.garbage", "", "x".repeat(5000));
        for (String reference : refused) {
            // WHEN the form comes back with it
            Response response = new Buyers.Form(reference, form.csrfToken(), form.csrfCookie())
                    .submit(validFields("Forged Ltd"));

            // THEN it is refused with a page that says what to do
            assertThat(response.statusCode()).as(reference).isEqualTo(403);
            assertThat(response.asString()).as(reference).contains("We could not accept this form",
                    "Your Marketplace Software");
        }
        assertThat(buyers.registration(keyOf(sub))).isEmpty();
    }

    @Test
    void submit_withExpiredReference_isRefused_withTheWayBack() {
        // GIVEN a form whose reference expired a minute ago
        SubscribeResult sub = buyers.subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        String expired = signer.issue(keyOf(sub), Instant.now().minusSeconds(60));

        // WHEN it is submitted
        Response response = new Buyers.Form(expired, form.csrfToken(), form.csrfCookie())
                .submit(validFields("Late Ltd"));

        // THEN the page explains and nothing is stored
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.asString()).contains("This registration page has expired",
                "Go back to AWS Marketplace, Your Marketplace Software, and click Set up your account again.");
        assertThat(buyers.registration(keyOf(sub))).isEmpty();
    }

    @Test
    void submit_failingTheCsrfCheck_storesNothing_andShowsTheFormAgainToConfirm() {
        // GIVEN a buyer on the form
        SubscribeResult sub = buyers.subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));

        // WHEN the submit carries a token that does not match the cookie (another tab replaced it), or no cookie
        Response mismatch = new Buyers.Form(form.reference(), "AAAAAAAAAAAAAAAAAAAAAA", form.csrfCookie())
                .submit(validFields("Csrf Ltd"));
        Response noCookie = given().contentType(Buyers.FORM).formParam("ref", form.reference())
                .formParam(Buyers.CSRF, form.csrfToken()).formParams(validFields("Csrf Ltd")).post("/register")
                .andReturn();

        // THEN nothing is stored, and the form comes back with the typed values and a usable token
        for (Response response : List.of(mismatch, noCookie)) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.asString()).contains("please check your details and submit the form again",
                    "value=\"Csrf Ltd\"");
        }
        assertThat(buyers.registration(keyOf(sub))).isEmpty();
        assertThat(noCookie.getCookie(Buyers.CSRF)).isNotBlank();
        Response confirmed = form.next(mismatch).submit(validFields("Csrf Ltd"));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(buyers.registration(keyOf(sub))).isPresent();
    }

    @Test
    void submit_failingTheCsrfCheck_withoutAValidReference_showsTheFormExpiredPage() {
        Response response = given().contentType(Buyers.FORM).formParam("ref", "v1.forged.1.AAAA")
                .formParams(validFields("Nobody")).post("/register").andReturn();

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.asString()).contains("Your form has expired", "nothing was saved");
    }

    @Test
    void registerPath_answersReadablePages_toGetsAndForeignBodies() {
        Response get = given().get("/register").andReturn();
        Response json = given().contentType("application/json").body("{}").post("/register").andReturn();
        Response unknown = given().get("/no-such-page").andReturn();
        var hugeField = RawHttp.post(registerUrl, Buyers.FORM,
                ("ref=x&company=" + "A".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));
        var badEscape = RawHttp.post(registerUrl, Buyers.FORM, "ref=%E0%A4%A&%%%".getBytes(StandardCharsets.US_ASCII));

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.asString()).contains("start from AWS Marketplace");
        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(json.asString()).contains("<h1>");
        assertThat(unknown.statusCode()).isEqualTo(404);
        for (var response : List.of(hugeField, badEscape)) {
            assertThat(response.statusCode()).isBetween(400, 499);
            assertThat(response.body()).contains("<h1>");
        }
    }

    @Test
    void legacyBuyer_registers_andTheEventCarriesTheCustomerIdentifier() {
        SubscribeResult sub = buyers.subscribe(SubscribeRequest.of(buyers.product(false)).withBuyer(Buyers.account()));
        String key = keyOf(sub);

        Response response = Buyers.Form.of(land(sub.registrationToken())).submit(validFields("Legacy Co"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(events.forCustomer(key)).singleElement().satisfies(e -> {
            assertThat(e.event().path("customer").path("identityModel").asText()).isEqualTo("LEGACY");
            assertThat(e.event().path("customer").path("customerIdentifier").asText())
                    .isEqualTo(sub.customerIdentifier());
        });
    }
}
