package io.mpsaas.onboarding.config;

import io.mpsaas.common.security.ClientAddress;
import io.mpsaas.onboarding.service.ReferenceSigner;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start with a configuration that would fail buyers later: no signing secret (or the development one in
 * production), no CSRF secret in production, trusted proxies that are not addresses or CIDRs, a fulfillment path that collides with the service's own pages, a bad form field.
 */
@ApplicationScoped
public class StartupChecks {

    /** Prefix of the fixed secrets of the %dev and %test profiles; refused in production. */
    public static final String DEV_SECRET_PREFIX = "dev-only-";

    /** Paths the service serves itself; the fulfillment path must be none of them. */
    static final List<String> RESERVED_PATHS = List.of("/register", "/assets", "/q", "/v1");

    void onStart(@Observes StartupEvent event, OnboardingConfig config) {
        // the profile, not the launch mode: LocalSuite runs the packaged jar with the dev profile and its dev secret
        boolean production = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("prod");
        List<String> problems = problems(config, production);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("onboarding-service cannot start: " + String.join("; ", problems));
        }
    }

    /** What is wrong with the configuration; empty when it is fine. */
    public static List<String> problems(OnboardingConfig config, boolean production) {
        List<String> problems = new ArrayList<>();
        String secret = config.signingSecret().orElse("");
        if (secret.length() < ReferenceSigner.MIN_SECRET_LENGTH) {
            problems.add("suite.onboarding.signing-secret (SUITE_ONBOARDING_SIGNING_SECRET) must be set to a random"
                    + " value of at least " + ReferenceSigner.MIN_SECRET_LENGTH + " characters");
        } else if (production && secret.startsWith(DEV_SECRET_PREFIX)) {
            problems.add("suite.onboarding.signing-secret is the development secret; set a random one in production");
        }
        String csrfSecret = config.csrfSecret().orElse("");
        if (production && csrfSecret.length() < ReferenceSigner.MIN_SECRET_LENGTH) {
            problems.add("suite.onboarding.csrf-secret (SUITE_ONBOARDING_CSRF_SECRET) must be set to a random value of"
                    + " at least " + ReferenceSigner.MIN_SECRET_LENGTH + " characters, the same on every replica");
        } else if (production && csrfSecret.startsWith(DEV_SECRET_PREFIX)) {
            problems.add("suite.onboarding.csrf-secret is a development secret; set a random one in production");
        }
        String path = config.fulfillmentPath();
        if (!path.startsWith("/") || path.contains("*") || path.contains(":") || path.contains("?")) {
            problems.add("suite.onboarding.fulfillment-path must be a plain path starting with /: " + path);
        }
        for (String reserved : RESERVED_PATHS) {
            if (path.equals(reserved) || path.startsWith(reserved + "/")) {
                problems.add("suite.onboarding.fulfillment-path must not be " + reserved + " or below it: " + path);
            }
        }
        if (config.referenceTtl().isNegative() || config.referenceTtl().isZero()) {
            problems.add("suite.onboarding.reference-ttl must be positive");
        }
        if (config.apiPurchase().linkTtl().isNegative() || config.apiPurchase().linkTtl().isZero()) {
            problems.add("suite.onboarding.api-purchase.link-ttl must be positive");
        }
        config.publicUrl().ifPresent(url -> {
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null
                    || !(url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"))
                    || url.getRawQuery() != null || url.getRawFragment() != null) {
                problems.add("suite.onboarding.public-url must be an https (or http) scheme and host, with no path,"
                        + " query or fragment (the links add quarkus.http.root-path themselves): " + url);
            }
        });
        config.productUrl().ifPresent(url -> {
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
                problems.add("suite.onboarding.product-url must be an https (or http) URL: " + url);
            }
        });
        OnboardingConfig.RateLimit limit = config.rateLimit();
        if (limit.burst() < 1 || limit.perMinute() < 1 || limit.maxClients() < 1) {
            problems.add("suite.onboarding.rate-limit.burst, per-minute and max-clients must be at least 1");
        }
        try {
            ClientAddress.cidrs("suite.onboarding.trusted-proxies", config.trustedProxies());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            FormSpecProducer.build(config.form());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }
}
