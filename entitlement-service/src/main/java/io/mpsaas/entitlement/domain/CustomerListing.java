package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.CustomerRecord;
import java.util.List;

/** Customers as the admin API lists them: a page of the list, or the matches of a search. */
public final class CustomerListing {

    private CustomerListing() {
    }

    /**
     * A customer as a list shows it.
     *
     * @param company   the registered company; null when the customer has not registered
     * @param matchedBy what a search found it by ({@code license}, {@code company}, ...); null in the plain list
     */
    public record Row(CustomerRecord customer, String company, String matchedBy) {
    }

    /**
     * One page of the list.
     *
     * @param next     the cursor of the next page, null on the last
     * @param examined customer-table items read for this page
     */
    public record Page(List<Row> rows, String next, int examined) {
    }
}
