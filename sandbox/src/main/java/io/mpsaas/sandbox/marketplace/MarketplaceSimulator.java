package io.mpsaas.sandbox.marketplace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.api.AwsJsonProtocol;
import io.mpsaas.sandbox.marketplace.api.AwsResponse;
import io.mpsaas.sandbox.marketplace.buyer.BuyerActions;
import io.mpsaas.sandbox.marketplace.buyer.Ids;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.FaultInjector;
import io.mpsaas.sandbox.marketplace.fault.FaultSettings;
import io.mpsaas.sandbox.marketplace.fault.QuotaGuard;
import io.mpsaas.sandbox.marketplace.fault.QuotaSettings;
import io.mpsaas.sandbox.marketplace.http.SimulatorHttpServer;
import io.mpsaas.sandbox.marketplace.ledger.Ledger;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.NotificationPublisher;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.marketplace.notify.SnsSigning;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An in-memory AWS Marketplace (Metering + Entitlement Service over AWS JSON 1.1, buyers, SNS and EventBridge
 * notifications, a billing ledger) behind a local HTTP server, for tests and the local sandbox.
 *
 * <p>Everything the HTTP control API ({@code /sandbox/...}) does is also a method here, so in-process tests need no
 * HTTP. Thread-safe.
 */
public final class MarketplaceSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MarketplaceSimulator.class);

    /** Where the web UI's usage generator sends usage unless told otherwise: the metering service's dev port. */
    public static final URI DEFAULT_METERING_URL = URI.create("http://localhost:8082");

    /** The API key the usage generator presents unless told otherwise: the metering service's dev key. */
    public static final String DEFAULT_METERING_API_KEY = "dev-app-key";

    private final String host;
    private final int port;
    private final int httpThreads;
    private final ObjectMapper mapper;
    private final SimulatorClock clock;
    private final Catalog catalog;
    private final SubscriptionRegistry registry;
    private final Ledger ledger;
    private final FaultInjector faults;
    private final QuotaGuard quotas;
    private final SnsSigning signing;
    private final NotificationPublisher publisher;
    private final BuyerActions buyers;
    private final AwsJsonProtocol aws;
    private final io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver webhooks;
    private volatile SimulatorHttpServer server;
    private volatile URI endpoint;
    private volatile URI meteringUrl;
    private volatile String meteringApiKey;

    private MarketplaceSimulator(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.httpThreads = b.httpThreads;
        this.mapper = SimulatorJson.newMapper();
        this.webhooks = new io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver(this.mapper);
        this.clock = new SimulatorClock(b.baseClock);
        this.catalog = b.catalog != null ? b.catalog : Catalog.defaultCatalog();
        this.registry = new SubscriptionRegistry(new Ids());
        this.ledger = new Ledger();
        this.faults = new FaultInjector(b.faults);
        this.quotas = new QuotaGuard(b.quotas);
        this.signing = SnsSigning.sandbox();
        this.publisher = new NotificationPublisher(mapper, b.sqsClient, b.snsQueueUrl, b.eventBridgeQueueUrl,
                clock::instant, signing, this::baseUrl, b.sellerAccountId, b.snsSignatureVersion);
        this.buyers = new BuyerActions(catalog, registry, publisher, clock::instant, this::baseUrl, b.fulfillmentUrl);
        this.aws = new AwsJsonProtocol(mapper, clock::instant, catalog, registry, ledger, faults, quotas,
                publisher::sellerAccountId);
        this.meteringUrl = b.meteringUrl;
        this.meteringApiKey = b.meteringApiKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the HTTP server; {@link #endpoint()} tells where. */
    public synchronized MarketplaceSimulator start() {
        if (server != null) {
            throw new IllegalStateException("the simulator is already started at " + endpoint);
        }
        SimulatorHttpServer s = new SimulatorHttpServer(host, port, httpThreads, mapper, aws, this, signing);
        int bound = s.start();
        server = s;
        endpoint = URI.create("http://" + hostForUri(host) + ":" + bound);
        LOG.infof("AWS Marketplace simulator listening on %s (%d products)", endpoint, catalog.products().size());
        return this;
    }

    /** {@code http://<host>:<port>} of the running server. */
    public URI endpoint() {
        URI e = endpoint;
        if (e == null) {
            throw new IllegalStateException("the simulator is not started: call start() first");
        }
        return e;
    }

    private URI baseUrl() {
        URI e = endpoint;
        return e != null ? e : URI.create("http://" + hostForUri(host) + ":" + port);
    }

    /**
     * The host of the simulator's URLs: its listening address, or loopback when it listens on every interface (a browser
     * or client cannot be sent to {@code 0.0.0.0}).
     */
    public static String hostForUri(String host) {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "[::1]";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
            server = null;
            LOG.infof("AWS Marketplace simulator at %s stopped", endpoint);
        }
    }

    // ---------------------------------------------------------------- AWS, in-process

    /** Answers an AWS JSON 1.1 call without HTTP (same checks as {@code POST /}). */
    public AwsResponse handleAws(String target, String authorization, byte[] body) {
        return aws.handle(target, authorization, body);
    }

    // ---------------------------------------------------------------- catalog

    public Catalog catalog() {
        return catalog;
    }

    public List<Product> products() {
        return catalog.products();
    }

    public Optional<Product> product(String code) {
        return catalog.find(code);
    }

    /** Adds a product at runtime (tests create their own, with unique codes). */
    public Product addProduct(Product product) {
        Product added = catalog.add(product);
        LOG.infof("product %s added (%s, %s, %s)", product.code(), product.pricingModel(), product.identityModel(),
                product.notificationFormat());
        return added;
    }

    // ---------------------------------------------------------------- buyers

    public SubscribeResult subscribe(SubscribeRequest request) {
        return buyers.subscribe(request);
    }

    public SubscribeResult subscribe(String productCode) {
        return buyers.subscribe(SubscribeRequest.of(productCode));
    }

    public SubscriptionView activate(String subscriptionId) {
        return buyers.activate(subscriptionId);
    }

    public SubscriptionView failPayment(String subscriptionId) {
        return buyers.failPayment(subscriptionId);
    }

    public SubscriptionView upgrade(String subscriptionId, Map<String, Object> quantities) {
        return buyers.upgrade(subscriptionId, quantities);
    }

    public SubscriptionView cancel(String subscriptionId) {
        return buyers.cancel(subscriptionId);
    }

    public SubscriptionView completeCancellation(String subscriptionId) {
        return buyers.completeCancellation(subscriptionId);
    }

    /**
     * A purchase made through the Agreement API (no browser reaches the fulfillment URL): the agreement exists and
     * GetAgreementEntitlements hands the seller a registration token valid 30 minutes, which this returns.
     */
    public String purchaseThroughApi(String subscriptionId) {
        return registry.issueApiToken(registry.require(subscriptionId), clock.instant());
    }

    /**
     * Makes the subscription's offer a channel partner's private offer (CPPO): the Agreement API names the partner
     * as the proposer.
     */
    public void channelPartner(String subscriptionId, String partnerAccountId) {
        if (partnerAccountId == null || !partnerAccountId.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("partner account must be 12 digits, not '" + partnerAccountId + "'");
        }
        registry.require(subscriptionId).channelPartnerAccountId(partnerAccountId);
    }

    /**
     * Makes the subscription's offer a private offer (targeted at its buyer's account): the Catalog API's
     * DescribeEntity then answers a {@code TargetingRule} with the buyer's account. A CPPO is always private.
     */
    public void privateOffer(String subscriptionId) {
        registry.require(subscriptionId).privateOffer(true);
    }

    /** The buyer turns auto-renewal of a contract on or off (the renewal term's {@code enableAutoRenew}). */
    public void autoRenew(String subscriptionId, boolean enabled) {
        registry.require(subscriptionId).autoRenew(enabled);
    }

    /** A fresh registration token for the subscription (the buyer's "Set up your account" again). */
    public String issueToken(String subscriptionId) {
        return buyers.issueToken(subscriptionId);
    }

    public SubscriptionView subscription(String subscriptionId) {
        return buyers.view(subscriptionId);
    }

    /** Subscriptions filtered by product and buyer account (null = any), in creation order. */
    public List<SubscriptionView> subscriptions(String productCode, String buyerAccountId) {
        return buyers.list(productCode, buyerAccountId);
    }

    public List<SubscriptionView> subscriptions() {
        return buyers.list(null, null);
    }

    /** The HTML page that auto-POSTs the latest registration token to the fulfillment URL. */
    public String launchPage(String subscriptionId) {
        return buyers.launchPage(subscriptionId);
    }

    public URI launchUrl(String subscriptionId) {
        return URI.create(buyers.launchUrl(subscriptionId));
    }

    /** The seller's fulfillment URL the launch page POSTs to; may be null. */
    public URI fulfillmentUrl() {
        return buyers.fulfillmentUrl();
    }

    /** Changes the seller's fulfillment URL for later launches. */
    public void fulfillmentUrl(URI url) {
        buyers.fulfillmentUrl(url);
    }

    /** The metering service the web UI's usage generator sends usage to ({@code POST <url>/v1/usage}). */
    public URI meteringUrl() {
        return meteringUrl;
    }

    /** Changes the metering service the usage generator talks to (a test learns its port only after start). */
    public void meteringUrl(URI url) {
        this.meteringUrl = Objects.requireNonNull(url, "meteringUrl");
    }

    /** The API key the usage generator presents to the metering service ({@code Authorization: Bearer}). */
    public String meteringApiKey() {
        return meteringApiKey;
    }

    public void meteringApiKey(String apiKey) {
        this.meteringApiKey = Objects.requireNonNull(apiKey, "meteringApiKey");
    }

    // ---------------------------------------------------------------- faults, quotas, settings, clock

    /** The webhook receiver ({@code POST /webhooks}): what the suite delivered to it. */
    public io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver webhooks() {
        return webhooks;
    }

    /** Where the suite's webhooks go in local runs: {@code <endpoint>/webhooks}. */
    public URI webhookUrl() {
        return URI.create(endpoint().toString().replaceAll("/$", "")
                + io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver.PATH);
    }

    public FaultInjector faults() {
        return faults;
    }

    public QuotaSettings quotas() {
        return quotas.settings();
    }

    public void quotas(QuotaSettings settings) {
        quotas.apply(Objects.requireNonNull(settings));
    }

    public String snsSignatureVersion() {
        return publisher.signatureVersion();
    }

    /** "1" (SHA1withRSA) or "2" (SHA256withRSA) for the SNS envelopes published from now on. */
    public void snsSignatureVersion(String version) {
        publisher.signatureVersion(version);
    }

    public SimulatorClock clock() {
        return clock;
    }

    // ---------------------------------------------------------------- ledger and notifications

    public Ledger ledger() {
        return ledger;
    }

    public List<SentNotification> notifications() {
        return publisher.sent(null, null, null);
    }

    /** Notifications filtered by product, subscription and channel (null = any), in publishing order. */
    public List<SentNotification> notifications(String productCode, String subscriptionId, Channel channel) {
        return publisher.sent(productCode, subscriptionId, channel);
    }

    public String sellerAccountId() {
        return publisher.sellerAccountId();
    }

    /**
     * Holds back the product's notifications: they are still built, signed and logged ({@link #notifications}), but
     * not sent to SQS, so a test can deliver their exact bodies itself, reordered or duplicated.
     * {@link #reset()} releases every product.
     */
    public void holdNotifications(String productCode) {
        publisher.hold(productCode, true);
    }

    /** Delivers the product's later notifications again (held ones stay in the log only). */
    public void releaseNotifications(String productCode) {
        publisher.hold(productCode, false);
    }

    public byte[] signingCertificatePem() {
        return signing.leafCertificatePem();
    }

    public byte[] rootCertificatePem() {
        return signing.rootCertificatePem();
    }

    /**
     * Forgets subscriptions, tokens, the ledger and the notification log, restores the initial catalog, faults,
     * quotas and SNS signature version, and sets the clock offset back to zero.
     */
    public void reset() {
        registry.reset();
        ledger.reset();
        publisher.reset();
        faults.reset();
        quotas.reset();
        catalog.reset();
        clock.reset();
        LOG.info("AWS Marketplace simulator reset");
    }

    /** Configuration of a simulator; every setting has a working default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int httpThreads = 8;
        private SqsClient sqsClient;
        private String snsQueueUrl;
        private String eventBridgeQueueUrl;
        private URI fulfillmentUrl;
        private Catalog catalog;
        private FaultSettings faults = FaultSettings.none(42L);
        private QuotaSettings quotas = QuotaSettings.AWS_DEFAULTS;
        private String snsSignatureVersion = "1";
        private String sellerAccountId = "123456789012";
        private Clock baseClock = Clock.systemUTC();
        private URI meteringUrl = DEFAULT_METERING_URL;
        private String meteringApiKey = DEFAULT_METERING_API_KEY;

        private Builder() {
        }

        /** Interface to bind (default 127.0.0.1). */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value);
            return this;
        }

        /** Port to bind; 0 (default) picks a free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            this.port = value;
            return this;
        }

        /** Size of the HTTP worker pool (default 8). */
        public Builder httpThreads(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("httpThreads must be 1..64");
            }
            this.httpThreads = value;
            return this;
        }

        /** Where notifications go; null = record them without publishing. */
        public Builder sqsClient(SqsClient value) {
            this.sqsClient = value;
            return this;
        }

        /** Queue that receives SNS envelopes (the seller's SNS-subscribed queue). */
        public Builder snsQueueUrl(String value) {
            this.snsQueueUrl = value;
            return this;
        }

        /** Queue that receives EventBridge events (the target of the seller's rule); may equal the SNS queue. */
        public Builder eventBridgeQueueUrl(String value) {
            this.eventBridgeQueueUrl = value;
            return this;
        }

        /** The seller's fulfillment URL the buyer's browser POSTs the registration token to. */
        public Builder fulfillmentUrl(URI value) {
            this.fulfillmentUrl = value;
            return this;
        }

        public Builder catalog(Catalog value) {
            this.catalog = value;
            return this;
        }

        /** Faults active from the start (and restored by reset). */
        public Builder faults(FaultSettings value) {
            this.faults = Objects.requireNonNull(value);
            return this;
        }

        /** Seed of the fault injector's random source (default 42). */
        public Builder seed(long value) {
            this.faults = new FaultSettings(value, faults.operations(), faults.failNext(),
                    faults.entitlementEmptyPages());
            return this;
        }

        /** Request quotas (default AWS's: BatchMeterUsage 10/s, GetEntitlements 20/s). */
        public Builder quotas(QuotaSettings value) {
            this.quotas = Objects.requireNonNull(value);
            return this;
        }

        /** SNS SignatureVersion "1" (default, what Marketplace topics use) or "2". */
        public Builder snsSignatureVersion(String value) {
            SnsSigning.algorithm(value);
            this.snsSignatureVersion = value;
            return this;
        }

        /** The seller (ISV) account EventBridge events are addressed to and name as proposer. */
        public Builder sellerAccountId(String value) {
            if (value == null || !value.matches("[0-9]{12}")) {
                throw new IllegalArgumentException("sellerAccountId must be 12 digits");
            }
            this.sellerAccountId = value;
            return this;
        }

        /** The clock simulator time is based on (default the system UTC clock). */
        public Builder clock(Clock value) {
            this.baseClock = Objects.requireNonNull(value);
            return this;
        }

        /** The metering service the web UI's usage generator sends usage to (default http://localhost:8082). */
        public Builder meteringUrl(URI value) {
            this.meteringUrl = Objects.requireNonNull(value);
            return this;
        }

        /** The API key the usage generator presents to the metering service (default its dev key). */
        public Builder meteringApiKey(String value) {
            this.meteringApiKey = Objects.requireNonNull(value);
            return this;
        }

        public MarketplaceSimulator build() {
            return new MarketplaceSimulator(this);
        }
    }
}
