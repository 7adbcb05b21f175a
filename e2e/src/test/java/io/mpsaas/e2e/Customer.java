package io.mpsaas.e2e;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One buyer's subscription as the simulator created it, and how the suite names it: the customer key of the
 * customers table and the ids a usage record carries for it (legacy: product code and CustomerIdentifier; Concurrent
 * Agreements: license ARN and account).
 */
record Customer(SubscriptionView subscription) {

    String key() {
        return concurrentAgreements() ? CustomerKeys.forLicense(subscription.licenseArn())
                : CustomerKeys.forLegacy(subscription.productCode(), subscription.customerIdentifier());
    }

    boolean concurrentAgreements() {
        return subscription.identityModel() == IdentityModel.CONCURRENT_AGREEMENTS;
    }

    String id() {
        return subscription.subscriptionId();
    }

    String productCode() {
        return subscription.productCode();
    }

    String account() {
        return subscription.customerAWSAccountId();
    }

    /** What the simulator's ledger filters a customer by: the CustomerIdentifier (legacy) or the license ARN. */
    String ledgerId() {
        return concurrentAgreements() ? subscription.licenseArn() : subscription.customerIdentifier();
    }

    /** The customer fields of a usage record, as the README's usage API documents them. */
    Map<String, Object> usageIds() {
        Map<String, Object> ids = new LinkedHashMap<>();
        if (concurrentAgreements()) {
            ids.put("licenseArn", subscription.licenseArn());
            ids.put("customerAwsAccountId", subscription.customerAWSAccountId());
        } else {
            ids.put("customerIdentifier", subscription.customerIdentifier());
            ids.put("productCode", subscription.productCode());
        }
        return ids;
    }
}
