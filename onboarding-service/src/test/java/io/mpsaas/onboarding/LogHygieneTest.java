package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.land;
import static io.mpsaas.onboarding.Buyers.validFields;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Registration tokens and personal data never reach a log line, whatever path the buyer takes. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class LogHygieneTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            StringWriter text = new StringWriter().append(formatter.formatMessage(record));
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(new PrintWriter(text));
            }
            lines.add(text.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
        sandbox.simulator().faults().reset();
    }

    @Test
    void tokensAndPersonalData_neverReachTheLog() {
        // GIVEN buyers taking every path: landing, retries, outage, refusal, field errors, CSRF failure, registration
        Buyers buyers = new Buyers(sandbox, dynamo);
        SubscribeResult sub = buyers.subscribe();
        SubscribeResult down = buyers.subscribe();
        Map<String, String> fields = validFields("Secretive Holdings");
        fields.put("email", "very.private@example.org");
        fields.put("contactName", "Private Person");
        fields.put("phone", "+1 206 555 0199");

        // WHEN they go through the service
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 2, "ThrottlingException");
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 4, "InternalServiceErrorException");
        land(down.registrationToken());
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 1, "AccessDeniedException");
        land(down.registrationToken());
        land(down.registrationToken() + "tampered");
        Map<String, String> invalid = Map.of("email", "very.private@example.org", "contactName", "Private Person");
        form.submit(invalid);
        given().contentType(Buyers.FORM).formParam("ref", form.reference()).formParams(fields).post("/register");
        form.submit(fields);

        // THEN the log shows the journey but none of the secrets
        assertThat(lines).anyMatch(line -> line.contains("Buyer landed"))
                .anyMatch(line -> line.contains("Registration CREATED"));
        assertThat(lines).noneMatch(line -> line.contains(sub.registrationToken())
                || line.contains(down.registrationToken())
                || line.contains("very.private@example.org")
                || line.contains("Private Person")
                || line.contains("555 0199")
                || line.contains("Secretive"));
    }

    @Test
    void apiPurchaseTokens_andRegistrationLinks_neverReachTheLog() {
        // GIVEN purchases made through the API: one resolved by the seller's call, one past AWS's 30 minutes
        Buyers buyers = new Buyers(sandbox, dynamo);
        SubscribeResult sub = buyers.subscribe();
        String token = sandbox.simulator().purchaseThroughApi(sub.subscriptionId());
        SubscribeResult late = buyers.subscribe();
        String lateToken = sandbox.simulator().purchaseThroughApi(late.subscriptionId());
        Map<String, String> fields = validFields("Secretive Holdings");
        fields.put("email", "very.private@example.org");

        // WHEN the seller asks for the links (one call retried on throttling, one after an expiry at ResolveCustomer),
        // the buyer opens one and registers, and a tampered link is tried
        sandbox.simulator().faults().failNext(Operation.GET_AGREEMENT_ENTITLEMENTS, 1, "ThrottlingException");
        String link = ApiPurchaseTest.askForLink(sub.agreementId()).jsonPath().getString("link");
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 1, "ExpiredTokenException");
        ApiPurchaseTest.askForLink(late.agreementId());
        Buyers.Form form = Buyers.Form.of(ApiPurchaseTest.open(link));
        form.submit(fields);
        ApiPurchaseTest.open(link + "x");

        // THEN the log shows the journey, but neither the tokens nor the link (a bearer of the form), nor the details
        assertThat(lines).anyMatch(line -> line.contains("Registration link issued for agreement " + sub.agreementId()))
                .anyMatch(line -> line.contains("Registration link opened"))
                .anyMatch(line -> line.contains("Registration CREATED"));
        String reference = link.substring(link.lastIndexOf('/') + 1);
        assertThat(lines).noneMatch(line -> line.contains(token) || line.contains(lateToken)
                || line.contains(reference) || line.contains("very.private@example.org")
                || line.contains("Secretive"));
    }
}
