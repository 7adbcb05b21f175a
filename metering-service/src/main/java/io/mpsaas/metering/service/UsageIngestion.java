package io.mpsaas.metering.service;

import io.mpsaas.common.customer.LicenseArn;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.CustomerRef;
import io.mpsaas.metering.domain.MeteredCustomer;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.ProductPolicy;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageLimits;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.domain.UsageValidator;
import io.mpsaas.metering.domain.ValidatedUsage;
import io.mpsaas.metering.persistence.CustomerDirectory;
import io.mpsaas.metering.persistence.UsageWriter;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Takes usage records from the API, the usage queue and the migration reader alike: checks each, finds its customer,
 * and stores the batch durably (idempotency keys + hourly aggregates, by transactions of up to 100 actions) before
 * answering.
 */
@ApplicationScoped
public class UsageIngestion {

    /** Where a record came from, stored with its idempotency key. */
    public static final String SOURCE_API = "api";
    public static final String SOURCE_QUEUE = "sqs";
    public static final String SOURCE_MIGRATION = "aws-sample";

    private final UsageWriter writer;
    private final CustomerDirectory customers;
    private final ProductPolicies products;
    private final MeteringMetrics metrics;
    private final Clock clock;
    private final UsageValidator validator;
    private final int maxRecords;
    private final Duration finalUsageAfterDeprovisioned;

    public UsageIngestion(UsageWriter writer, CustomerDirectory customers, ProductPolicies products,
            MeteringMetrics metrics, Clock clock, MeteringConfig config) {
        this.writer = writer;
        this.customers = customers;
        this.products = products;
        this.metrics = metrics;
        this.clock = clock;
        MeteringConfig.Ingestion ingestion = config.ingestion();
        if (ingestion.idempotencyTtl().compareTo(MeteringWindow.AWS_LIMIT.plusHours(1)) < 0) {
            // a key forgotten while its usage could still be sent again would let a repeat count twice
            throw new IllegalStateException("suite.metering.ingestion.idempotency-ttl must be at least 25h, is "
                    + ingestion.idempotencyTtl());
        }
        this.validator = new UsageValidator(new UsageLimits(ingestion.maxQuantity(), ingestion.sendMargin(),
                ingestion.maxClockSkew()));
        this.maxRecords = ingestion.maxRecordsPerRequest();
        this.finalUsageAfterDeprovisioned = ingestion.finalUsageAfterDeprovisioned();
    }

    /** Most records accepted in one call or message. */
    public int maxRecords() {
        return maxRecords;
    }

    /**
     * Ingests a batch and answers one outcome per record, in order. The records are checked one by one, their
     * customers read once (one BatchGetItem), and the valid ones stored together by {@link UsageWriter} in as few
     * transactions as DynamoDB allows. Throws when DynamoDB fails: records stored before the failure (whole
     * transactions) are answered {@code duplicate} when the caller sends the batch again.
     */
    public List<UsageOutcome> ingest(List<UsageRecordInput> records, String source) {
        Instant now = clock.instant();
        UsageOutcome[] outcomes = new UsageOutcome[records.size()];
        Map<Integer, ValidatedUsage> valid = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            UsageRecordInput record = records.get(i);
            UsageValidator.Result checked = validator.validate(record, now);
            if (checked instanceof UsageValidator.Invalid invalid) {
                String key = record == null ? null : record.idempotencyKey();
                Log.infof("Rejected usage record %s (%s): %s %s", key, source, invalid.reason(), invalid.message());
                outcomes[i] = UsageOutcome.rejected(key, invalid.reason(), invalid.message());
            } else {
                valid.put(i, ((UsageValidator.Valid) checked).usage());
            }
        }
        Map<String, Optional<MeteredCustomer>> found = valid.isEmpty() ? Map.of()
                : customers.findAll(valid.values().stream().map(u -> u.customer().key()).toList(), now);
        List<Integer> writable = new ArrayList<>();
        List<UsageWriter.Write> writes = new ArrayList<>();
        for (Map.Entry<Integer, ValidatedUsage> entry : valid.entrySet()) {
            ValidatedUsage usage = entry.getValue();
            Optional<MeteredCustomer> customer = found.getOrDefault(usage.customer().key(), Optional.empty());
            UsageOutcome refused = refusal(usage, customer, source, now);
            if (refused != null) {
                outcomes[entry.getKey()] = refused;
            } else {
                writable.add(entry.getKey());
                writes.add(new UsageWriter.Write(usage, customer.get()));
            }
        }
        if (!writes.isEmpty()) {
            List<UsageWriter.WriteResult> written = writer.write(writes, now);
            for (int k = 0; k < writes.size(); k++) {
                outcomes[writable.get(k)] = outcome(writes.get(k), written.get(k), source);
            }
        }
        List<UsageOutcome> answer = Arrays.asList(outcomes);
        answer.forEach(outcome -> metrics.usage(outcome, source));
        return answer;
    }

    /** Why the customer cannot take this record, or null when it can. */
    private UsageOutcome refusal(ValidatedUsage usage, Optional<MeteredCustomer> found, String source,
            Instant now) {
        CustomerRef ref = usage.customer();
        String key = ref.key();
        if (found.isEmpty()) {
            return reject(usage, key, RejectionReason.UNKNOWN_CUSTOMER, "no customer with " + ref, source);
        }
        MeteredCustomer customer = found.get();
        if (ref.customerAwsAccountId() != null && customer.customerAwsAccountId() != null
                && !ref.customerAwsAccountId().equals(customer.customerAwsAccountId())) {
            return reject(usage, key, RejectionReason.UNKNOWN_CUSTOMER,
                    "customerAwsAccountId does not match the customer of " + ref, source);
        }
        // the whole ARN (partition, account, license id): another account's ARN with the same id is not this
        // license, and a legacy customer with no license on record cannot be vouched for by one
        if (ref.licenseArn() != null && !LicenseArn.sameLicense(ref.licenseArn(), customer.licenseArn())) {
            return reject(usage, key, RejectionReason.UNKNOWN_CUSTOMER, customer.licenseArn() == null
                    ? "licenseArn names no license on record for the customer of " + ref
                    : "licenseArn does not match the customer's license (partition, account and license id)",
                    source);
        }
        if (ref.licenseArn() != null && ref.productCode() != null && customer.productCode() != null
                && !ref.productCode().equals(customer.productCode())) {
            return reject(usage, key, RejectionReason.UNKNOWN_CUSTOMER,
                    "productCode does not match the customer of " + ref, source);
        }
        if (!customer.state().acceptsUsage() && !finalUsage(customer, usage, now)) {
            return reject(usage, key, RejectionReason.CUSTOMER_NOT_ACTIVE,
                    "the subscription is " + customer.state() + " and accepts no usage", source);
        }
        if (customer.agreementStart() != null
                && usage.hour().isBefore(MeteringWindow.hourOf(customer.agreementStart()))) {
            return reject(usage, key, RejectionReason.BEFORE_AGREEMENT_START, "usage of hour " + usage.hour()
                    + " is before the agreement's start (" + customer.agreementStart()
                    + "): AWS would refuse it as CustomerNotSubscribed", source);
        }
        ProductPolicy policy = products.of(customer.productCode());
        if (!policy.pricingModel().metered()) {
            return reject(usage, key, RejectionReason.NOT_METERED,
                    "product " + customer.productCode() + " is a contract without consumption: usage is not billed",
                    source);
        }
        if (!policy.knows(usage.dimension())) {
            return reject(usage, key, RejectionReason.UNKNOWN_DIMENSION, "dimension " + usage.dimension()
                    + " is not one of product " + customer.productCode() + "'s " + policy.dimensions(), source);
        }
        return null;
    }

    /**
     * Usage that happened before {@code License Deprovisioned}, reported within the hour after it: the EventBridge
     * reading of the final hour (the pricing page's reading is served by the flush at Purchase Agreement Ended).
     */
    private boolean finalUsage(MeteredCustomer customer, ValidatedUsage usage, Instant now) {
        Instant deprovisioned = customer.stateEventAt();
        return customer.state() == SubscriptionState.DEPROVISIONED && deprovisioned != null
                && now.isBefore(deprovisioned.plus(finalUsageAfterDeprovisioned))
                && !usage.usageAt().isAfter(deprovisioned);
    }

    private static UsageOutcome outcome(UsageWriter.Write write, UsageWriter.WriteResult written, String source) {
        ValidatedUsage usage = write.usage();
        MeteredCustomer customer = write.customer();
        String key = customer.key();
        return switch (written.outcome()) {
            case ACCEPTED -> {
                if (!written.meteredHour().equals(usage.hour())) {
                    try (CustomerMdc ignored = mdc(usage)) {
                        Log.infof("Usage %s of %s for hour %s, already metered, counts in hour %s",
                                usage.idempotencyKey(), customer.ids(), usage.hour(), written.meteredHour());
                    }
                }
                yield new UsageOutcome(usage.idempotencyKey(), UsageOutcome.Status.ACCEPTED, null, null, key,
                        usage.hour(), written.meteredHour());
            }
            case DUPLICATE -> new UsageOutcome(usage.idempotencyKey(), UsageOutcome.Status.DUPLICATE, null,
                    "idempotency key seen before: counted once", key, usage.hour(), written.meteredHour());
            case KEY_REUSED -> reject(usage, key, RejectionReason.IDEMPOTENCY_KEY_REUSED,
                    "the idempotency key was used before for a different record", source);
            case HOUR_FULL -> reject(usage, key, RejectionReason.HOUR_QUANTITY_LIMIT,
                    "the hour's total would exceed AWS's maximum quantity " + Integer.MAX_VALUE, source);
            case HOUR_FROZEN -> reject(usage, key, RejectionReason.HOUR_ALREADY_METERED, "hour " + usage.hour()
                    + " was already sent to AWS (the final flush or the job) and no later hour is open yet", source);
        };
    }

    /** Every log line about a record names its customer. */
    private static CustomerMdc mdc(ValidatedUsage usage) {
        CustomerRef ref = usage.customer();
        return CustomerMdc.of(ref.key(), ref.productCode(), ref.licenseArn(), ref.customerIdentifier());
    }

    private static UsageOutcome reject(ValidatedUsage usage, String customerKey, RejectionReason reason,
            String message, String source) {
        try (CustomerMdc ignored = mdc(usage)) {
            Log.infof("Rejected usage record %s of customer %s (%s): %s %s", usage.idempotencyKey(), customerKey,
                    source, reason, message);
        }
        return UsageOutcome.rejected(usage.idempotencyKey(), customerKey, reason, message);
    }
}
