package io.mpsaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import org.junit.jupiter.api.Test;

/** What LocalSuite tells metering-service about the simulator's catalog (the processes are e2e's to test). */
class LocalSuiteTest {

    @Test
    void meteringCatalog_givesEachProductItsPricingModelAndMeteredDimensions() {
        // GIVEN the default catalog WHEN metering-service's settings are derived from it
        var config = LocalSuite.meteringCatalog(Catalog.defaultCatalog().products());

        // THEN a pure contract is never metered, a consumption contract knows its metered dimension only, and
        // subscriptions list theirs; no consumption mapping is invented
        assertThat(config)
                .containsEntry("suite.metering.products.\"sbx-legacy-contract\".pricing-model", "CONTRACT")
                .doesNotContainKey("suite.metering.products.\"sbx-legacy-contract\".dimensions")
                .containsEntry("suite.metering.products.\"sbx-ca-contract\".pricing-model", "CONTRACT")
                .containsEntry("suite.metering.products.\"sbx-contract-consumption\".pricing-model",
                        "CONTRACT_WITH_CONSUMPTION")
                .containsEntry("suite.metering.products.\"sbx-contract-consumption\".dimensions", "overage_requests")
                .containsEntry("suite.metering.products.\"sbx-legacy-subscription\".pricing-model", "SUBSCRIPTION")
                .containsEntry("suite.metering.products.\"sbx-legacy-subscription\".dimensions",
                        "requests,active_users")
                .containsEntry("suite.metering.products.\"sbx-free-trial\".dimensions", "requests")
                .hasSize(10)
                .allSatisfy((key, value) -> assertThat(key).doesNotContain("entitlement-dimensions"));
    }

    @Test
    void entitlementCatalog_listsEachProductsMeteredDimensions() {
        // GIVEN the default catalog WHEN entitlement-service's settings are derived from it
        var config = LocalSuite.entitlementCatalog(Catalog.defaultCatalog().products());

        // THEN the consumption contract's metered dimension is known beside its entitlements; pure contracts have none
        assertThat(config)
                .containsEntry("suite.entitlement.products.\"sbx-contract-consumption\".metered-dimensions",
                        "overage_requests")
                .containsEntry("suite.entitlement.products.\"sbx-legacy-subscription\".metered-dimensions",
                        "requests,active_users")
                .doesNotContainKey("suite.entitlement.products.\"sbx-legacy-contract\".metered-dimensions")
                .doesNotContainKey("suite.entitlement.products.\"sbx-ca-contract\".metered-dimensions");
    }
}
