package io.mpsaas.entitlement.marketplace;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.common.marketplace.ThrottleFeedback;
import io.mpsaas.entitlement.config.EntitlementConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * This replica's GetEntitlements pace, and the feedback that tells it of every GetEntitlements attempt AWS throttled:
 * the Marketplace client retries such an attempt by itself, outside the pace, and the pace leaves a slot free for that
 * retry (of all replicas, with the shared pace) rather than let it meet a full second again. The client's other
 * operations (DescribeAgreement, GetAgreementTerms, DescribeEntity) are not of this quota and do not feed the pace.
 */
@ApplicationScoped
public class GetEntitlementsPace {

    /**
     * The pace every GetEntitlements call of {@link EntitlementReader} waits for ({@link EntitlementReader#pacer}), the
     * same instance the feedback tells. Application-scoped: the reader and the feedback reach it through a client
     * proxy, so a test can wrap it to count what it is told.
     */
    @Produces
    @ApplicationScoped
    Pacer pacer(EntitlementConfig config, DynamoDbClient dynamo, TablesConfig tables) {
        return EntitlementReader.pacer(config, dynamo, tables.customers());
    }

    /** A listener bean: common's Marketplace client observes its calls with it, as with its metrics and traces. */
    @Produces
    @Singleton
    ThrottleFeedback throttleFeedback(Pacer pacer) {
        return new ThrottleFeedback(EntitlementReader.GET_ENTITLEMENTS, pacer);
    }
}
