package io.mpsaas.sandbox.marketplace.fault;

/**
 * AWS's published request quotas, enforced per simulator (AWS: per account). A limit of 0 means unlimited.
 *
 * @param enabled                  quotas on (default) or off
 * @param resolveCustomerPerWindow ResolveCustomer limit (AWS publishes none: unlimited by default)
 * @param batchMeterUsagePerWindow BatchMeterUsage limit (AWS: 10 requests/s)
 * @param getEntitlementsPerWindow GetEntitlements limit (AWS: 20 requests/s)
 * @param windowMillis             the sliding window the limits apply to (1000 = per second; tests may widen it so
 *                                 a quota test never depends on machine speed)
 */
public record QuotaSettings(
        boolean enabled,
        int resolveCustomerPerWindow,
        int batchMeterUsagePerWindow,
        int getEntitlementsPerWindow,
        long windowMillis) {

    public static final QuotaSettings AWS_DEFAULTS = new QuotaSettings(true, 0, 10, 20, 1000);
    public static final QuotaSettings OFF = new QuotaSettings(false, 0, 10, 20, 1000);

    public QuotaSettings {
        if (resolveCustomerPerWindow < 0 || batchMeterUsagePerWindow < 0 || getEntitlementsPerWindow < 0) {
            throw new IllegalArgumentException("quota limits must be >= 0 (0 = unlimited)");
        }
        if (windowMillis < 1 || windowMillis > 3_600_000) {
            throw new IllegalArgumentException("windowMillis must be 1..3600000, not " + windowMillis);
        }
    }

    public int limitOf(Operation operation) {
        return switch (operation) {
            case RESOLVE_CUSTOMER -> resolveCustomerPerWindow;
            case BATCH_METER_USAGE -> batchMeterUsagePerWindow;
            case GET_ENTITLEMENTS -> getEntitlementsPerWindow;
            // AWS publishes no Agreement API quota: unlimited here; the Catalog API's are per account, unlimited here
            case DESCRIBE_AGREEMENT, GET_AGREEMENT_TERMS, SEARCH_AGREEMENTS, GET_AGREEMENT_ENTITLEMENTS,
                    DESCRIBE_ENTITY -> 0;
        };
    }
}
