package io.mpsaas.entitlement.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.entitlement.config.EntitlementConfig;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the SNS verifier and the notification reader from {@code suite.entitlement.*}. */
@Dependent
public class ReaderProducer {

    @Produces
    @Singleton
    SnsSignatureVerifier verifier(EntitlementConfig config, Clock clock) {
        EntitlementConfig.Sns sns = config.sns();
        List<URI> intermediates = new ArrayList<>();
        intermediates.add(SnsSignatureVerifier.BUNDLED_INTERMEDIATE);
        sns.intermediateCertificates().orElse(List.of()).forEach(s -> intermediates.add(uri(s)));
        SnsSignatureVerifier.Settings settings = new SnsSignatureVerifier.Settings(
                sns.certificateUrlPrefixes().orElse(List.of()),
                sns.trustAnchors().orElse(List.of()).stream().map(ReaderProducer::uri).toList(),
                intermediates, sns.fetchIntermediates(), sns.aiaHosts(), sns.certificateNames(),
                sns.certificateCacheSize(), sns.minSignatureVersion());
        return new SnsSignatureVerifier(settings, new HttpCertificateSource(sns.fetchTimeout()), clock);
    }

    @Produces
    @Singleton
    NotificationReader reader(ObjectMapper mapper, SnsSignatureVerifier verifier, EntitlementConfig config) {
        return new NotificationReader(mapper, verifier, new NotificationReader.Settings(
                config.sns().verifySignatures(), config.sns().topicArns(), config.acceptRawMessages(),
                config.eventbridge().ignoredProductCodes().orElse(List.of()),
                new NotificationReader.Trust(config.sns().maxAge(), config.maxClockSkew(),
                        config.eventbridge().accounts().orElse(List.of()), config.eventbridge().regions())));
    }

    private static URI uri(String value) {
        return URI.create(value.strip());
    }
}
