package io.mpsaas.metering.domain;

import io.mpsaas.common.customer.LicenseArn;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Checks a usage record's own fields (everything but the customer); the first problem found is the answer. */
public final class UsageValidator {

    /** AWS's pattern for tag keys and values (the {@code " -="} is a range: space to equals sign). */
    static final Pattern TAG = Pattern.compile("^[a-zA-Z0-9+ -=._:/@]+$");
    static final Pattern ACCOUNT = Pattern.compile("^[0-9]+$");
    private static final int MAX_IDEMPOTENCY_KEY = 256;

    /** Either a valid record or why not. */
    public sealed interface Result {
    }

    public record Valid(ValidatedUsage usage) implements Result {
    }

    public record Invalid(RejectionReason reason, String message) implements Result {
    }

    private final UsageLimits limits;

    public UsageValidator(UsageLimits limits) {
        this.limits = limits;
    }

    /**
     * Why these ids cannot name a customer (AWS's limits: product code and CustomerIdentifier 1..255 characters; a
     * license ARN whose id part cannot be read; a key longer than any stored key), or null.
     */
    static String customerIdsProblem(CustomerRef customer) {
        if (customer.productCode() != null && customer.productCode().length() > 255) {
            return "productCode must be at most 255 characters";
        }
        if (customer.customerIdentifier() != null && customer.customerIdentifier().length() > 255) {
            return "customerIdentifier must be at most 255 characters";
        }
        if (customer.licenseArn() != null && customer.licenseArn().length() > 2048) {
            return "licenseArn is not a license ARN";
        }
        String key;
        try {
            key = customer.key();
        } catch (IllegalArgumentException e) {
            return "licenseArn is not a license ARN";
        }
        return CustomerRef.fitsKey(key) ? null : "the customer's ids are longer than any customer's";
    }

    public Result validate(UsageRecordInput in, Instant now) {
        if (in == null) {
            return new Invalid(RejectionReason.INVALID_RECORD, "the record is empty");
        }
        String key = trim(in.idempotencyKey());
        if (key == null) {
            return new Invalid(RejectionReason.MISSING_IDEMPOTENCY_KEY, "idempotencyKey is required");
        }
        if (key.length() > MAX_IDEMPOTENCY_KEY) {
            return new Invalid(RejectionReason.INVALID_RECORD,
                    "idempotencyKey must be at most " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        CustomerRef customer;
        String licenseArn = trim(in.licenseArn());
        String account = trim(in.customerAwsAccountId());
        String customerIdentifier = trim(in.customerIdentifier());
        String productCode = trim(in.productCode());
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            return new Invalid(RejectionReason.INVALID_RECORD, "customerAwsAccountId must be digits");
        }
        if (licenseArn != null && !LicenseArn.isValid(licenseArn)) {
            return new Invalid(RejectionReason.INVALID_RECORD, "licenseArn is not a license ARN"
                    + " (arn:<partition>:license-manager::<account>:license:l-<id>)");
        }
        if (customerIdentifier != null && productCode != null) {
            // a legacy customer (AWS also gives legacy customers a license ARN: it is checked, not used as the key)
            customer = new CustomerRef(licenseArn, account, customerIdentifier, productCode);
        } else if (licenseArn != null && customerIdentifier == null) {
            customer = new CustomerRef(licenseArn, account, null, productCode);
        } else {
            return new Invalid(RejectionReason.INVALID_RECORD,
                    "name the customer by licenseArn, or by customerIdentifier and productCode");
        }
        String customerProblem = customerIdsProblem(customer);
        if (customerProblem != null) {
            return new Invalid(RejectionReason.INVALID_RECORD, customerProblem);
        }
        String dimension = trim(in.dimension());
        if (dimension == null || dimension.length() > 255) {
            return new Invalid(RejectionReason.INVALID_RECORD, "dimension is required (1..255 characters)");
        }
        Long quantity = wholeNumber(in.quantity());
        if (in.quantity() == null) {
            return new Invalid(RejectionReason.INVALID_QUANTITY, "quantity is required");
        }
        if (quantity == null || quantity < 0) {
            return new Invalid(RejectionReason.INVALID_QUANTITY, "quantity must be a whole number, 0 or more");
        }
        if (quantity > limits.maxQuantity()) {
            return new Invalid(RejectionReason.QUANTITY_TOO_LARGE,
                    "quantity must be at most " + limits.maxQuantity());
        }
        Instant usageAt;
        try {
            usageAt = parseTimestamp(in.timestamp());
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            return new Invalid(RejectionReason.INVALID_TIMESTAMP,
                    "timestamp must be ISO-8601 (2026-01-31T13:45:00Z) or epoch seconds");
        }
        if (usageAt == null) {
            return new Invalid(RejectionReason.INVALID_TIMESTAMP, "timestamp is required");
        }
        if (usageAt.isAfter(now.plus(limits.maxClockSkew()))) {
            return new Invalid(RejectionReason.TIMESTAMP_IN_FUTURE,
                    "timestamp " + usageAt + " is in the future");
        }
        Instant hour = MeteringWindow.hourOf(usageAt);
        Instant lastIngest = MeteringWindow.deadline(hour).minus(limits.sendMargin());
        if (!now.isBefore(lastIngest)) {
            return new Invalid(RejectionReason.TIMESTAMP_TOO_OLD, "usage of hour " + hour
                    + " can no longer be sent to AWS in time (AWS deadline " + MeteringWindow.deadline(hour)
                    + ", usage accepted until " + lastIngest + ")");
        }
        List<Allocation> allocations = new ArrayList<>();
        if (in.allocations() != null && !in.allocations().isEmpty()) {
            String problem = allocations(in.allocations(), quantity, allocations);
            if (problem != null) {
                return new Invalid(RejectionReason.INVALID_ALLOCATIONS, problem);
            }
        }
        return new Valid(new ValidatedUsage(customer, dimension, quantity, usageAt, hour, allocations, key));
    }

    private static String allocations(List<UsageRecordInput.AllocationInput> input, long quantity,
            List<Allocation> out) {
        if (input.size() > UsageLimits.MAX_ALLOCATIONS) {
            return "at most " + UsageLimits.MAX_ALLOCATIONS + " allocations per record";
        }
        Set<String> tagSets = new HashSet<>();
        long sum = 0;
        for (UsageRecordInput.AllocationInput a : input) {
            if (a == null) {
                return "an allocation is empty";
            }
            Long q = wholeNumber(a.quantity());
            if (q == null || q < 0) {
                return "each allocation needs a quantity, a whole number 0 or more";
            }
            Map<String, String> tags = a.tags() == null ? Map.of() : a.tags();
            if (tags.size() > UsageLimits.MAX_TAGS) {
                return "an allocation has at most " + UsageLimits.MAX_TAGS + " tags";
            }
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                String k = tag.getKey();
                String v = tag.getValue();
                if (k == null || k.isEmpty() || k.length() > 100 || !TAG.matcher(k).matches()) {
                    return "tag key '" + k + "' must be 1..100 characters of " + TAG.pattern();
                }
                if (v == null || v.isEmpty() || v.length() > 256 || !TAG.matcher(v).matches()) {
                    return "tag value of '" + k + "' must be 1..256 characters of " + TAG.pattern();
                }
            }
            Allocation allocation = new Allocation(q, new TreeMap<>(tags));
            if (!tagSets.add(allocation.tagSetKey())) {
                return "two allocations have the same tags";
            }
            sum += q;
            out.add(allocation);
        }
        if (sum != quantity) {
            return "allocated quantities add up to " + sum + ", not to the quantity " + quantity;
        }
        return null;
    }

    static Instant parseTimestamp(String value) {
        String v = trim(value);
        if (v == null) {
            return null;
        }
        if (v.matches("^[0-9]+(\\.[0-9]+)?$")) {
            BigDecimal seconds = new BigDecimal(v);
            return Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, java.math.RoundingMode.DOWN)
                    .longValueExact());
        }
        return Instant.parse(v);
    }

    private static Long wholeNumber(BigDecimal value) {
        if (value == null) {
            return null;
        }
        try {
            BigDecimal stripped = value.stripTrailingZeros();
            if (stripped.scale() > 0) {
                return null;
            }
            return stripped.longValueExact();
        } catch (ArithmeticException e) {
            return value.signum() < 0 ? -1L : Long.MAX_VALUE;
        }
    }

    private static String trim(String value) {
        if (value == null) {
            return null;
        }
        String t = value.strip();
        return t.isEmpty() ? null : t;
    }
}
