package io.mpsaas.entitlement.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What an operator's search text is looked up as (the admin API's customer search). */
class SearchQueryTest {

    @Test
    void search_recognisesIdsByTheirShape_andKeepsAnExplicitChoice() {
        assertThat(SearchQuery.of("arn:aws:license-manager::111122223333:license:l-0abc", "").resolved())
                .isEqualTo(SearchQuery.Kind.LICENSE);
        assertThat(SearchQuery.of("l-0123456789abcdef", null).resolved()).isEqualTo(SearchQuery.Kind.LICENSE);
        assertThat(SearchQuery.of(" 111122223333 ", "").resolved()).isEqualTo(SearchQuery.Kind.ACCOUNT);
        assertThat(SearchQuery.of("license#l-1", "").resolved()).isEqualTo(SearchQuery.Kind.CUSTOMER_KEY);
        assertThat(SearchQuery.of("customer#prod#AbC", "").resolved()).isEqualTo(SearchQuery.Kind.CUSTOMER_KEY);
        assertThat(SearchQuery.of("Acme Corp", "").resolved()).isEqualTo(SearchQuery.Kind.ANY);
        assertThat(SearchQuery.of("111122223333", "company").resolved()).isEqualTo(SearchQuery.Kind.COMPANY);
        assertThat(SearchQuery.of("x", "customer-identifier").resolved())
                .isEqualTo(SearchQuery.Kind.CUSTOMER_IDENTIFIER);
    }

    @Test
    void search_refusesEmptyOverlongAndUnknownInput_withAReadableMessage() {
        assertThatThrownBy(() -> SearchQuery.of("  ", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Enter something to search for.");
        assertThatThrownBy(() -> SearchQuery.of("x".repeat(301), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SearchQuery.of("a\u0000b", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SearchQuery.of("x", "email")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Choose what to search by from the list.");
    }
}
