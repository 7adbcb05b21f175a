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
                .containsEntry("suite.metering.products.\"sbx-cppo-contract\".pricing-model", "CONTRACT")
                .doesNotContainKey("suite.metering.products.\"sbx-cppo-contract\".dimensions")
                .containsEntry("suite.metering.products.\"sbx-contract-consumption\".pricing-model",
                        "CONTRACT_WITH_CONSUMPTION")
                .containsEntry("suite.metering.products.\"sbx-contract-consumption\".dimensions", "overage_requests")
                .containsEntry("suite.metering.products.\"sbx-legacy-subscription\".pricing-model", "SUBSCRIPTION")
                .containsEntry("suite.metering.products.\"sbx-legacy-subscription\".dimensions",
                        "requests,active_users")
                .containsEntry("suite.metering.products.\"sbx-free-trial\".dimensions", "requests")
                .hasSize(11)
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

    @Test
    void requirePortsFree_namesTheBusyPort_andSuggestsRandomPorts_whenASuiteMayBeRunning() throws Exception {
        // GIVEN a port taken, as by a suite already running
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName(LocalSuite.LOOPBACK))) {
            var ports = new java.util.LinkedHashMap<String, Integer>();
            ports.put("DynamoDB Local", taken.getLocalPort());

            // WHEN a second run checks its ports THEN it says what is busy, why that may be and what to do
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalSuite.requirePortsFree(LocalSuite.LOOPBACK,
                            ports))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(taken.getLocalPort() + " (DynamoDB Local)")
                    .hasMessageContaining("A suite may already be running")
                    .hasMessageContaining("--random-ports");
        }
    }

    @Test
    void defaultPorts_listEverySandboxAndServicePort_andNoneWithRandomPorts() {
        var defaults = LocalSuite.defaultPorts(LocalSuite.Options.defaults(java.nio.file.Path.of(".")));
        assertThat(defaults).containsEntry("DynamoDB Local", 8000).containsEntry("onboarding-service", 8080)
                .containsEntry("operator-console (health and metrics)", 9083).hasSize(3 + 2 * 4);
        assertThat(LocalSuite.defaultPorts(new LocalSuite.Options(java.nio.file.Path.of("."), Sandbox.Ports.RANDOM,
                true, java.nio.file.Path.of("."), java.util.Map.of(), java.util.Map.of()))).isEmpty();
    }

    @Test
    void options_bindLoopbackByDefault_andTheServicesAreToldSo() {
        var options = LocalSuite.Options.defaults(java.nio.file.Path.of("."));
        assertThat(options.bind()).isEqualTo("127.0.0.1");
        assertThat(options.loopback()).isTrue();
        assertThat(options.withBind("0.0.0.0").loopback()).isFalse();
        assertThat(LocalSuite.connectHost("127.0.0.1")).isEqualTo("localhost");
        assertThat(LocalSuite.connectHost("0.0.0.0")).isEqualTo("localhost");
        assertThat(LocalSuite.connectHost("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(LocalSuite.bindWarning("0.0.0.0")).contains("0.0.0.0", "dev-admin-key", "--bind");
    }

    @Test
    void onboardingCatalog_namesEachProductAsItsListingDoes() {
        var products = Catalog.defaultCatalog().products();
        assertThat(LocalSuite.onboardingCatalog(products)).hasSize(products.size())
                .allSatisfy((key, value) -> assertThat(key).matches("suite\\.onboarding\\.products\\.\"[^\"]+\"\\.name"))
                .containsEntry("suite.onboarding.products.\"" + products.get(0).code() + "\".name",
                        products.get(0).name());
    }
}
