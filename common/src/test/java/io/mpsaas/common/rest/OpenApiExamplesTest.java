package io.mpsaas.common.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example checker itself: what it accepts, what it refuses, and how it reads the README's markers. */
class OpenApiExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A small OpenAPI 3.1 document: one operation, a request schema with a nested array, an enum, a date-time. */
    private static final String DOC = """
            {"openapi":"3.1.0","paths":{"/v1/things":{"post":{
              "requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Batch"},
                 "examples":{"one":{"value":{"items":[{"name":"a","kind":"BIG","at":"2026-11-22T06:00:00Z"}]}}}}}},
              "responses":{"200":{"content":{"application/json":{"schema":{"type":"object",
                   "properties":{"count":{"type":"integer"}},"required":["count"]},"example":{"count":"three"}}}},
                "400":{"content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}}}}},
             "components":{"schemas":{
              "Batch":{"type":"object","required":["items"],"properties":{"items":{"type":"array",
                 "items":{"$ref":"#/components/schemas/Item"}}}},
              "Item":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},
                 "kind":{"type":"string","enum":["BIG","SMALL"]},"at":{"type":"string","format":"date-time"},
                 "tags":{"type":"object","additionalProperties":{"type":"string"}}}},
              "Problem":{"type":"object","required":["status"],"properties":{"status":{"type":"integer"}},
                 "examples":[{"status":400}]}}}}
            """;

    private final JsonNode doc = read(DOC);

    @Test
    void ofDocument_findsNamedSingleAndSchemaExamples() {
        List<OpenApiExamples.Example> examples = OpenApiExamples.ofDocument(doc);

        assertThat(examples).extracting(OpenApiExamples.Example::where).containsExactlyInAnyOrder(
                "POST /v1/things request (application/json, one)",
                "POST /v1/things response 200 (application/json)",
                "components.schemas.Problem.examples[0]");
    }

    @Test
    void violations_emptyForAValidExample_andNameTheWrongTypeOfAnInvalidOne() {
        List<OpenApiExamples.Example> examples = OpenApiExamples.ofDocument(doc);

        assertThat(OpenApiExamples.violations(doc, examples.get(0))).isEmpty();
        assertThat(OpenApiExamples.violations(doc, examples.get(2))).isEmpty();
        assertThat(OpenApiExamples.violations(doc, examples.get(1))).singleElement().asString()
                .contains("response 200").contains("count").contains("integer");
    }

    @Test
    void violations_reportMissingRequiredWrongEnumBadDateTimeAndUnknownFields() {
        JsonNode schema = read("{\"$ref\":\"#/components/schemas/Batch\"}");

        assertThat(check(schema, "{}")).singleElement().asString().contains("items");
        assertThat(check(schema, "{\"items\":[{\"kind\":\"BIG\"}]}")).singleElement().asString().contains("name");
        assertThat(check(schema, "{\"items\":[{\"name\":\"a\",\"kind\":\"HUGE\"}]}")).singleElement().asString()
                .contains("kind");
        assertThat(check(schema, "{\"items\":[{\"name\":\"a\",\"at\":\"yesterday\"}]}")).singleElement().asString()
                .contains("at");
        // objects are closed: a field the schema does not name (a renamed one) is an error
        assertThat(check(schema, "{\"items\":[{\"name\":\"a\",\"colour\":\"red\"}]}")).singleElement().asString()
                .contains("colour");
        // maps stay open, with their value schema
        assertThat(check(schema, "{\"items\":[{\"name\":\"a\",\"tags\":{\"team\":\"search\"}}]}")).isEmpty();
        assertThat(check(schema, "{\"items\":[{\"name\":\"a\",\"tags\":{\"team\":5}}]}")).isNotEmpty();
    }

    @Test
    void ofReadme_readsMarkedJsonBlocksAndCurlBodies_ofTheNamedServiceOnly(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, """
                # Things
                <!-- openapi-example: things-service POST /v1/things request -->
                ```bash
                curl -s -X POST http://localhost/v1/things -H 'Content-Type: application/json' -d '{
                  "items": [{"name": "a"}]}'
                ```
                <!-- openapi-example: things-service POST /v1/things response 200 -->

                ```json
                {"count": 1}
                ```
                <!-- openapi-example: other-service POST /v1/things response 200 -->
                ```json
                {"count": "not mine"}
                ```
                <!-- openapi-example: things-service GET /v1/nothing response 200 -->
                ```json
                {}
                ```
                """);

        List<OpenApiExamples.Example> examples = OpenApiExamples.ofReadme(readme, "things-service", doc);

        assertThat(examples).extracting(OpenApiExamples.Example::where).containsExactly(
                "README.md:2 POST /v1/things request", "README.md:7 POST /v1/things response 200",
                "README.md:16 GET /v1/nothing response 200");
        assertThat(examples.get(0).value().path("items").get(0).path("name").asText()).isEqualTo("a");
        assertThat(OpenApiExamples.violations(doc, examples.get(0))).isEmpty();
        assertThat(OpenApiExamples.violations(doc, examples.get(1))).isEmpty();
        // an operation the document lacks is reported, never skipped
        assertThat(OpenApiExamples.violations(doc, examples.get(2))).singleElement().asString()
                .contains("no JSON schema");
    }

    @Test
    void ofReadme_refusesAMarkerWithoutABlockOrWithABrokenExample(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "<!-- openapi-example: s POST /v1/things request -->\ntext\n```json\n{}\n```\n");
        assertThatThrownBy(() -> OpenApiExamples.ofReadme(readme, "s", doc)).hasMessageContaining("no fenced block");

        Files.writeString(readme, "<!-- openapi-example: s POST /v1/things request -->\n```json\n{\"a\":\n```\n");
        assertThatThrownBy(() -> OpenApiExamples.ofReadme(readme, "s", doc)).hasMessageContaining("not JSON");
    }

    @Test
    void operations_errorsWithoutProblem_andAnswerViolations_readTheDocumentByOperationAndStatus() {
        assertThat(OpenApiExamples.operations(doc)).containsOnlyKeys("POST /v1/things");
        // a 400 of the Problem schema passes; one of another schema is reported
        assertThat(OpenApiExamples.errorsWithoutProblem(doc)).isEmpty();
        JsonNode foreign = read(DOC.replace("#/components/schemas/Problem\"}}}}}", "#/components/schemas/Item\"}}}}}"));
        assertThat(OpenApiExamples.errorsWithoutProblem(foreign)).containsExactly("POST /v1/things 400");

        assertThat(OpenApiExamples.answerViolations(doc, "POST", "/v1/things", "200", read("{\"count\":2}"))).isEmpty();
        assertThat(OpenApiExamples.answerViolations(doc, "POST", "/v1/things", "400", read("{\"status\":\"x\"}")))
                .singleElement().asString().contains("status");
        assertThat(OpenApiExamples.answerViolations(doc, "POST", "/v1/things", "404", read("{}"))).singleElement()
                .asString().contains("no JSON schema");
    }

    private List<String> check(JsonNode schema, String value) {
        return OpenApiExamples.violations(doc, new OpenApiExamples.Example("t", schema, read(value)));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
