package io.mpsaas.common.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.junit.jupiter.api.Test;

/** The shared part of every service's OpenAPI document. */
class OpenApiContractTest {

    @Test
    void problemSchema_hasOnePropertyPerComponentOfTheProblemRecord() {
        assertThat(OpenApiContract.problemSchema().getProperties().keySet()).containsExactlyElementsOf(
                Arrays.stream(Problem.class.getRecordComponents()).map(c -> c.getName()).toList());
        assertThat(OpenApiContract.fieldErrorSchema().getProperties().keySet()).containsExactlyElementsOf(
                Arrays.stream(Problem.FieldError.class.getRecordComponents()).map(c -> c.getName()).toList());
    }

    @Test
    void filter_makesEveryJsonErrorProblemJson_addsThe401And503OfSecuredOperations_andKeepsPages() {
        Operation secured = OASFactory.createOperation()
                .security(List.of(OASFactory.createSecurityRequirement().addScheme(OpenApiContract.API_KEY)))
                .responses(OASFactory.createAPIResponses()
                        .addAPIResponse("200", OASFactory.createAPIResponse().description("ok"))
                        .addAPIResponse("400", OASFactory.createAPIResponse().description("bad")
                                .content(OASFactory.createContent().addMediaType("application/json",
                                        OASFactory.createMediaType().schema(OASFactory.createSchema()
                                                .addType(Schema.SchemaType.STRING))))));
        Operation page = OASFactory.createOperation().responses(OASFactory.createAPIResponses()
                .addAPIResponse("400", OASFactory.createAPIResponse().description("a page").content(
                        OASFactory.createContent().addMediaType("text/html", OASFactory.createMediaType()))));
        OpenAPI doc = OASFactory.createOpenAPI().paths(OASFactory.createPaths()
                .addPathItem("/a", OASFactory.createPathItem().GET(secured))
                .addPathItem("/b", OASFactory.createPathItem().POST(page)));

        new OpenApiContract().filterOpenAPI(doc);

        for (String code : List.of("400", "401", "503")) {
            APIResponse response = secured.getResponses().getAPIResponse(code);
            assertThat(response.getContent().getMediaTypes()).containsOnlyKeys(Problem.MEDIA_TYPE);
            assertThat(response.getContent().getMediaType(Problem.MEDIA_TYPE).getSchema().getRef())
                    .isEqualTo(OpenApiContract.PROBLEM_REF);
        }
        assertThat(secured.getResponses().getAPIResponse("200").getContent()).isNull();
        assertThat(page.getResponses().getAPIResponse("400").getContent().getMediaTypes()).containsOnlyKeys("text/html");
        assertThat(page.getResponses().getAPIResponse("401")).isNull();
        assertThat(page.getResponses().getAPIResponse("503")).isNull();
        assertThat(doc.getComponents().getSchemas()).containsOnlyKeys(OpenApiContract.PROBLEM,
                OpenApiContract.FIELD_ERROR);
        assertThat(doc.getComponents().getSecuritySchemes()).containsOnlyKeys(OpenApiContract.API_KEY,
                OpenApiContract.BEARER);
    }

    @Test
    void filter_addsNoProblemSchema_toADocumentWithoutJsonErrors() {
        OpenAPI doc = OASFactory.createOpenAPI().paths(OASFactory.createPaths().addPathItem("/b",
                OASFactory.createPathItem().GET(OASFactory.createOperation().responses(OASFactory.createAPIResponses()
                        .addAPIResponse("200", OASFactory.createAPIResponse().description("ok"))))));

        new OpenApiContract().filterOpenAPI(doc);

        assertThat(doc.getComponents().getSchemas()).isNullOrEmpty();
    }
}
