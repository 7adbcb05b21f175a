package io.mpsaas.entitlement.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code suite.entitlement.*}: entitlement-service's own settings. The queues, tables and Marketplace client come from
 * the shared mappings ({@code suite.queues}, {@code suite.tables}, {@code suite.marketplace}).
 */
@ConfigMapping(prefix = "suite.entitlement")
public interface EntitlementConfig {

    /** How the notification queues are consumed. */
    Consumer consumer();

    /** SNS signature verification and the topics trusted. */
    Sns sns();

    /**
     * Whether SNS inner messages delivered raw (SNS raw message delivery on: no envelope, no signature) are accepted.
     * Off by default: with it on, anyone allowed to send to the queue can forge a notification, so the queue policy is
     * the only protection. Leave raw delivery off on the SNS subscriptions instead.
     */
    @WithDefault("false")
    boolean acceptRawMessages();

    /**
     * How far after its arrival in the queue a notification may be dated (an SNS {@code Timestamp}, an EventBridge
     * {@code time}) before it is refused and parked: one dated far in the future would win over every genuine later
     * notification and freeze the customer's state.
     */
    @WithDefault("5m")
    Duration maxClockSkew();

    /** Backoff before a notification whose dependency failed (DynamoDB, AWS Marketplace) is tried again. */
    Retry retry();

    /** The inbox: processed message ids. */
    Inbox inbox();

    /** The final-usage flush requested from metering-service when a subscription ends. */
    Flush flush();

    /** The scheduled re-read of every customer's entitlements. */
    Reconciliation reconciliation();

    /** EventBridge specifics. */
    EventBridge eventbridge();

    /** The agreement terms read from the Agreement API and stored on each customer. */
    Agreements agreements();

    /** Operator endpoints. */
    Admin admin();

    /** Per-product settings, {@code suite.entitlement.products."<productCode>".*}. */
    Map<String, Product> products();

    /** Operations metrics read from the tables. */
    Metrics metrics();

    /** Times a write that lost a race (optimistic version check) is recomputed before the message is retried. */
    @WithDefault("10")
    int conflictRetries();

    /**
     * GetEntitlements calls per second of all replicas together (with {@link #sharedPace()}, the default), or of this
     * replica alone (without it); each page is a call, notifications and reconciliation together. AWS allows 20 per
     * second per account, shared by every caller of the seller account. The default stays a little under AWS's 20 so
     * that timing jitter between here and AWS does not get paced calls throttled: a throttled call is retried outside
     * the pace (the adapter's backoff), which draws more throttling and makes a burst of notifications end later than
     * the quota allows.
     */
    @WithDefault("19")
    double getEntitlementsRateLimit();

    /**
     * Whether the replicas share one GetEntitlements pace: every slot is taken from one item of the customers table
     * ({@code pace#GetEntitlements}, common's {@code SharedCallPacer}, a conditional write per call), so all replicas
     * together call at most {@link #getEntitlementsRateLimit()} times a second, evenly spaced, however many run (the
     * chart's autoscaling changes their number). {@code false}: each replica paces itself at
     * {@code get-entitlements-rate-limit} without coordination; set it then to 19 divided by the most replicas that may
     * run.
     */
    @WithDefault("true")
    boolean sharedPace();

    /**
     * With {@link #sharedPace()}: while DynamoDB cannot be reached (an error after the SDK's retries), a replica paces
     * itself at {@code get-entitlements-rate-limit} divided by this many replicas, for 5 s at a time before it tries the
     * shared item again, so no notification waits for DynamoDB's pace item. Set it to the most replicas that may run
     * (the chart's {@code autoscaling.maxReplicas}, 6 by default).
     */
    @WithDefault("6")
    int sharedPaceFallbackReplicas();

    /**
     * Whether the commits of several customers ready at about the same time (the customers of a batch, other batches,
     * parked agreement events, reconciliation) are written in one {@code TransactWriteItems}, each with the outcome it
     * would have had alone: about half of a commit's cost is per request (HTTP, signing, parsing), not per item. Write
     * units do not change. {@code false}: one request per commit.
     */
    @WithDefault("true")
    boolean combineCommits();

    /**
     * With {@link #combineCommits()}: combined writes in flight at once, at least 1. An idle service's commit goes at
     * once, alone; while this many writes are in flight, the commits ready meanwhile wait and go together in the next
     * write, so one slow write does not stall every consumer.
     */
    @WithDefault("2")
    int commitLanes();

    /** Consumer settings, the same for every queue of {@code suite.queues.notifications}. */
    interface Consumer {

        /** Whether the consumers start with the application (off: the API and reconciliation only). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Messages handled at once per queue. Messages are received and handled ten at a time (one batch: one read of
         * the inbox and the customers, one GetEntitlements and one commit per customer, the customers in parallel, one
         * delete), so this allows concurrency / 10 batches in hand at once. While GetEntitlements is paced (a burst
         * beyond AWS's quota), the batches in hand wait for their slots, and a customer's notifications received
         * meanwhile share its call: more batches in hand, fewer calls (BENCHMARKS.md).
         */
        @WithDefault("100")
        int concurrency();

        /** Long-poll wait of one ReceiveMessage call, 0..20 seconds. */
        @WithDefault("20")
        int waitTimeSeconds();
    }

    /** SNS envelope checks. */
    interface Sns {

        /**
         * Whether SNS signatures are verified. Turning it off (only ever for a local experiment) logs a warning at
         * start; the topic allow-list still applies.
         */
        @WithDefault("true")
        boolean verifySignatures();

        /**
         * TopicArns accepted, {@code *} matching any run of characters. Default: AWS Marketplace's subscription and
         * entitlement topics of every product, in account 287250355862, us-east-1.
         */
        @WithDefault("arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-*,"
                + "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-*")
        List<String> topicArns();

        /**
         * Extra SigningCertURL prefixes accepted besides {@code https://sns.<region of the topic>.amazonaws.com/}.
         * For the sandbox in dev and tests only (its certificate is served over http from 127.0.0.1); empty in
         * production.
         */
        Optional<List<String>> certificateUrlPrefixes();

        /**
         * PEM files or URLs ({@code file:}, {@code http(s):}, {@code classpath:} or a plain path) whose certificates
         * are the only trust anchors of the signing certificate's chain. Unset: Amazon Trust Services' roots, bundled
         * ({@code classpath:sns/amazon-root-cas.pem}: Amazon Root CA 1-4, Starfield Services Root CA G2), never the
         * whole JDK trust store. Dev and tests point it at the sandbox root CA.
         */
        Optional<List<String>> trustAnchors();

        /**
         * Lowest SignatureVersion accepted: {@code 1} (SHA1withRSA and SHA256withRSA) or {@code 2} (SHA256withRSA
         * only). Default 1: AWS, the owner of the Marketplace topics, chooses their version, and they have been seen
         * signing with 1; set 2 once your notifications arrive with 2 (the parked reason names the version refused).
         */
        @WithDefault("1")
        int minSignatureVersion();

        /**
         * Oldest an envelope's {@code Timestamp} may be when the message reached the queue (SQS's sent time, kept
         * across the consumer's own retries). A captured envelope replayed after the inbox forgot its id is refused
         * and parked. A parked envelope replayed later than this is refused again: raise it for that replay.
         */
        @WithDefault("1h")
        Duration maxAge();

        /**
         * PEM files or URLs of intermediate certificates offered to the chain builder, in addition to the bundled
         * Amazon RSA 2048 M01 and any issuer fetched through the certificate's Authority Information Access.
         */
        Optional<List<String>> intermediateCertificates();

        /**
         * Whether a missing intermediate is fetched from the signing certificate's Authority Information Access URL
         * (only {@code http(s)} URLs on hosts ending with one of {@link #aiaHosts()}); it is then checked like any
         * other certificate of the chain.
         */
        @WithDefault("true")
        boolean fetchIntermediates();

        /** Host suffixes an Authority Information Access URL may point at. */
        @WithDefault(".amazontrust.com")
        List<String> aiaHosts();

        /**
         * Names the signing certificate must carry (subject alternative DNS name or common name); {@code {region}} is
         * the topic's region. AWS uses {@code sns.amazonaws.com}, and {@code sns-signing.<region>.amazonaws.com} in
         * newer opt-in regions.
         */
        @WithDefault("sns.amazonaws.com,sns-signing.{region}.amazonaws.com")
        List<String> certificateNames();

        /** Signing certificates kept after verification (least recently used evicted). */
        @WithDefault("20")
        int certificateCacheSize();

        /** Timeout of a certificate download. */
        @WithDefault("5s")
        Duration fetchTimeout();
    }

    /** Retry backoff. */
    interface Retry {

        /** First delay; doubled per receive of the same message. */
        @WithDefault("10s")
        Duration baseDelay();

        /** Longest delay. */
        @WithDefault("5m")
        Duration maxDelay();
    }

    /** Inbox settings. */
    interface Inbox {

        /** How long a processed message id is remembered (DynamoDB TTL); longer than SQS's 14-day retention. */
        @WithDefault("P15D")
        Duration retention();

        /** How long an agreement event waiting for its license (a parked fact) is kept. */
        @WithDefault("P90D")
        Duration factRetention();

        /**
         * Age after which the side effects (events, flush commands) of a message whose state change is committed but
         * whose effects were not confirmed sent are sent again by the reconciliation run.
         */
        @WithDefault("5m")
        Duration pendingEffectsAfter();
    }

    /** Flush settings. */
    interface Flush {

        /** Final-usage window AWS allows after unsubscribe-pending / Purchase Agreement Ended: the flush deadline. */
        @WithDefault("1h")
        Duration window();
    }

    /** Reconciliation settings. */
    interface Reconciliation {

        /** Whether the scheduled run happens (the admin endpoint can still start one). */
        @WithDefault("true")
        boolean enabled();

        /** Quartz-style cron of the run (default: every hour at minute 17). */
        @WithDefault("0 17 * * * ?")
        String cron();

        /**
         * GetEntitlements calls per second the run may make. AWS allows 20 per second per account, shared with the
         * notification path and every replica: keep it well below.
         */
        @WithDefault("5")
        double maxCallsPerSecond();

        /**
         * Products to reconcile. Unset: every product code found in the customers table (a Scan; set the list for a
         * large table).
         */
        Optional<List<String>> productCodes();
    }

    /** Agreement API settings. */
    interface Agreements {

        /**
         * Whether the terms of each new, amended or renewed agreement are read (DescribeAgreement, GetAgreementTerms)
         * and stored on the customer. Needs {@code aws-marketplace:DescribeAgreement} and
         * {@code aws-marketplace:GetAgreementTerms}.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Agreements whose terms wait to be read, at most. The notification path only queues them (one worker reads
         * them after the batch's messages are handled, one agreement at a time); past this many an agreement is
         * dropped with a warning and its terms are read by the next reconciliation run.
         */
        @WithDefault("10000")
        int refreshQueueSize();

        /**
         * The seller's own AWS account id. An agreement proposed by another account is a channel partner's private
         * offer (CPPO). Unset: every agreement reads as the seller's own offer.
         */
        Optional<String> sellerAccountId();

        /**
         * How long before a contract without auto-renewal ends its customer gets {@code customer-agreement-ending}
         * (once per agreement). AWS's own {@code Purchase Agreement Ending} goes to the proposer only, so the
         * manufacturer of a CPPO never gets it: the suite computes it from the stored terms.
         */
        @WithDefault("P30D")
        Duration endingNotice();

        /**
         * A free trial that ended longer ago than this is not announced by {@code customer-free-trial-converted}
         * (keeps a first run, or one after a long outage, from announcing conversions of long ago).
         */
        @WithDefault("P7D")
        Duration trialConversionLookback();

        /**
         * When the job that finds agreements to announce (ending soon, free trial converted) runs: a Quartz cron
         * expression, or {@code off}.
         */
        @WithDefault("0 41 * * * ?")
        String noticeCron();
    }

    /** EventBridge settings. */
    interface EventBridge {

        /**
         * Products whose lifecycle is followed through SNS only (legacy identity). Their EventBridge license events
         * are acknowledged and ignored, so a product that sends both formats is not tracked twice under two keys.
         */
        Optional<List<String>> ignoredProductCodes();

        /**
         * The {@code account}s an event may carry: the seller's AWS account(s), which receive AWS Marketplace's events
         * on their default bus. Unset: any 12-digit account (set it in production: a forged event naming another
         * account is then refused and parked).
         */
        Optional<List<String>> accounts();

        /** The {@code region}s an event may carry: AWS Marketplace sends its events in us-east-1. */
        @WithDefault("us-east-1")
        List<String> regions();
    }

    /** One product's settings. */
    interface Product {

        /**
         * The product's metered dimensions. A customer with contract entitlements (a contract with consumption) may
         * use these without an entitlement of the same name: the access check answers {@code METERED}, and
         * metering-service bills what is used beyond the entitlement. Unset: a dimension without an entitlement is
         * refused to a contract customer ({@code MISSING_DIMENSION}).
         */
        Optional<List<String>> meteredDimensions();

        /**
         * The product's catalog id ({@code prod-...}, the Agreement API's resource identifier). Set, the reconciliation
         * run also searches the product's agreements (SearchAgreements): agreements the suite never heard of become
         * customers, and agreements that ended without the suite hearing of it end their customer.
         */
        Optional<String> productId();
    }

    /** Metrics settings. */
    interface Metrics {

        /**
         * How often customers are counted by subscription state ({@code mpsaas_entitlement_customers{state}}): one
         * Scan of the customers table per count and replica, reading only the state (its read units follow the
         * table's size: see the README, Operations). {@code off} disables the count.
         */
        @WithDefault("15m")
        String customerCountEvery();

        /** Most items one count reads; past it the count stops (logged) and the gauges show what was counted. */
        @WithDefault("200000")
        int customerCountMaxItems();
    }

    /** Admin settings. */
    interface Admin {

        /** Most parked messages one listing or replay-all reads from a dead-letter queue. */
        @WithDefault("500")
        int maxParkedMessages();

        /** Customers per page of the admin customer list ({@code GET /api/v1/admin/customers}), 1..1000. */
        @WithDefault("50")
        int pageSize();

        /**
         * Most customer items one page of the admin customer list examines (a Scan, or a Query of one product),
         * 1..100000: a state filter that matches rarely answers a shorter page with a cursor to the next one rather
         * than reading on.
         */
        @WithDefault("2000")
        int maxItemsPerPage();

        /** Most customers a search answers (by account, product code or company), 1..1000. */
        @WithDefault("50")
        int searchLimit();

        /** Most processed notifications a customer's history answers, newest first, 1..1000. */
        @WithDefault("50")
        int historyLimit();
    }

}
