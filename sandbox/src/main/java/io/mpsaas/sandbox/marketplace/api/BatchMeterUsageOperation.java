package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.Subscription;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.FaultInjector;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.DedupeKey;
import io.mpsaas.sandbox.marketplace.ledger.Ledger;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.marketplace.ledger.UsageAllocation;
import io.mpsaas.sandbox.marketplace.ledger.UsageTag;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code AWSMPMeteringService.BatchMeterUsage}: validation of the whole batch first (any invalid record fails the
 * call), then per-record subscription checks and hourly de-duplication against the ledger.
 */
final class BatchMeterUsageOperation {

    static final int MAX_RECORDS = 25;
    static final int MAX_ALLOCATIONS = 2500;
    static final int MAX_TAGS = 5;
    /** "Usage records aren't accepted 24 hours or more after an event." */
    static final Duration MAX_AGE = Duration.ofHours(24);
    /** Previous-month usage is accepted until 06:00 UTC on the 1st. */
    static final Duration MONTH_END_GRACE = Duration.ofHours(6);

    // From the service model: Tag Key 1..100 and Value 1..256 chars of ^[a-zA-Z0-9+ -=._:\/@]+$ (" -=" is a range).
    private static final Pattern TAG_CHARS = Pattern.compile("[a-zA-Z0-9+ -=._:/@]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{1,255}");
    private static final Pattern LICENSE_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:"
                    + "[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}");

    private final ObjectMapper mapper;
    private final Catalog catalog;
    private final SubscriptionRegistry registry;
    private final Ledger ledger;
    private final FaultInjector faults;

    BatchMeterUsageOperation(ObjectMapper mapper, Catalog catalog, SubscriptionRegistry registry, Ledger ledger,
            FaultInjector faults) {
        this.mapper = mapper;
        this.catalog = catalog;
        this.registry = registry;
        this.ledger = ledger;
        this.faults = faults;
    }

    /** A usage record as parsed from the request, keeping the raw JSON to echo it back. */
    private record UsageRecord(ObjectNode raw, Instant timestamp, String customerIdentifier, String accountId,
            String licenseArn, String dimension, int quantity, List<UsageAllocation> allocations) {

        Instant hour() {
            return timestamp.truncatedTo(ChronoUnit.HOURS);
        }
    }

    ObjectNode handle(JsonNode request, RequestContext ctx) {
        JsonNode recordsNode = request.get("UsageRecords");
        if (recordsNode == null || recordsNode.isNull()) {
            throw AwsApiError.validation("usageRecords", "Member must not be null");
        }
        if (!recordsNode.isArray()) {
            throw AwsApiError.client("SerializationException", "Member UsageRecords must be a list");
        }
        if (recordsNode.size() > MAX_RECORDS) {
            throw AwsApiError.validation("usageRecords",
                    "Member must have length less than or equal to " + MAX_RECORDS + " (got " + recordsNode.size()
                            + " records)");
        }
        String productCode = Json.text(request, "ProductCode");
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < recordsNode.size(); i++) {
            records.add(parse(recordsNode.get(i), i));
        }
        Optional<Product> product = resolveProduct(productCode, records);
        if (product.isEmpty()) {
            return emptyResponse(); // no records and no ProductCode: nothing to do
        }
        Product p = product.get();
        checkIdentities(p, records);
        checkTimestamps(records, ctx.now());

        ArrayNode results = mapper.createArrayNode();
        ArrayNode unprocessed = mapper.createArrayNode();
        for (UsageRecord r : records) {
            if (faults.unprocessed(Operation.BATCH_METER_USAGE)) {
                unprocessed.add(r.raw());
                attempt(ctx, p, r, AttemptOutcome.UNPROCESSED, null, null);
                continue;
            }
            results.add(meter(p, r, ctx));
        }
        ObjectNode result = mapper.createObjectNode();
        result.set("Results", results);
        result.set("UnprocessedRecords", unprocessed);
        return result;
    }

    private ObjectNode emptyResponse() {
        ObjectNode result = mapper.createObjectNode();
        result.putArray("Results");
        result.putArray("UnprocessedRecords");
        return result;
    }

    // ---------------------------------------------------------------- parsing and validation

    private UsageRecord parse(JsonNode node, int index) {
        String at = "usageRecords." + (index + 1) + ".member.";
        if (!node.isObject()) {
            throw AwsApiError.client("SerializationException", "UsageRecords[" + index + "] must be an object");
        }
        Instant timestamp = Json.timestamp(node, "Timestamp");
        if (timestamp == null) {
            throw AwsApiError.validation(at + "timestamp", "Member must not be null");
        }
        String dimension = Json.text(node, "Dimension");
        if (dimension == null || dimension.isEmpty() || dimension.length() > 255) {
            throw AwsApiError.validation(at + "dimension", "Member must have length between 1 and 255");
        }
        Integer quantity = Json.integer(node, "Quantity");
        int q = quantity == null ? 0 : quantity; // the model's default is 0
        if (q < 0) {
            throw AwsApiError.validation(at + "quantity",
                    "Member must have value greater than or equal to 0 (got " + q + ")");
        }
        String customerIdentifier = Json.text(node, "CustomerIdentifier");
        if (customerIdentifier != null && customerIdentifier.length() > 255) {
            throw AwsApiError.validation(at + "customerIdentifier",
                    "Member must have length less than or equal to 255");
        }
        String account = Json.text(node, "CustomerAWSAccountId");
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            throw AwsApiError.validation(at + "customerAWSAccountId",
                    "Member must satisfy regular expression pattern: ^[0-9]+$");
        }
        String licenseArn = Json.text(node, "LicenseArn");
        if (licenseArn != null && !LICENSE_ARN.matcher(licenseArn).matches()) {
            throw AwsApiError.client("InvalidLicenseException", "LicenseArn '" + licenseArn
                    + "' is not a valid license ARN.");
        }
        List<UsageAllocation> allocations = parseAllocations(node.get("UsageAllocations"), q, index);
        return new UsageRecord((ObjectNode) node, timestamp, customerIdentifier, account, licenseArn, dimension, q,
                allocations);
    }

    private List<UsageAllocation> parseAllocations(JsonNode node, int quantity, int index) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        String where = "UsageRecords[" + index + "].UsageAllocations";
        if (!node.isArray()) {
            throw AwsApiError.client("SerializationException", where + " must be a list");
        }
        if (node.isEmpty() || node.size() > MAX_ALLOCATIONS) {
            throw AwsApiError.client("InvalidUsageAllocationsException", where + " must hold 1.." + MAX_ALLOCATIONS
                    + " allocations, not " + node.size() + ".");
        }
        List<UsageAllocation> allocations = new ArrayList<>();
        Set<Set<UsageTag>> tagSets = new HashSet<>();
        long sum = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode a = node.get(i);
            if (!a.isObject()) {
                throw AwsApiError.client("SerializationException", where + "[" + i + "] must be an object");
            }
            Integer allocated = Json.integer(a, "AllocatedUsageQuantity");
            if (allocated == null || allocated < 0) {
                throw AwsApiError.client("InvalidUsageAllocationsException", where + "[" + i
                        + "].AllocatedUsageQuantity is required and must be 0..2147483647.");
            }
            List<UsageTag> tags = parseTags(a.get("Tags"), where + "[" + i + "].Tags");
            if (!tagSets.add(Set.copyOf(tags))) {
                throw AwsApiError.client("InvalidUsageAllocationsException", where
                        + " has two allocations with the same tag set " + tags + ".");
            }
            sum += allocated;
            allocations.add(new UsageAllocation(allocated, tags));
        }
        if (sum != quantity) {
            throw AwsApiError.client("InvalidUsageAllocationsException",
                    "Sum of allocated usage quantities (" + sum + ") is not equal to the usage quantity (" + quantity
                            + ") in UsageRecords[" + index + "].");
        }
        return allocations;
    }

    private static List<UsageTag> parseTags(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of(); // the untagged bucket
        }
        if (!node.isArray()) {
            throw AwsApiError.client("SerializationException", where + " must be a list");
        }
        if (node.isEmpty() || node.size() > MAX_TAGS) {
            throw AwsApiError.client("InvalidTagException", where + " must hold 1.." + MAX_TAGS + " tags, not "
                    + node.size() + ".");
        }
        List<UsageTag> tags = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (JsonNode t : node) {
            String key = t.isObject() ? Json.text(t, "Key") : null;
            String value = t.isObject() ? Json.text(t, "Value") : null;
            if (key == null || key.isEmpty() || key.length() > 100 || !TAG_CHARS.matcher(key).matches()) {
                throw AwsApiError.client("InvalidTagException", where + ": tag key '" + key
                        + "' must be 1..100 characters of [a-zA-Z0-9+ -=._:/@].");
            }
            if (value == null || value.isEmpty() || value.length() > 256 || !TAG_CHARS.matcher(value).matches()) {
                throw AwsApiError.client("InvalidTagException", where + ": tag value '" + value + "' of key '" + key
                        + "' must be 1..256 characters of [a-zA-Z0-9+ -=._:/@].");
            }
            if (!keys.add(key)) {
                throw AwsApiError.client("InvalidTagException", where + ": tag key '" + key + "' appears twice.");
            }
            tags.add(new UsageTag(key, value));
        }
        return tags;
    }

    /** The one product of the call: ProductCode, or the product every record's license belongs to. */
    private Optional<Product> resolveProduct(String productCode, List<UsageRecord> records) {
        if (productCode != null) {
            return Optional.of(catalog.find(productCode).orElseThrow(() -> AwsApiError.client(
                    "InvalidProductCodeException", "The product code " + productCode + " is invalid.")));
        }
        if (records.isEmpty()) {
            return Optional.empty();
        }
        Product product = null;
        for (UsageRecord r : records) {
            if (r.licenseArn() == null) {
                throw AwsApiError.client("InvalidProductCodeException",
                        "ProductCode is required unless every usage record carries a LicenseArn.");
            }
            Subscription s = registry.byLicenseArn(r.licenseArn()).orElseThrow(() -> unknownLicense(r.licenseArn()));
            if (product != null && !product.code().equals(s.productCode())) {
                throw AwsApiError.client("InvalidProductCodeException",
                        "Each BatchMeterUsage request is for only one product: the licenses belong to "
                                + product.code() + " and " + s.productCode() + ".");
            }
            product = s.product();
        }
        return Optional.of(product);
    }

    private static AwsApiError unknownLicense(String licenseArn) {
        return AwsApiError.client("InvalidLicenseException", "LicenseArn " + licenseArn + " is not valid.");
    }

    private void checkIdentities(Product product, List<UsageRecord> records) {
        boolean sawIdentifier = false;
        boolean sawAccount = false;
        for (UsageRecord r : records) {
            if (r.customerIdentifier() != null && r.accountId() != null) {
                throw AwsApiError.client("InvalidCustomerIdentifierException",
                        "CustomerIdentifier and CustomerAWSAccountId are mutually exclusive: usage record for "
                                + "dimension " + r.dimension() + " has both.");
            }
            sawIdentifier |= r.customerIdentifier() != null;
            sawAccount |= r.accountId() != null;
            if (product.concurrentAgreements()) {
                if (r.customerIdentifier() != null) {
                    throw AwsApiError.client("InvalidCustomerIdentifierException", "Product " + product.code()
                            + " uses Concurrent Agreements: CustomerIdentifier is not supported, use "
                            + "CustomerAWSAccountId and LicenseArn.");
                }
                if (r.accountId() == null) {
                    throw AwsApiError.client("InvalidCustomerIdentifierException", "Product " + product.code()
                            + " uses Concurrent Agreements: every usage record needs CustomerAWSAccountId.");
                }
                if (r.licenseArn() == null) {
                    throw AwsApiError.client("InvalidLicenseException", "Product " + product.code()
                            + " uses Concurrent Agreements: every usage record needs a LicenseArn.");
                }
            } else if (r.customerIdentifier() == null && r.accountId() == null) {
                throw AwsApiError.client("InvalidCustomerIdentifierException",
                        "Every usage record needs CustomerAWSAccountId (or CustomerIdentifier).");
            }
            if (r.licenseArn() != null) {
                Subscription s = registry.byLicenseArn(r.licenseArn())
                        .orElseThrow(() -> unknownLicense(r.licenseArn()));
                if (!s.productCode().equals(product.code())) {
                    throw AwsApiError.client("InvalidLicenseException", "LicenseArn " + r.licenseArn()
                            + " is not a license of product " + product.code() + ".");
                }
                if ((r.accountId() != null && !r.accountId().equals(s.buyerAccountId()))
                        || (r.customerIdentifier() != null && !r.customerIdentifier().equals(s.customerIdentifier()))) {
                    throw AwsApiError.client("InvalidLicenseException", "LicenseArn " + r.licenseArn()
                            + " does not match the customer of the usage record.");
                }
            }
            Optional<Dimension> dimension = product.dimension(r.dimension()).filter(Dimension::metered);
            if (dimension.isEmpty()) {
                throw AwsApiError.client("InvalidUsageDimensionException", "The usage dimension " + r.dimension()
                        + " is not a metered dimension of product " + product.code() + ".");
            }
        }
        // Simulator choice (the stricter reading of "mutually exclusive in one request"): no mixing in a batch.
        if (sawIdentifier && sawAccount) {
            throw AwsApiError.client("InvalidCustomerIdentifierException",
                    "CustomerIdentifier and CustomerAWSAccountId are mutually exclusive in one request: use one "
                            + "kind of customer id for every record of the batch.");
        }
    }

    private static void checkTimestamps(List<UsageRecord> records, Instant now) {
        YearMonth thisMonth = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        Instant graceEnd = thisMonth.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).plus(MONTH_END_GRACE);
        for (UsageRecord r : records) {
            Instant t = r.timestamp();
            String why = null;
            if (t.isAfter(now)) {
                why = "is in the future";
            } else if (!Duration.between(t, now).minus(MAX_AGE).isNegative()) {
                why = "is 24 hours or more in the past";
            } else if (YearMonth.from(t.atOffset(ZoneOffset.UTC)).isBefore(thisMonth) && !now.isBefore(graceEnd)) {
                why = "is in the previous billing month and the month-end grace period ended at " + graceEnd;
            }
            if (why != null) {
                throw AwsApiError.client("TimestampOutOfBoundsException", "The timestamp " + t + " of the usage "
                        + "record for dimension " + r.dimension() + " " + why + " (now " + now + "); the entire "
                        + "batch is not processed.");
            }
        }
    }

    // ---------------------------------------------------------------- metering

    private ObjectNode meter(Product product, UsageRecord r, RequestContext ctx) {
        List<Subscription> candidates;
        DedupeKey key;
        String customerIdentifier = r.customerIdentifier();
        if (product.concurrentAgreements()) {
            Subscription s = registry.byLicenseArn(r.licenseArn()).orElseThrow();
            candidates = List.of(s);
            key = DedupeKey.concurrentAgreement(r.accountId(), r.licenseArn(), r.dimension(), r.hour());
        } else {
            if (customerIdentifier == null) {
                customerIdentifier = registry.legacyCustomerOf(product.code(), r.accountId()).orElse(null);
            }
            if (customerIdentifier == null) {
                return result(ctx, product, r, AttemptOutcome.CUSTOMER_NOT_SUBSCRIBED, null, null);
            }
            candidates = registry.forLegacyCustomer(product.code(), customerIdentifier);
            if (r.licenseArn() != null) {
                candidates = candidates.stream().filter(s -> s.licenseArn().equals(r.licenseArn())).toList();
            }
            // A legacy customer is one identity whichever id the record uses, so both dedupe together.
            key = DedupeKey.legacy(product.code(), customerIdentifier, r.dimension(), r.hour());
        }
        Subscription covering = candidates.stream()
                .filter(s -> (s.state().acceptsUsage() || s.acceptsFinalUsage(r.hour(), ctx.now()))
                        && !r.hour().isBefore(s.startHour()))
                .findFirst()
                .orElse(null);
        if (covering == null) {
            return result(ctx, product, r, AttemptOutcome.CUSTOMER_NOT_SUBSCRIBED, null, customerIdentifier);
        }
        MeteredRecord candidate = new MeteredRecord(product.code(), covering.id(), covering.customerIdentifier(),
                covering.buyerAccountId(), covering.licenseArn(),
                r.dimension(), r.hour(), r.timestamp(), r.quantity(), UUID.randomUUID().toString(), r.allocations(),
                ctx.now());
        MeteredRecord standing = ledger.meterIfAbsent(key, candidate);
        if (standing.quantity() != r.quantity()) {
            return result(ctx, product, r, AttemptOutcome.DUPLICATE_RECORD, null, customerIdentifier);
        }
        return result(ctx, product, r, AttemptOutcome.SUCCESS, standing.meteringRecordId(), customerIdentifier);
    }

    private ObjectNode result(RequestContext ctx, Product product, UsageRecord r, AttemptOutcome outcome,
            String meteringRecordId, String customerIdentifier) {
        attempt(ctx, product, r, outcome, meteringRecordId, customerIdentifier);
        ObjectNode result = mapper.createObjectNode();
        result.set("UsageRecord", r.raw());
        // Simulator choice: only billed records carry a MeteringRecordId.
        if (meteringRecordId != null) {
            result.put("MeteringRecordId", meteringRecordId);
        }
        result.put("Status", switch (outcome) {
            case SUCCESS -> "Success";
            case DUPLICATE_RECORD -> "DuplicateRecord";
            default -> "CustomerNotSubscribed";
        });
        return result;
    }

    private void attempt(RequestContext ctx, Product product, UsageRecord r, AttemptOutcome outcome,
            String meteringRecordId, String customerIdentifier) {
        ledger.recordAttempt(new MeteringAttempt(ctx.requestId(), ctx.now(), product.code(),
                customerIdentifier != null ? customerIdentifier : r.customerIdentifier(), r.accountId(),
                r.licenseArn(), r.dimension(), r.timestamp(), r.quantity(), outcome, meteringRecordId, null));
    }

    /**
     * Logs a failed call in the attempt ledger: one BATCH_ERROR entry per record it carried (read leniently, the
     * request may be malformed), or one entry without a record.
     */
    void recordRejected(JsonNode request, RequestContext ctx, String errorType) {
        String productCode = request != null && request.path("ProductCode").isTextual()
                ? request.get("ProductCode").textValue() : null;
        JsonNode records = request == null ? null : request.get("UsageRecords");
        if (records == null || !records.isArray() || records.isEmpty()) {
            ledger.recordAttempt(new MeteringAttempt(ctx.requestId(), ctx.now(), productCode, null, null, null, null,
                    null, null, AttemptOutcome.BATCH_ERROR, null, errorType));
            return;
        }
        for (JsonNode r : records) {
            Instant timestamp = null;
            if (r.path("Timestamp").isNumber()) {
                timestamp = Instant.ofEpochMilli(r.get("Timestamp").decimalValue().movePointRight(3).longValue());
            }
            ledger.recordAttempt(new MeteringAttempt(ctx.requestId(), ctx.now(), productCode,
                    textOrNull(r, "CustomerIdentifier"), textOrNull(r, "CustomerAWSAccountId"),
                    textOrNull(r, "LicenseArn"), textOrNull(r, "Dimension"), timestamp,
                    r.path("Quantity").isInt() ? r.get("Quantity").intValue() : null, AttemptOutcome.BATCH_ERROR, null,
                    errorType));
        }
    }

    private static String textOrNull(JsonNode node, String member) {
        JsonNode n = node.get(member);
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
