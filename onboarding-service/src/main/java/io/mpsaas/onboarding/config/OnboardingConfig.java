package io.mpsaas.onboarding.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code suite.onboarding.*}: the fulfillment URL, the signed reference the buyer's browser carries, the registration
 * form and the pages' wording and links. Every key is documented in the README's onboarding-service section.
 */
@ConfigMapping(prefix = "suite.onboarding")
public interface OnboardingConfig {

    /**
     * Path of the fulfillment URL under the HTTP root, the path part of what the seller enters in the AWS Marketplace
     * Management Portal. AWS POSTs the buyer's browser here; GET and HEAD answer 200 with a "start from AWS Marketplace"
     * page.
     */
    @WithDefault("/")
    String fulfillmentPath();

    /**
     * HMAC-SHA256 key of the signed reference to the resolved customer that the registration form carries. Required
     * (at least 32 characters) in production: the service refuses to start without one. Rotating it invalidates the
     * forms buyers have open.
     */
    Optional<String> signingSecret();

    /**
     * HMAC-SHA256 key of the CSRF cookie ({@code quarkus.rest-csrf.token-signature-key}): the cookie holds the token's
     * signature, never the token. Required (at least 32 characters, not a development one) in production; {@code %dev}
     * and {@code %test} get a random one per start ({@link CsrfSecretSource}).
     */
    Optional<String> csrfSecret();

    /** How long a registration form stays valid after the buyer landed (the lifetime of the signed reference). */
    @WithDefault("1h")
    Duration referenceTtl();

    /** Largest request body the fulfillment URL reads; a bigger one gets a 413 page. AWS sends a few hundred bytes. */
    @WithDefault("64K")
    MemorySize maxBodySize();

    /**
     * Product name shown in the pages' header, titles and sentences when the buyer's product has none of its own in
     * {@link #products()}. Unset, the pages speak of "your subscription" and the header says "Account set-up".
     */
    Optional<String> productName();

    /** Per product code, {@code suite.onboarding.products."<productCode>".*}: how the pages name each product. */
    Map<String, Product> products();

    /** One product's page settings. */
    interface Product {

        /** The product's name as buyers know it from its AWS Marketplace listing. */
        Optional<String> name();
    }

    /** Link into the product on the confirmation page ("Open ..."); no link when unset. */
    Optional<URI> productUrl();

    /** Text of the link into the product; defaults to "Open " and the product name. */
    Optional<String> productLinkLabel();

    /** How buyers reach the seller (an e-mail address or an https URL), shown on the pages; none when unset. */
    Optional<String> supportContact();

    /** Where buyers restart the set-up: AWS Marketplace's "Your Marketplace Software" page. */
    @WithDefault("https://aws.amazon.com/marketplace/library")
    URI marketplaceUrl();

    /** "What happens next" on the confirmation page, one step per entry; a generic text when unset. */
    Optional<List<String>> nextSteps();

    /** The registration form. */
    Form form();

    /** How often the relay job looks for customer-registered events whose sending failed. */
    @WithDefault("60s")
    Duration eventRetryInterval();

    /** Age of an unsent customer-registered event before the relay job sends it (the request normally has). */
    @WithDefault("2m")
    Duration eventRetryAfter();

    /**
     * Where buyers reach this service from the internet ({@code https://<your host>}, with {@code quarkus.http.root-path}
     * if any): the base of the registration links of purchases made through the API. Unset, a link is built from the
     * address the seller's call came to, which is right only when the seller calls through the public host.
     */
    Optional<URI> publicUrl();

    /** Purchases made through the Agreement API (no browser reaches the fulfillment URL). */
    ApiPurchase apiPurchase();

    /** {@code suite.onboarding.api-purchase.*}: the registration links the seller sends to API buyers. */
    interface ApiPurchase {

        /**
         * How long a registration link stays valid after the seller asked for it. The registration token behind it is
         * resolved when the seller asks (AWS gives 30 minutes), so the link's lifetime is the suite's own; the seller
         * asks again for a fresh link of the same customer at any time.
         */
        @WithDefault("7d")
        Duration linkTtl();
    }

    /** Rate limit of the fulfillment URL per client address. */
    RateLimit rateLimit();

    /**
     * The proxies in front of the service (IP addresses or CIDRs, e.g. the VPC's {@code 10.0.0.0/16} behind an ALB):
     * only when the TCP peer is one of them are its forwarded headers believed, by Quarkus for the scheme
     * ({@code quarkus.http.proxy.trusted-proxies}) and by the rate limit for the client's address (the rightmost
     * {@code X-Forwarded-For} entry that is not a trusted proxy). Unset: none, every forwarded header is ignored.
     */
    Optional<List<String>> trustedProxies();

    /**
     * {@code suite.onboarding.rate-limit.*}: a token bucket per client on the fulfillment URL (every method), the
     * public endpoint that makes a ResolveCustomer call per POST. A client is its address, IPv6 by /64, read from
     * {@code X-Forwarded-For} only behind a trusted proxy ({@link #trustedProxies()}). Over the limit: 429, a readable
     * page and {@code Retry-After}.
     */
    interface RateLimit {

        /** Whether the fulfillment URL is rate limited. */
        @WithDefault("true")
        boolean enabled();

        /** Requests one client may make at once (the bucket's size). A buyer needs a few: landing, refresh, retry. */
        @WithDefault("20")
        int burst();

        /** Sustained requests per minute per client (the bucket's refill). */
        @WithDefault("60")
        int perMinute();

        /** Most client addresses tracked at once; beyond, the idlest are forgotten (memory stays bounded). */
        @WithDefault("100000")
        int maxClients();
    }

    /** {@code suite.onboarding.form.*}: fields beyond company, contact name, e-mail and phone. */
    interface Form {

        /** Whether the phone number is required (company, contact name and e-mail always are). */
        @WithDefault("false")
        boolean phoneRequired();

        /** Seller-specific fields, shown after the standard ones in this order. */
        Optional<List<ExtraField>> extraFields();
    }

    /** {@code suite.onboarding.form.extra-fields[n].*}: one seller-specific text field. */
    interface ExtraField {

        /** Name in the stored registration ({@code extraFields.<name>}): a letter, then letters, digits, - or _. */
        String name();

        /** Label shown to the buyer. */
        String label();

        /** Whether the buyer must fill it in. */
        @WithDefault("false")
        boolean required();

        /** Longest accepted value, in characters. */
        @WithDefault("200")
        int maxLength();

        /** Java regular expression the whole value must match (when given). */
        Optional<String> pattern();

        /** Help text under the field, also shown when the value does not match the pattern. */
        Optional<String> hint();
    }
}
