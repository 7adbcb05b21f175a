package io.mpsaas.common.marketplace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.MarketplaceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Gives every service the same {@link Marketplace}: the AWS JSON 1.1 adapter configured by {@code suite.marketplace},
 * observed by every {@link MarketplaceCallListener} bean (common's metrics and tracing), so the three services report
 * AWS Marketplace calls the same way.
 */
@ApplicationScoped
public class MarketplaceProducer {

    private static final Logger LOG = Logger.getLogger(MarketplaceProducer.class);

    @Produces
    @Singleton
    AwsJsonMarketplaceClient marketplace(MarketplaceConfig config, ObjectMapper mapper,
            Instance<MarketplaceCallListener> listeners) {
        MarketplaceClientSettings settings = config.toSettings();
        LOG.infof("AWS Marketplace client: %s", settings);
        List<MarketplaceCallListener> all = listeners.stream().toList();
        return AwsJsonMarketplaceClient.create(settings, mapper).listener(MarketplaceCallListener.of(all));
    }

    /** The Agreement API client, on the same signing, retries and listeners as the Marketplace client. */
    @Produces
    @Singleton
    AwsJsonAgreementClient agreements(AwsJsonMarketplaceClient marketplace, ObjectMapper mapper) {
        return new AwsJsonAgreementClient(marketplace, mapper);
    }

    /** The Catalog API client (DescribeEntity of offers), on the same signing, retries and listeners. */
    @Produces
    @Singleton
    AwsJsonCatalogClient offers(AwsJsonMarketplaceClient marketplace, ObjectMapper mapper) {
        return new AwsJsonCatalogClient(marketplace, mapper);
    }

    void close(@Disposes AwsJsonMarketplaceClient client) {
        client.close();
    }
}
