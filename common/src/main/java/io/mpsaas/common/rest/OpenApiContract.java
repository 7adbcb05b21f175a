package io.mpsaas.common.rest;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * The parts every service's OpenAPI document shares, written once (each service names it in {@code mp.openapi.filter}):
 * the {@link Problem} schema, the two ways to send an API key, and the rule that every 4xx and 5xx answer of a JSON
 * API is {@code application/problem+json} of that schema. Operations marked with a security requirement also get the
 * 401 that {@code ApiKeyFilter} answers without a valid key, and the 503 ({@link Unavailable}) of a storage outage.
 */
public class OpenApiContract implements OASFilter {

    /** Name of the problem schema in {@code components.schemas}. */
    public static final String PROBLEM = "Problem";
    /** Name of a problem's field error schema. */
    public static final String FIELD_ERROR = "ProblemFieldError";
    /** Security scheme: the key in {@code X-Api-Key}. */
    public static final String API_KEY = "ApiKey";
    /** Security scheme: the key as {@code Authorization: Bearer <key>}. */
    public static final String BEARER = "Bearer";

    /** {@code $ref} of the problem schema. */
    public static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        boolean problems = false;
        if (openApi.getPaths() != null && openApi.getPaths().getPathItems() != null) {
            for (PathItem item : openApi.getPaths().getPathItems().values()) {
                if (item.getOperations() == null) {
                    continue;
                }
                for (Operation operation : item.getOperations().values()) {
                    problems |= describeErrors(operation);
                }
            }
        }
        if (openApi.getComponents() == null) {
            openApi.setComponents(OASFactory.createComponents());
        }
        Components components = openApi.getComponents();
        if (problems) {
            components.addSchema(PROBLEM, problemSchema());
            components.addSchema(FIELD_ERROR, fieldErrorSchema());
        }
        components.addSecurityScheme(API_KEY, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("X-Api-Key")
                .description("An app key (suite.api.keys) or, for the admin API, an admin key (suite.api.admin-keys)."
                        + " An admin key is also accepted wherever an app key is."));
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("The same keys as ApiKey, sent as 'Authorization: Bearer <key>'."));
    }

    /** Every 4xx/5xx answer of the operation as problem+json; 401 and 503 added to the secured ones. Whether any was. */
    private static boolean describeErrors(Operation operation) {
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            if (operation.getResponses() == null) {
                operation.setResponses(OASFactory.createAPIResponses());
            }
            if (operation.getResponses().getAPIResponse("401") == null) {
                operation.getResponses().addAPIResponse("401", OASFactory.createAPIResponse()
                        .description("No API key, or one the service does not know"));
            }
            if (operation.getResponses().getAPIResponse("503") == null) {
                operation.getResponses().addAPIResponse("503", OASFactory.createAPIResponse()
                        .description("The service's storage (DynamoDB) is unavailable: send the request again after"
                                + " Retry-After seconds"));
            }
        }
        if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
            return false;
        }
        boolean any = false;
        for (Map.Entry<String, APIResponse> e : operation.getResponses().getAPIResponses().entrySet()) {
            if (!(e.getKey().startsWith("4") || e.getKey().startsWith("5"))) {
                continue;
            }
            APIResponse response = e.getValue();
            if (response.getRef() != null || isPage(response)) {
                continue;
            }
            MediaType media = response.getContent() == null ? null
                    : response.getContent().getMediaType(Problem.MEDIA_TYPE);
            Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                    (media == null ? OASFactory.createMediaType() : media)
                            .schema(OASFactory.createSchema().ref(PROBLEM_REF)));
            response.setContent(content);
            any = true;
        }
        return any;
    }

    /** An answer documented as an HTML page (onboarding's buyer-facing routes) keeps its page. */
    private static boolean isPage(APIResponse response) {
        return response.getContent() != null && response.getContent().getMediaTypes() != null
                && response.getContent().getMediaTypes().keySet().stream().anyMatch(t -> t.startsWith("text/html"));
    }

    /** The schema of {@link Problem}: its record components, one property each ({@code OpenApiContractTest}). */
    static Schema problemSchema() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("An RFC 9457 problem detail: the body of every 4xx and 5xx answer of the suite's JSON"
                        + " APIs (application/problem+json)")
                .required(List.of("type", "title", "status"))
                .addProperty("type", string("A URI naming the kind of problem, " + Problem.TYPE_BASE + "<slug>")
                        .format("uri"))
                .addProperty("title", string("A short summary of the kind of problem"))
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER).format("int32")
                        .description("The HTTP status code"))
                .addProperty("detail", string("What went wrong with this request, and what to do about it"))
                .addProperty("instance", string("The request the problem is about, when known"))
                .addProperty("errors", OASFactory.createSchema().addType(SchemaType.ARRAY)
                        .description("The request's invalid fields, when the problem is about some")
                        .items(OASFactory.createSchema().ref("#/components/schemas/" + FIELD_ERROR)))
                .additionalPropertiesBoolean(Boolean.FALSE)
                .examples(List.of(Map.of("type", Problem.TYPE_BASE + "missing-credentials",
                        "title", "Missing credentials", "status", 401,
                        "detail", "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.")));
    }

    static Schema fieldErrorSchema() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT).description("One invalid field of a request")
                .required(List.of("field", "message"))
                .addProperty("field", string("The field, as a path into the request (records[0].quantity)"))
                .addProperty("message", string("What is wrong with it"))
                .additionalPropertiesBoolean(Boolean.FALSE);
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
