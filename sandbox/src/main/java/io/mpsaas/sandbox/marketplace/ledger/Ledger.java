package io.mpsaas.sandbox.marketplace.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Everything the simulated AWS billed, plus every metering attempt, so tests can assert "exact usage, never a
 * DuplicateRecord".
 */
public final class Ledger {

    private final Map<DedupeKey, MeteredRecord> metered = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<MeteringAttempt> attempts = new ConcurrentLinkedQueue<>();

    /**
     * Bills the candidate unless the key is already billed; returns the record that stands (the candidate or the
     * earlier one). Atomic, so concurrent identical calls bill once.
     */
    public MeteredRecord meterIfAbsent(DedupeKey key, MeteredRecord candidate) {
        MeteredRecord existing = metered.putIfAbsent(key, candidate);
        return existing != null ? existing : candidate;
    }

    public void recordAttempt(MeteringAttempt attempt) {
        attempts.add(attempt);
    }

    /** Billed records, ordered by product, usage hour, dimension; optionally filtered (null = any). */
    public List<MeteredRecord> records(String productCode, String customer) {
        List<MeteredRecord> list = new ArrayList<>();
        for (MeteredRecord r : metered.values()) {
            if ((productCode == null || productCode.equals(r.productCode())) && r.concerns(customer)) {
                list.add(r);
            }
        }
        list.sort(Comparator.comparing(MeteredRecord::productCode).thenComparing(MeteredRecord::hour)
                .thenComparing(MeteredRecord::dimension)
                .thenComparing(r -> String.valueOf(r.licenseArn()))
                .thenComparing(r -> String.valueOf(r.customerIdentifier())));
        return list;
    }

    public List<MeteredRecord> records() {
        return records(null, null);
    }

    /** The billed quantity of a customer's dimension over all hours. */
    public long totalQuantity(String productCode, String customer, String dimension) {
        return records(productCode, customer).stream()
                .filter(r -> r.dimension().equals(dimension))
                .mapToLong(MeteredRecord::quantity)
                .sum();
    }

    /** Attempts in arrival order, optionally filtered (null = any). */
    public List<MeteringAttempt> attempts(String productCode, String customer) {
        List<MeteringAttempt> list = new ArrayList<>();
        for (MeteringAttempt a : attempts) {
            if ((productCode == null || productCode.equals(a.productCode())) && a.concerns(customer)) {
                list.add(a);
            }
        }
        return list;
    }

    public List<MeteringAttempt> attempts() {
        return attempts(null, null);
    }

    public void reset() {
        metered.clear();
        attempts.clear();
    }
}
