package io.mpsaas.sandbox;

import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole local AWS a seller needs to run and test the suite without an account: DynamoDB Local and ElasticMQ with
 * the suite's tables and queues, and the AWS Marketplace simulator publishing its notifications into the
 * notifications queue.
 */
public final class Sandbox implements AutoCloseable {

    /** Ports to listen on; 0 picks a free one. */
    public record Ports(int dynamo, int sqs, int marketplace) {

        /** The ports the README documents and the services' %dev profile expects. */
        public static final Ports DEFAULT = new Ports(8000, 9324, 8100);

        public static final Ports RANDOM = new Ports(0, 0, 0);
    }

    private final LocalAws aws;
    private final MarketplaceSimulator simulator;

    private Sandbox(LocalAws aws, MarketplaceSimulator simulator) {
        this.aws = aws;
        this.simulator = simulator;
    }

    /**
     * Starts everything. {@code fulfillmentUrl} is where the simulated buyer's browser POSTs the registration token
     * (the onboarding service's fulfillment URL).
     */
    public static Sandbox start(String host, Ports ports, URI fulfillmentUrl) {
        Objects.requireNonNull(fulfillmentUrl, "fulfillmentUrl");
        LocalAws aws = LocalAws.start(host, ports.dynamo(), ports.sqs());
        try {
            String notifications = aws.queueUrl(SuiteQueues.NOTIFICATIONS);
            MarketplaceSimulator simulator = MarketplaceSimulator.builder()
                    .host(host)
                    .port(ports.marketplace())
                    .sqsClient(aws.sqs())
                    .snsQueueUrl(notifications)
                    .eventBridgeQueueUrl(notifications)
                    .fulfillmentUrl(fulfillmentUrl)
                    .build()
                    .start();
            return new Sandbox(aws, simulator);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    public LocalAws aws() {
        return aws;
    }

    public MarketplaceSimulator simulator() {
        return simulator;
    }

    /**
     * The configuration a Quarkus service of the suite needs to use this sandbox: endpoints and the fixed test
     * credentials for DynamoDB, SQS and AWS Marketplace, and the sandbox's SNS trust anchor.
     */
    public Map<String, String> serviceConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        for (String service : new String[] {"dynamodb", "sqs"}) {
            String endpoint = service.equals("dynamodb") ? aws.dynamoEndpoint().toString()
                    : aws.sqsEndpoint().toString();
            config.put("quarkus." + service + ".endpoint-override", endpoint);
            config.put("quarkus." + service + ".aws.region", LocalAws.REGION);
            config.put("quarkus." + service + ".aws.credentials.type", "static");
            config.put("quarkus." + service + ".aws.credentials.static-provider.access-key-id", LocalAws.ACCESS_KEY_ID);
            config.put("quarkus." + service + ".aws.credentials.static-provider.secret-access-key",
                    LocalAws.SECRET_ACCESS_KEY);
        }
        String marketplace = simulator.endpoint().toString();
        config.put("suite.marketplace.metering-endpoint", marketplace);
        config.put("suite.marketplace.entitlement-endpoint", marketplace);
        config.put("suite.marketplace.agreement-endpoint", marketplace);
        config.put("suite.marketplace.catalog-endpoint", marketplace);
        // the simulator's seller: an agreement another account proposed is a channel partner's offer (CPPO)
        config.put("suite.entitlement.agreements.seller-account-id", simulator.sellerAccountId());
        config.put("suite.marketplace.access-key-id", LocalAws.ACCESS_KEY_ID);
        config.put("suite.marketplace.secret-access-key", LocalAws.SECRET_ACCESS_KEY);
        // where the sandbox serves its SNS signing certificate and root CA (services trust them in dev and tests)
        config.put("sandbox.marketplace.endpoint", marketplace);
        config.put("sandbox.sns.root-ca-url", marketplace + "/sns/sandbox-root-ca.pem");
        return config;
    }

    /**
     * The configuration that makes onboarding and entitlement-service deliver their webhooks to the simulator's
     * receiver (endpoint {@code sandbox}, every product, the receiver's local secret, http to loopback allowed):
     * {@code run-local.sh}, the end-to-end, reliability and benchmark runs.
     */
    public Map<String, String> webhookConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("suite.webhooks.endpoints.sandbox.url", simulator.webhookUrl().toString());
        config.put("suite.webhooks.endpoints.sandbox.secrets", WebhookReceiver.SECRET);
        config.put("suite.webhooks.allow-loopback", "true");
        return config;
    }

    @Override
    public void close() {
        try {
            simulator.close();
        } finally {
            aws.close();
        }
    }
}
