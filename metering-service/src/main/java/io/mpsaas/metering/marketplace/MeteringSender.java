package io.mpsaas.metering.marketplace;

import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.BatchMeterUsageResult;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.common.marketplace.UsageRecordResult;
import io.mpsaas.common.retry.Backoff;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Sends usage records of one product with BatchMeterUsage: calls of at most 25 records under the pace (of all
 * replicas together, or of this one); per-record results; rounds of retries with exponential backoff and full jitter
 * for throttling, AWS outages and unprocessed records (after the adapter's own retries); and a failing batch split in
 * halves until the record AWS refuses is alone, so one bad record never blocks 24 good ones.
 */
public final class MeteringSender {

    /** Errors about the call as a whole that no split can fix: leave everything for a later run. */
    private static final Set<MarketplaceError> SYSTEMIC = EnumSet.of(MarketplaceError.ACCESS_DENIED,
            MarketplaceError.DISABLED_API, MarketplaceError.INVALID_ENDPOINT_REGION);

    /** One record to send, named by the caller's id (the aggregate). */
    public record Item(String id, UsageRecord record) {
    }

    /** Retry settings of one run. */
    public record Retries(int rounds, Duration baseDelay, Duration maxDelay) {
    }

    private final Marketplace marketplace;
    private final Pacer pacer;
    private final Retries retries;

    public MeteringSender(Marketplace marketplace, Pacer pacer, Retries retries) {
        this.marketplace = marketplace;
        this.pacer = pacer;
        this.retries = retries;
    }

    /**
     * Sends the records of one product ({@code productCode} null for Concurrent Agreements records, whose license
     * names the product) and answers an outcome for every item id.
     */
    public Map<String, SendOutcome> send(String productCode, List<Item> items) {
        return send(productCode, items, OptionalLong.empty());
    }

    /** The next call's slot under this sender's pace, taken now; calls reserved in order start in order. */
    public long reserve() {
        return pacer.reserve();
    }

    /**
     * {@link #send(String, List)} whose first call waits for a slot the caller {@link #reserve reserved} (the next
     * calls, retries and splits take their own).
     */
    public Map<String, SendOutcome> send(String productCode, List<Item> items, OptionalLong reserved) {
        OptionalLong[] slot = {reserved};
        Map<String, SendOutcome> outcomes = new LinkedHashMap<>();
        List<Item> pending = items;
        Map<String, SendOutcome> lastRetry = new HashMap<>();
        for (int round = 1; round <= Math.max(1, retries.rounds()) && !pending.isEmpty(); round++) {
            if (round > 1) {
                Backoff.sleep(backoff(round - 1));
            }
            List<Item> again = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += Marketplace.MAX_RECORDS_PER_BATCH) {
                List<Item> chunk = pending.subList(from,
                        Math.min(pending.size(), from + Marketplace.MAX_RECORDS_PER_BATCH));
                sendChunk(productCode, chunk, outcomes, again, lastRetry, slot);
            }
            pending = again;
        }
        for (Item item : pending) {
            outcomes.put(item.id(), lastRetry.getOrDefault(item.id(), new SendOutcome.Retry("Unprocessed",
                    "not processed by AWS")));
        }
        return outcomes;
    }

    private void sendChunk(String productCode, List<Item> chunk, Map<String, SendOutcome> outcomes, List<Item> again,
            Map<String, SendOutcome> lastRetry, OptionalLong[] reserved) {
        BatchMeterUsageResult result;
        if (reserved[0].isPresent()) {
            pacer.await(reserved[0].getAsLong());
            reserved[0] = OptionalLong.empty();
        } else {
            pacer.acquire();
        }
        try {
            result = marketplace.batchMeterUsage(new BatchMeterUsageRequest(productCode,
                    chunk.stream().map(Item::record).toList()));
        } catch (MarketplaceException e) {
            if (e.retryable()) {
                Log.warnf("BatchMeterUsage of %d records of product %s failed after %d attempts (%s, request %s);"
                        + " retrying", chunk.size(), productCode, e.attempts(), e.errorType(), e.requestId());
                for (Item item : chunk) {
                    again.add(item);
                    lastRetry.put(item.id(), new SendOutcome.Retry(e.errorType(), e.getMessage()));
                }
            } else if (SYSTEMIC.contains(e.error())) {
                Log.errorf("BatchMeterUsage of product %s refused as a whole (%s: %s, request %s); %d records wait"
                        + " for a later run", productCode, e.errorType(), e.getMessage(), e.requestId(), chunk.size());
                chunk.forEach(item -> outcomes.put(item.id(), new SendOutcome.Retry(e.errorType(), e.getMessage())));
            } else if (chunk.size() > 1 && e.error() != MarketplaceError.INVALID_PRODUCT_CODE) {
                // one bad record fails the whole call: split until it is alone
                int half = chunk.size() / 2;
                Log.infof("BatchMeterUsage of %d records of product %s refused (%s); splitting the batch",
                        chunk.size(), productCode, e.errorType());
                sendChunk(productCode, chunk.subList(0, half), outcomes, again, lastRetry, reserved);
                sendChunk(productCode, chunk.subList(half, chunk.size()), outcomes, again, lastRetry, reserved);
            } else {
                chunk.forEach(item -> outcomes.put(item.id(), new SendOutcome.Refused(e.errorType(), e.getMessage())));
            }
            return;
        }
        Map<String, Item> byRecord = new HashMap<>();
        chunk.forEach(item -> byRecord.put(matchKey(item.record()), item));
        for (UsageRecordResult r : result.results()) {
            Item item = byRecord.remove(matchKey(r.usageRecord()));
            if (item == null) {
                Log.warnf("BatchMeterUsage answered for a record it was not sent: %s", r.usageRecord());
                continue;
            }
            outcomes.put(item.id(), switch (r.status()) {
                case SUCCESS -> new SendOutcome.Sent(r.meteringRecordId());
                case CUSTOMER_NOT_SUBSCRIBED -> new SendOutcome.NotSubscribed();
                case DUPLICATE_RECORD -> new SendOutcome.Duplicate();
            });
        }
        // unprocessed records, and any record AWS did not mention at all: again, with the same quantity
        for (Item item : byRecord.values()) {
            again.add(item);
            lastRetry.put(item.id(), new SendOutcome.Retry("Unprocessed", "returned in UnprocessedRecords"));
        }
    }

    static String matchKey(UsageRecord r) {
        return r.customerIdentifier() + "|" + r.customerAwsAccountId() + "|" + r.licenseArn() + "|" + r.dimension()
                + "|" + r.timestamp().toEpochMilli();
    }

    /** Full jitter: a random delay up to the exponential bound. */
    Duration backoff(int retry) {
        return Backoff.fullJitter(retries.baseDelay(), retries.maxDelay()).delay(retry);
    }
}
