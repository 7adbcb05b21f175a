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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The seller's app asks about a customer: state, identity, registration and entitlements, and whether it may use a
 * dimension. Answers come from DynamoDB only (one GetItem), never from AWS.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecuredApi(ApiRole.APP)
@Tag(name = "customers")
public class CustomerResource {

    private final CustomerQueries queries;

    public CustomerResource(CustomerQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/customers/{customerKey}")
    @Operation(summary = "A customer by its key (license#l-... or customer#<productCode>#<customerIdentifier>,"
            + " URL-encoded)")
    public CustomerView byKey(@PathParam("customerKey") String customerKey) {
        return view(customerKey, null);
    }

    @GET
    @Path("/customers")
    @Operation(summary = "A customer by license ARN, or by product code and CustomerIdentifier")
    public CustomerView find(@QueryParam("licenseArn") String licenseArn, @QueryParam("productCode") String productCode,
            @QueryParam("customerIdentifier") String customerIdentifier) {
        return view(key(licenseArn, productCode, customerIdentifier), licenseArn);
    }

    @GET
    @Path("/customers/{customerKey}/access")
    @Operation(summary = "May the customer use this dimension now, how much, and why")
    public AccessView accessByKey(@PathParam("customerKey") String customerKey,
            @Parameter(required = true) @QueryParam("dimension") String dimension) {
        return access(customerKey, null, dimension);
    }

    @GET
    @Path("/access")
    @Operation(summary = "The access check, naming the customer by license ARN or product code + CustomerIdentifier")
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
