package io.mpsaas.entitlement.rest;

import io.mpsaas.common.customer.LicenseArn;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.entitlement.service.CustomerQueries;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The seller's app asks about a customer: state, identity, registration and entitlements, and whether it may use a
 * dimension. Answers come from DynamoDB only (one GetItem), never from AWS.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecuredApi(ApiRole.APP)
@Tag(name = "customers", description = "The seller's app reads a customer and checks access (an app key, or an admin"
        + " key)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
public class CustomerResource {

    /** A Concurrent Agreements customer with a contract entitlement, registered (README, "API"). */
    static final String CUSTOMER_EXAMPLE = """
            {"customerKey": "license#l-0f1e2d3c", "identityModel": "CONCURRENT_AGREEMENTS", "productCode": "prod-code",
             "customerAwsAccountId": "111122223333",
             "licenseArn": "arn:aws:license-manager::111122223333:license:l-0f1e2d3c",
             "agreementId": "agmt-0123456789abcdef", "offerId": "offer-0123456789abc",
             "state": "ACTIVE", "accessGranted": true, "freeTrial": false,
             "stateEventAt": "2026-11-22T07:06:14.485Z", "stateChangedAt": "2026-11-22T07:06:15.012Z",
             "createdAt": "2026-11-22T07:05:58.100Z", "registered": true,
             "registration": {"company": "Example Corp", "contactName": "Jane Doe", "email": "jane@example.com",
                              "phone": "+1 206 555 0100", "extraFields": {"plan": "team"},
                              "registeredAt": "2026-11-22T07:07:02.310Z", "updatedAt": "2026-11-22T07:07:02.310Z"},
             "entitlements": {"seats": {"type": "INTEGER", "value": 10, "expiresAt": "2027-11-22T07:06:14.485Z",
                                        "expired": false}},
             "entitlementsRefreshedAt": "2026-11-22T07:06:15.012Z", "version": 4}""";

    /** README's access check answer. */
    static final String ACCESS_EXAMPLE = """
            {"customerKey": "customer#sbx-legacy-contract#AbCdEf12345", "dimension": "seats", "allowed": true,
             "reason": "ENTITLED", "detail": "entitled to seats", "state": "ACTIVE", "valueType": "INTEGER",
             "value": 10, "quantity": 10.0, "expiresAt": "2027-11-22T07:06:14.485Z"}""";

    /** A customer that does not exist. */
    static final String NOT_FOUND_EXAMPLE = """
            {"type": "https://mpsaas.io/problems/not-found", "title": "Not found", "status": 404,
             "detail": "no customer license#l-0f1e2d3c"}""";

    private final CustomerQueries queries;

    public CustomerResource(CustomerQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/customers/{customerKey}")
    @Operation(summary = "A customer by its key (license#l-... or customer#<productCode>#<customerIdentifier>,"
            + " URL-encoded)", operationId = "customerByKey")
    @APIResponse(responseCode = "200", description = "The customer", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CustomerView.class), examples = @ExampleObject(name = "registered-contract-customer",
                    value = CUSTOMER_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such customer (a license ARN is compared whole: partition,"
            + " account and license id)", content = @Content(mediaType = "application/problem+json",
                    examples = @ExampleObject(name = "unknown", value = NOT_FOUND_EXAMPLE)))
    public CustomerView byKey(@PathParam("customerKey") String customerKey) {
        return view(customerKey, null);
    }

    @GET
    @Path("/customers")
    @Operation(summary = "A customer by license ARN, or by product code and CustomerIdentifier",
            operationId = "findCustomer")
    @APIResponse(responseCode = "200", description = "The customer", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CustomerView.class), examples = @ExampleObject(name = "registered-contract-customer",
                    value = CUSTOMER_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such customer (a license ARN is compared whole: partition,"
            + " account and license id)", content = @Content(mediaType = "application/problem+json",
                    examples = @ExampleObject(name = "unknown", value = NOT_FOUND_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Neither a license ARN nor product code and CustomerIdentifier")
    public CustomerView find(@QueryParam("licenseArn") String licenseArn, @QueryParam("productCode") String productCode,
            @QueryParam("customerIdentifier") String customerIdentifier) {
        return view(key(licenseArn, productCode, customerIdentifier), licenseArn);
    }

    @GET
    @Path("/customers/{customerKey}/access")
    @Operation(summary = "May the customer use this dimension now, how much, and why", operationId = "accessByKey")
    @APIResponse(responseCode = "200", description = "The decision: allowed, why, and the entitlement", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessView.class),
            examples = @ExampleObject(name = "entitled", value = ACCESS_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "No dimension")
    @APIResponse(responseCode = "404", description = "No such customer", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(name = "unknown",
                    value = NOT_FOUND_EXAMPLE)))
    public AccessView accessByKey(@PathParam("customerKey") String customerKey,
            @Parameter(required = true) @QueryParam("dimension") String dimension) {
        return access(customerKey, null, dimension);
    }

    @GET
    @Path("/access")
    @Operation(summary = "The access check, naming the customer by license ARN or product code + CustomerIdentifier",
            operationId = "access")
    @APIResponse(responseCode = "200", description = "The decision: allowed, why, and the entitlement", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessView.class),
            examples = @ExampleObject(name = "entitled", value = ACCESS_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "No dimension, or no customer named")
    @APIResponse(responseCode = "404", description = "No such customer", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(name = "unknown",
                    value = NOT_FOUND_EXAMPLE)))
    public AccessView access(@Parameter(required = true) @QueryParam("dimension") String dimension,
            @QueryParam("licenseArn") String licenseArn, @QueryParam("productCode") String productCode,
            @QueryParam("customerIdentifier") String customerIdentifier) {
        return access(key(licenseArn, productCode, customerIdentifier), licenseArn, dimension);
    }

    /**
     * Longest customer key, in UTF-8 bytes, worth looking up: DynamoDB refuses longer partition keys (a storage error,
     * not the client's "no such customer"), and no real key comes close.
     */
    static final int MAX_KEY_BYTES = 1024;

    /** The customer of {@code key}; when the request named a license ARN, only if it is that customer's, whole. */
    private CustomerView view(String key, String licenseArn) {
        checkLength(key);
        CustomerRecord customer = queries.customer(key, licenseArn).orElseThrow(() -> notFound(key, licenseArn));
        return CustomerView.of(customer, queries.registration(key).orElse(null), queries.clock().instant());
    }

    private AccessView access(String key, String licenseArn, String dimension) {
        if (dimension == null || dimension.isBlank()) {
            throw ApiException.badRequest("the query parameter 'dimension' is required");
        }
        checkLength(key);
        return queries.access(key, licenseArn, dimension.strip()).map(d -> AccessView.of(key, d))
                .orElseThrow(() -> notFound(key, licenseArn));
    }

    private static String key(String licenseArn, String productCode, String customerIdentifier) {
        try {
            return CustomerQueries.keyOf(licenseArn, productCode, customerIdentifier);
        } catch (IllegalArgumentException e) {
            if (licenseArn != null && !licenseArn.isBlank() && !LicenseArn.isValid(licenseArn)
                    && (productCode == null || productCode.isBlank())) {
                // no customer has a license ARN that is not one (garbage:l-<id> included): the same 404 as any other
                throw ApiException.notFound("no customer has this license ARN: " + e.getMessage());
            }
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void checkLength(String key) {
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw ApiException.notFound("no customer has a key this long");
        }
    }

    private static ApiException notFound(String key, String licenseArn) {
        return ApiException.notFound(licenseArn == null ? "no customer " + Problem.excerpt(key)
                : "no customer has this license ARN (partition, account and license id are compared whole)");
    }
}
