package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.CustomerListing;
import io.mpsaas.entitlement.domain.SearchQuery;
import io.mpsaas.entitlement.persistence.CustomerDirectory;
import io.mpsaas.entitlement.persistence.InboxEntry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What operators read about customers through the admin API (and the operator console through it): the list, the
 * search, one customer with its registration and what the latest notifications did to it. Read-only, DynamoDB only.
 */
@ApplicationScoped
public class CustomerAdmin {

    /** A processed notification of the customer's history. */
    public record HistoryEntry(String messageId, String kind, String result, boolean effectsPending,
            Instant receivedAt) {
    }

    /** One customer, its registration (personal data; null before the buyer registers) and history. */
    public record Detail(CustomerRecord customer, RegistrationRecord registration, List<HistoryEntry> history) {
    }

    private final CustomerDirectory directory;
    private final EntitlementConfig.Admin config;

    public CustomerAdmin(CustomerDirectory directory, EntitlementConfig config) {
        this.directory = directory;
        this.config = config.admin();
    }

    /** A page of customers of one product (or all), optionally in one state, after a cursor of the previous page. */
    public CustomerListing.Page page(String productCode, SubscriptionState state, String cursor) {
        return directory.page(productCode, state, cursor);
    }

    /** The customers a search finds, at most {@code suite.entitlement.admin.search-limit}. */
    public List<CustomerListing.Row> search(SearchQuery query) {
        return directory.search(query);
    }

    public int searchLimit() {
        return config.searchLimit();
    }

    public int historyLimit() {
        return config.historyLimit();
    }

    /** The customer, its registration and its {@code historyLimit} newest notifications. */
    public Optional<Detail> detail(String key, int historyLimit) {
        return directory.customer(key).map(c -> new Detail(c, directory.registration(key).orElse(null),
                history(key, historyLimit)));
    }

    public boolean exists(String key) {
        return directory.customer(key).isPresent();
    }

    /** What the customer's newest notifications did, newest first; empty for an unknown customer. */
    public List<HistoryEntry> history(String key, int limit) {
        return directory.history(key, limit).stream().map(h -> new HistoryEntry(h.dedupeKey(), h.kind(), h.result(),
                h.status() == InboxEntry.Status.APPLIED, h.receivedAt())).toList();
    }
}
