package io.mpsaas.entitlement.rest;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.rest.QueryLimit;
import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.entitlement.domain.CustomerListing;
import io.mpsaas.entitlement.domain.SearchQuery;
import io.mpsaas.entitlement.service.CustomerAdmin;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators read customers: the list (by product and state, page by page), the search (license ARN, AWS account,
 * CustomerIdentifier, product code, the start of a company name), one customer with its registration, entitlements
 * and history. The operator console's customer pages are these answers. Read-only; DynamoDB only.
 */
@Path("/api/v1/admin/customers")
@Produces(MediaType.APPLICATION_JSON)
@SecuredApi(ApiRole.ADMIN)
@Tag(name = "admin", description = "The operator API: an admin key (suite.api.admin-keys)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
@APIResponse(responseCode = "403", description = "An app key: this API needs an admin key")
public class AdminCustomerResource {

    /** A page of the list with one registered customer. */
    static final String PAGE_EXAMPLE = """
            {"customers": [{"customerKey": "license#l-0f1e2d3c", "state": "ACTIVE", "accessGranted": true,
              "productCode": "prod-code", "licenseArn": "arn:aws:license-manager::111122223333:license:l-0f1e2d3c",
              "customerAwsAccountId": "111122223333", "company": "Example Corp", "registered": true,
              "since": "2026-11-22T07:05:58.100Z"}],
             "next": null,
             "states": ["PENDING", "ACTIVE", "FREE_TRIAL", "UNSUBSCRIBE_PENDING", "UNSUBSCRIBED", "SUBSCRIBE_FAILED",
                        "DEPROVISIONED"]}""";

    /** A customer as a list shows it; {@code company} null when not registered, {@code matchedBy} in searches. */
    @Schema(name = "CustomerRow")
    public record Row(@Schema(required = true) String customerKey, @Schema(required = true) String state,
            boolean accessGranted, @Schema(nullable = true) String productCode,
            @Schema(nullable = true) String customerIdentifier, @Schema(nullable = true) String licenseArn,
            @Schema(nullable = true) String customerAwsAccountId, @Schema(nullable = true) String company,
            boolean registered, @Schema(nullable = true) Instant since, @Schema(nullable = true) String matchedBy) {

        static Row of(CustomerListing.Row row) {
            CustomerRecord c = row.customer();
            return new Row(c.key(), c.state().name(), c.state().grantsAccess(), c.productCode(),
                    c.customerIdentifier(), c.licenseArn(), c.customerAwsAccountId(), row.company(),
                    c.registered() || row.company() != null,
                    c.firstLandedAt() != null ? c.firstLandedAt() : c.createdAt(), row.matchedBy());
        }
    }

    /**
     * A page of the list.
     *
     * @param next   the {@code after} cursor of the next page; null on the last
     * @param states every subscription state, in the order the filter offers them
     */
    @Schema(name = "CustomerPage")
    public record Page(@Schema(required = true) List<Row> customers, @Schema(nullable = true) String next,
            List<String> states) {
    }

    /** What a search found: at most {@code limit} customers, {@code truncated} when there may be more. */
    public record SearchResult(String query, String searchedBy, List<Row> customers, int limit, boolean truncated) {
    }

    /** A processed notification of the customer's history, newest first. */
    public record HistoryView(String messageId, String kind, @Schema(nullable = true) String result,
            boolean effectsPending, @Schema(nullable = true) Instant receivedAt) {

        static HistoryView of(CustomerAdmin.HistoryEntry h) {
            return new HistoryView(h.messageId(), h.kind(), h.result(), h.effectsPending(), h.receivedAt());
        }
    }

    /**
     * One customer as the app API shows it, with what only operators see: landings, history, and the offer type the
     * buyer's browser posted ({@code offerTypeHint}: a hint, not a fact; {@code customer.freeTrial} is AWS's word).
     */
    @Schema(name = "CustomerDetail")
    public record Detail(CustomerView customer, @Schema(nullable = true) String offerTypeHint, long landings,
            @Schema(nullable = true) Instant firstLandedAt, @Schema(nullable = true) Instant lastLandedAt,
            List<HistoryView> history, int historyLimit) {
    }

    private final CustomerAdmin admin;
    private final Clock clock;

    public AdminCustomerResource(CustomerAdmin admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "A page of customers, of one product or all, optionally in one state",
            operationId = "listCustomers")
    @APIResponse(responseCode = "200", description = "A page", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Page.class), examples = @ExampleObject(name = "last-page",
                    value = PAGE_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "An unknown state, or a forged 'after' cursor")
    public Page list(@Parameter(description = "product code") @QueryParam("product") String product,
            @Parameter(description = "a subscription state, e.g. ACTIVE") @QueryParam("state") String state,
            @Parameter(description = "the 'next' cursor of the previous page") @QueryParam("after") String after) {
        String code = product == null || product.isBlank() ? null : product.strip();
        try {
            CustomerListing.Page page = admin.page(code, state(state), after == null || after.isBlank() ? null
                    : after.strip());
            return new Page(page.rows().stream().map(Row::of).toList(), page.next(),
                    Arrays.stream(SubscriptionState.values()).map(Enum::name).toList());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    @GET
    @Path("/search")
    @Operation(summary = "Customers by license ARN, AWS account id, CustomerIdentifier, product code, customer key or"
            + " the start of the company name", operationId = "searchCustomers")
    @APIResponse(responseCode = "200", description = "At most suite.entitlement.admin.search-limit customers",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SearchResult.class)))
    @APIResponse(responseCode = "400", description = "An empty q, or an unknown 'by'")
    public SearchResult search(@Parameter(required = true) @QueryParam("q") String text,
            @Parameter(description = "any (default), license, account, customer-identifier, product-code,"
                    + " customer-key or company") @QueryParam("by") String by) {
        SearchQuery query;
        try {
            query = SearchQuery.of(text, by);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        List<Row> rows = admin.search(query).stream().map(Row::of).toList();
        return new SearchResult(query.text(), query.kind().param(), rows, admin.searchLimit(),
                rows.size() >= admin.searchLimit());
    }

    @GET
    @Path("/{customerKey}")
    @Operation(summary = "One customer with its registration, entitlements and notification history (the key"
            + " URL-encoded)", operationId = "customerDetail")
    @APIResponse(responseCode = "200", description = "The customer, with personal data (admin keys only)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Detail.class)))
    @APIResponse(responseCode = "400", description = "historyLimit out of 0..1000")
    @APIResponse(responseCode = "404", description = "No such customer")
    public Detail detail(@PathParam("customerKey") String customerKey,
            @Parameter(description = "0..1000; 0 or absent: suite.entitlement.admin.history-limit")
            @QueryParam("historyLimit") String historyLimit) {
        int limit = historyLimit("historyLimit", historyLimit);
        CustomerAdmin.Detail d = admin.detail(key(customerKey), limit)
                .orElseThrow(() -> ApiException.notFound("no customer " + customerKey));
        CustomerRecord c = d.customer();
        return new Detail(CustomerView.of(c, d.registration(), clock.instant()), c.offerTypeHint(), c.landings(),
                c.firstLandedAt(), c.lastLandedAt(), d.history().stream().map(HistoryView::of).toList(), limit);
    }

    @GET
    @Path("/{customerKey}/history")
    @Operation(summary = "What the customer's newest notifications did, newest first", operationId = "customerHistory")
    @APIResponse(responseCode = "200", description = "The history", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = HistoryView.class)))
    @APIResponse(responseCode = "400", description = "limit out of 0..1000, or not a number")
    @APIResponse(responseCode = "404", description = "No such customer")
    public List<HistoryView> history(@PathParam("customerKey") String customerKey,
            @Parameter(description = "1..1000; 0 or absent: suite.entitlement.admin.history-limit")
            @QueryParam("limit") String limit) {
        String key = key(customerKey);
        if (!admin.exists(key)) {
            throw ApiException.notFound("no customer " + customerKey);
        }
        return admin.history(key, historyLimit("limit", limit)).stream().map(HistoryView::of).toList();
    }

    /** 1..1000; absent or 0: {@code suite.entitlement.admin.history-limit}. */
    private int historyLimit(String name, String requested) {
        int limit = QueryLimit.parse(name, requested, 0, 1000, 0);
        return limit == 0 ? admin.historyLimit() : limit;
    }

    private static String key(String customerKey) {
        if (customerKey == null || customerKey.isBlank()
                || customerKey.getBytes(StandardCharsets.UTF_8).length > CustomerResource.MAX_KEY_BYTES) {
            throw ApiException.notFound("no customer has this key");
        }
        return customerKey.strip();
    }

    private static SubscriptionState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return SubscriptionState.valueOf(state.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state must be one of " + Arrays.toString(SubscriptionState.values()));
        }
    }
}
