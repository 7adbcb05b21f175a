package io.mpsaas.metering;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.rest.OpenApiExamples;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * metering-service's OpenAPI document at /q/openapi (management port): every operation of the usage and operator APIs,
 * their security, problem+json on every error, and examples (the document's and the README's) valid against its
 * schemas; real answers of the service are checked against the same schemas.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path README = Path.of("..", "README.md");

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
                "GET /v1/admin/metering/failures", "GET /v1/admin/metering/usage",
                "POST /v1/admin/metering/flush", "POST /v1/admin/metering/migration/runs",
                "POST /v1/admin/metering/redrive", "POST /v1/admin/metering/runs", "POST /v1/usage");
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.at("/components/securitySchemes/ApiKey/name").asText()).isEqualTo("X-Api-Key");
        assertThat(doc.at("/components/securitySchemes/Bearer/scheme").asText()).isEqualTo("bearer");
        operations.forEach((name, op) -> {
            assertThat(op.path("operationId").asText()).as(name).isNotEmpty();
            assertThat(op.path("security").toString()).as(name).isEqualTo("[{\"ApiKey\":[]},{\"Bearer\":[]}]");
            assertThat(op.path("responses").has("401")).as(name).isTrue();
            assertThat(op.path("responses").has("403")).as(name).isEqualTo(name.contains("/admin/"));
        });
        assertThat(OpenApiExamples.errorsWithoutProblem(doc)).isEmpty();
        assertThat(doc.at("/paths/~1v1~1usage/post/responses").fieldNames()).toIterable()
                .contains("200", "400", "401", "413", "503");
        assertThat(doc.at("/components/schemas/UsageRecord/properties/timestamp/oneOf/1/type").asText())
                .isEqualTo("integer");
    }

    @Test
    void documentExamples_areValidAgainstItsSchemas() {
        List<OpenApiExamples.Example> examples = OpenApiExamples.ofDocument(doc);

        assertThat(examples).extracting(OpenApiExamples.Example::where).contains(
                "POST /v1/usage request (application/json, two-records)",
                "POST /v1/usage response 200 (application/json, accepted-and-rejected)",
                "POST /v1/usage response 400 (application/problem+json, wrong-type)",
                "GET /v1/admin/metering/usage response 200 (application/json, one-hour)",
                "POST /v1/admin/metering/redrive request (application/json, one-id)",
                "components.schemas.Problem.examples[0]");
        assertThat(OpenApiExamples.violations(doc, examples)).isEmpty();
    }

    @Test
    void readmeExamples_areValid_andAreTheDocumentsOwn() {
        List<OpenApiExamples.Example> readme = OpenApiExamples.ofReadme(README, "metering-service", doc);

        assertThat(readme).extracting(OpenApiExamples.Example::where).anyMatch(w -> w.endsWith("POST /v1/usage request"))
                .anyMatch(w -> w.endsWith("POST /v1/usage response 200"))
                .anyMatch(w -> w.endsWith("POST /v1/admin/metering/redrive request"));
        assertThat(OpenApiExamples.readmeProblems(readme, doc)).isEmpty();
    }

    @Test
    void realAnswers_matchTheDocumentedSchemas() throws Exception {
        // GIVEN a batch naming a customer that does not exist, and one that is not a batch
        String unknownCustomer = "{\"records\":[{\"licenseArn\":\"arn:aws:license-manager::111122223333:license:"
                + "l-0000000000000000000000000000dead\",\"dimension\":\"requests\",\"quantity\":1,"
                + "\"timestamp\":\"" + java.time.Instant.now() + "\",\"idempotencyKey\":\"openapi-doc-test\"}]}";

        // WHEN they are posted, and the operator lists are read
        JsonNode rejected = post(unknownCustomer, 200);
        JsonNode malformed = post("{\"records\":[{\"quantity\":\"5\"}]}", 400);
        JsonNode unauthenticated = JSON.readTree(given().contentType(ContentType.JSON).body(unknownCustomer)
                .post("/v1/usage").then().statusCode(401).extract().asString());
        JsonNode failures = JSON.readTree(given().header("X-Api-Key", "test-admin-key").get("/v1/admin/metering/failures")
                .then().statusCode(200).extract().asString());
        JsonNode badLimit = JSON.readTree(given().header("X-Api-Key", "test-admin-key")
                .get("/v1/admin/metering/failures?limit=-1").then().statusCode(400).extract().asString());

        // THEN each is valid against the schema the document gives its operation and status
        assertThat(rejected.at("/results/0/reason").asText()).isEqualTo("UNKNOWN_CUSTOMER");
        List<String> problems = new ArrayList<>();
        problems.addAll(OpenApiExamples.answerViolations(doc, "POST", "/v1/usage", "200", rejected));
        problems.addAll(OpenApiExamples.answerViolations(doc, "POST", "/v1/usage", "400", malformed));
        problems.addAll(OpenApiExamples.answerViolations(doc, "POST", "/v1/usage", "401", unauthenticated));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/v1/admin/metering/failures", "200", failures));
        problems.addAll(OpenApiExamples.answerViolations(doc, "GET", "/v1/admin/metering/failures", "400", badLimit));
        assertThat(problems).isEmpty();
    }

    private JsonNode post(String body, int status) throws Exception {
        return JSON.readTree(given().header("X-Api-Key", "test-app-key").contentType(ContentType.JSON).body(body)
                .post("/v1/usage").then().statusCode(status).extract().asString());
    }
}
