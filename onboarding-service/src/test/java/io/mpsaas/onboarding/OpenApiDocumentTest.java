package io.mpsaas.onboarding;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.rest.OpenApiExamples;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * onboarding-service's OpenAPI document: the fulfillment URL as AWS Marketplace calls it and the seller's
 * registration-link call, nothing of the buyer's own form; its examples valid against its schema, and the documented answers what the service really answers.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {

    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    JsonNode doc;

    @BeforeEach
    void fetch() {
        doc = OpenApiExamples.fetch(openApi);
    }

    static final String LINK = "/paths/~1v1~1admin~1agreements~1{agreementId}~1registration-link/post";

    @Test
    void document_describesTheFulfillmentUrl_andTheSellersRegistrationLinkCall() {
        assertThat(OpenApiExamples.operations(doc).keySet()).containsExactly("GET /", "HEAD /", "POST /",
                "POST /v1/admin/agreements/{agreementId}/registration-link");
        assertThat(doc.at("/paths/~1/post/requestBody/content").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("application/x-www-form-urlencoded", "multipart/form-data");
        assertThat(doc.at("/paths/~1/post/responses").fieldNames()).toIterable()
                .contains("200", "400", "413", "415", "429", "502", "503");
        // the buyer's answers stay pages, with no key: the token is the proof
        assertThat(doc.at("/paths/~1/post/responses/400/content").fieldNames()).toIterable()
                .allMatch(type -> type.startsWith("text/html"));
        assertThat(doc.at("/paths/~1/post/security").isMissingNode()).isTrue();
        // the seller's call: an admin key, problem+json errors
        assertThat(doc.at(LINK + "/responses").fieldNames()).toIterable()
                .contains("200", "400", "401", "403", "404", "409", "410", "502", "503");
        assertThat(doc.at(LINK + "/responses/409/content/application~1problem+json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/Problem");
        assertThat(doc.at(LINK + "/security").isArray()).isTrue();
        assertThat(doc.at("/components/securitySchemes").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("ApiKey", "Bearer");
    }

    @Test
    void documentExamples_areValidAgainstItsSchema() {
        List<OpenApiExamples.Example> examples = OpenApiExamples.ofDocument(doc);

        assertThat(examples).extracting(OpenApiExamples.Example::where)
                .containsExactly("POST / request (application/x-www-form-urlencoded, landing)",
                        "POST /v1/admin/agreements/{agreementId}/registration-link response 200 (application/json,"
                                + " issued)", "components.schemas.Problem.examples[0]");
        assertThat(OpenApiExamples.violations(doc, examples)).isEmpty();
    }

    @Test
    void documentedAnswers_areTheServicesPages() {
        given().get("/").then().statusCode(200).contentType("text/html");
        given().head("/").then().statusCode(200);
        given().contentType("application/x-www-form-urlencoded").formParam("other", "x").post("/")
                .then().statusCode(400).contentType("text/html");
        given().contentType("application/json").body("{}").post("/").then().statusCode(415).contentType("text/html");
        given().contentType("application/json").post("/v1/admin/agreements/agmt-x/registration-link").then()
                .statusCode(401).contentType("application/problem+json");
    }
}
