package io.mpsaas.common.marketplace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.MarketplaceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Gives every service the same {@link Marketplace}: the AWS JSON 1.1 adapter configured by {@code suite.marketplace}. */
@ApplicationScoped
public class MarketplaceProducer {

    private static final Logger LOG = Logger.getLogger(MarketplaceProducer.class);

    @Produces
    @Singleton
    AwsJsonMarketplaceClient marketplace(MarketplaceConfig config, ObjectMapper mapper) {
        MarketplaceClientSettings settings = config.toSettings();
        LOG.infof("AWS Marketplace client: %s", settings);
        return AwsJsonMarketplaceClient.create(settings, mapper);
    }

    void close(@Disposes AwsJsonMarketplaceClient client) {
        client.close();
    }
}
