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
 * onboarding-service's OpenAPI document: the fulfillment URL as AWS Marketplace calls it, nothing of the buyer's own
 * form; its examples valid against its schema, and the documented answers what the service really answers.
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

    @Test
    void document_describesTheFulfillmentUrlOnly() {
        assertThat(OpenApiExamples.operations(doc).keySet()).containsExactly("GET /", "HEAD /", "POST /");
        assertThat(doc.at("/paths/~1/post/requestBody/content").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("application/x-www-form-urlencoded", "multipart/form-data");
        assertThat(doc.at("/paths/~1/post/responses").fieldNames()).toIterable()
                .contains("200", "400", "413", "415", "429", "502", "503");
        assertThat(doc.at("/components/securitySchemes").isMissingNode()).isTrue();
    }

    @Test
    void documentExamples_areValidAgainstItsSchema() {
        List<OpenApiExamples.Example> examples = OpenApiExamples.ofDocument(doc);

        assertThat(examples).extracting(OpenApiExamples.Example::where)
                .containsExactly("POST / request (application/x-www-form-urlencoded, landing)");
        assertThat(OpenApiExamples.violations(doc, examples)).isEmpty();
    }

    @Test
    void documentedAnswers_areTheServicesPages() {
        given().get("/").then().statusCode(200).contentType("text/html");
        given().head("/").then().statusCode(200);
        given().contentType("application/x-www-form-urlencoded").formParam("other", "x").post("/")
                .then().statusCode(400).contentType("text/html");
        given().contentType("application/json").body("{}").post("/").then().statusCode(415).contentType("text/html");
    }
}
