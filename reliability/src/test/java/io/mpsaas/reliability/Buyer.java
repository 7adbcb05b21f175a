package io.mpsaas.reliability;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated subscription and how the suite names it (customer key, usage ids, ledger filter). */
record Buyer(SubscriptionView subscription) {

    boolean concurrentAgreements() {
        return subscription.identityModel() == IdentityModel.CONCURRENT_AGREEMENTS;
    }

    String id() {
        return subscription.subscriptionId();
    }

    String productCode() {
        return subscription.productCode();
    }

    String key() {
        return concurrentAgreements() ? CustomerKeys.forLicense(subscription.licenseArn())
                : CustomerKeys.forLegacy(subscription.productCode(), subscription.customerIdentifier());
    }

    /** What the simulator's ledger filters a customer by. */
    String ledgerId() {
        return concurrentAgreements() ? subscription.licenseArn() : subscription.customerIdentifier();
    }

    /** The customer fields of a usage record (and of a flush request). */
    Map<String, Object> usageIds() {
        Map<String, Object> ids = new LinkedHashMap<>();
        if (concurrentAgreements()) {
            ids.put("licenseArn", subscription.licenseArn());
        } else {
            ids.put("customerIdentifier", subscription.customerIdentifier());
            ids.put("productCode", subscription.productCode());
        }
        return ids;
    }
}
