package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.rest.OpenApiExamples;
import io.mpsaas.entitlement.domain.AccessDecision;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * entitlement-service's OpenAPI document at /q/openapi (management port): every operation of the customers, access and
 * admin APIs, their security, problem+json on every error, and examples (the document's and the README's) valid
 * against its schemas; real answers of the service are checked against the same schemas.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path README = Path.of("..", "README.md");

    @InjectSandbox
    Sandbox sandbox;

    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    JsonNode doc;

    @BeforeEach
    void fetch() {
        doc = OpenApiExamples.fetch(openApi);
    }

    @Test
    void document_listsEveryOperation_eachSecuredByTheKeys_withProblemJsonOnEveryError() {
        Map<String, JsonNode> operations = OpenApiExamples.operations(doc);

        assertThat(operations.keySet()).containsExactly(
                "GET /api/v1/access",
                "GET /api/v1/admin/consumers",
                "GET /api/v1/admin/customers",
                "GET /api/v1/admin/customers/search",
                "GET /api/v1/admin/customers/{customerKey}",
                "GET /api/v1/admin/customers/{customerKey}/history",
                "GET /api/v1/admin/dead-letter-queues",
                "GET /api/v1/admin/parked-messages",
                "GET /api/v1/admin/webhooks/parked",
                "GET /api/v1/customers",
                "GET /api/v1/customers/{customerKey}",
                "GET /api/v1/customers/{customerKey}/access",
                "POST /api/v1/admin/parked-messages/replay",
                "POST /api/v1/admin/parked-messages/{messageId}/replay",
                "POST /api/v1/admin/reconciliation",
                "POST /api/v1/admin/webhooks/parked/replay",
                "POST /api/v1/admin/webhooks/parked/{endpoint}/{eventId}/replay");
        assertThat(doc.at("/components/securitySchemes/ApiKey/name").asText()).isEqualTo("X-Api-Key");
        assertThat(doc.at("/components/securitySchemes/Bearer/scheme").asText()).isEqualTo("bearer");
        operations.forEach((name, op) -> {
            assertThat(op.path("operationId").asText()).as(name).isNotEmpty();
            assertThat(op.path("security").toString()).as(name).isEqualTo("[{\"ApiKey\":[]},{\"Bearer\":[]}]");
            assertThat(op.path("responses").has("401")).as(name).isTrue();
            assertThat(op.path("responses").has("403")).as(name).isEqualTo(name.contains("/admin/"));
        });
        assertThat(OpenApiExamples.errorsWithoutProblem(doc)).isEmpty();
        // the enumerations are the Java enums' constants (EnumSchemaFilter)
        assertThat(names(doc.at("/components/schemas/CustomerView/properties/state/enum")))
                .containsExactlyElementsOf(names(SubscriptionState.values()));
        assertThat(names(doc.at("/components/schemas/AccessView/properties/state/enum")))
                .containsExactlyElementsOf(names(SubscriptionState.values()));
        assertThat(names(doc.at("/components/schemas/AccessView/properties/reason/enum")))
                .containsExactlyElementsOf(names(AccessDecision.Reason.values()));
        assertThat(names(doc.at("/components/schemas/CustomerView/properties/identityModel/enum")))
                .containsExactlyElementsOf(names(IdentityModel.values()));
    }

    @Test
    void documentExamples_areValidAgainstItsSchemas() {
        List<OpenApiExamples.Example> examples = OpenApiExamples.ofDocument(doc);

        assertThat(examples).extracting(OpenApiExamples.Example::where).contains(
                "GET /api/v1/customers/{customerKey} response 200 (application/json, registered-contract-customer)",
                "GET /api/v1/access response 200 (application/json, entitled)",
                "GET /api/v1/access response 404 (application/problem+json, unknown)",
                "GET /api/v1/admin/customers response 200 (application/json, last-page)",
                "GET /api/v1/admin/parked-messages response 200 (application/json, one-parked)",
                "components.schemas.Problem.examples[0]");
        assertThat(OpenApiExamples.violations(doc, examples)).isEmpty();
    }

    @Test
    void readmeExamples_areValid_andAreTheDocumentsOwn() {
        List<OpenApiExamples.Example> readme = OpenApiExamples.ofReadme(README, "entitlement-service", doc);

        assertThat(readme).extracting(OpenApiExamples.Example::where)
                .anyMatch(w -> w.endsWith("GET /api/v1/access response 200"))
                .anyMatch(w -> w.endsWith("GET /api/v1/customers response 200"));
        assertThat(OpenApiExamples.readmeProblems(readme, doc)).isEmpty();
    }

    @Test
    void realAnswers_matchTheDocumentedSchemas() throws Exception {
        // GIVEN an active Concurrent Agreements customer with contract entitlements
        Product product = TestSupport.caContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 3).activated());
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().entitlements()).hasSize(2));

        // WHEN the app and an operator read it, and ask wrong questions
        List<String> problems = new ArrayList<>();
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/customers/{customerKey}", "200",
                get(app(), 200, "/api/v1/customers/{k}", key)));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/customers", "200",
                get(app().queryParam("licenseArn", sub.licenseArn()), 200, "/api/v1/customers")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/customers/{customerKey}/access", "200",
                get(app().queryParam("dimension", "seats"), 200, "/api/v1/customers/{k}/access", key)));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/access", "404", get(app().queryParam("dimension", "seats")
                .queryParam("licenseArn", "arn:aws:license-manager::111122223333:license:l-000000000000dead"), 404,
                "/api/v1/access")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/access", "400", get(app(), 400, "/api/v1/access")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/access", "401", get(given(), 401, "/api/v1/access")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/customers", "200",
                get(admin().queryParam("product", product.code()), 200, "/api/v1/admin/customers")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/customers", "403", get(app(), 403, "/api/v1/admin/customers")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/customers/search", "200",
                get(admin().queryParam("q", sub.licenseArn()), 200, "/api/v1/admin/customers/search")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/customers/{customerKey}", "200",
                get(admin(), 200, "/api/v1/admin/customers/{k}", key)));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/customers/{customerKey}/history", "400",
                get(admin().queryParam("limit", "-1"), 400, "/api/v1/admin/customers/{k}/history", key)));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/customers/{customerKey}/history", "200",
                get(admin(), 200, "/api/v1/admin/customers/{k}/history", key)));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/parked-messages", "200",
                get(admin(), 200, "/api/v1/admin/parked-messages")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/dead-letter-queues", "200",
                get(admin().queryParam("messages", "false"), 200, "/api/v1/admin/dead-letter-queues")));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/api/v1/admin/consumers", "200", get(admin(), 200, "/api/v1/admin/consumers")));

        // THEN every answer is valid against the schema the document gives its operation and status
        assertThat(problems).isEmpty();
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static List<String> names(Enum<?>[] values) {
        return java.util.Arrays.stream(values).map(Enum::name).toList();
    }

    private static RequestSpecification app() {
        return given().header("Authorization", "Bearer test-app-key");
    }

    private static RequestSpecification admin() {
        return given().header("X-Api-Key", "test-admin-key");
    }

    private static JsonNode get(RequestSpecification request, int status, String path, Object... params)
            throws Exception {
        return JSON.readTree(request.get(path, params).then().statusCode(status).extract().asString());
    }
}
