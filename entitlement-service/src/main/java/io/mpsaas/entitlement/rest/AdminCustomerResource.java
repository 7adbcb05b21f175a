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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators read customers: the list (by product and state, page by page), the search (license ARN, AWS account,
 * CustomerIdentifier, product code, the start of a company name), one customer with its registration, entitlements
 * and history. The operator console's customer pages are these answers. Read-only; DynamoDB only.
 */
@Path("/api/v1/admin/customers")
@Produces(MediaType.APPLICATION_JSON)
@SecuredApi(ApiRole.ADMIN)
@Tag(name = "admin")
public class AdminCustomerResource {

    /** A customer as a list shows it; {@code company} null when not registered, {@code matchedBy} in searches. */
    public record Row(String customerKey, String state, boolean accessGranted, String productCode,
            String customerIdentifier, String licenseArn, String customerAwsAccountId, String company,
            boolean registered, Instant since, String matchedBy) {

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
    public record Page(List<Row> customers, String next, List<String> states) {
    }

    /** What a search found: at most {@code limit} customers, {@code truncated} when there may be more. */
    public record SearchResult(String query, String searchedBy, List<Row> customers, int limit, boolean truncated) {
    }

    /** A processed notification of the customer's history, newest first. */
    public record HistoryView(String messageId, String kind, String result, boolean effectsPending,
            Instant receivedAt) {

        static HistoryView of(CustomerAdmin.HistoryEntry h) {
            return new HistoryView(h.messageId(), h.kind(), h.result(), h.effectsPending(), h.receivedAt());
        }
    }

    /**
     * One customer as the app API shows it, with what only operators see: landings, history, and the offer type the
     * buyer's browser posted ({@code offerTypeHint}: a hint, not a fact; {@code customer.freeTrial} is AWS's word).
     */
    public record Detail(CustomerView customer, String offerTypeHint, long landings, Instant firstLandedAt,
            Instant lastLandedAt, List<HistoryView> history, int historyLimit) {
    }

    private final CustomerAdmin admin;
    private final Clock clock;

    public AdminCustomerResource(CustomerAdmin admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "A page of customers, of one product or all, optionally in one state")
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
            + " the start of the company name")
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
            + " URL-encoded)")
    public Detail detail(@PathParam("customerKey") String customerKey,
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
    @Operation(summary = "What the customer's newest notifications did, newest first")
    public List<HistoryView> history(@PathParam("customerKey") String customerKey,
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
