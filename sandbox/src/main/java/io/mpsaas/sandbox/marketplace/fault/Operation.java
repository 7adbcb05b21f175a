package io.mpsaas.sandbox.marketplace.fault;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Optional;

/** The AWS operations the simulator serves, with their {@code X-Amz-Target} values. */
public enum Operation {
    RESOLVE_CUSTOMER("AWSMPMeteringService", "ResolveCustomer"),
    BATCH_METER_USAGE("AWSMPMeteringService", "BatchMeterUsage"),
    GET_ENTITLEMENTS("AWSMPEntitlementService", "GetEntitlements"),
    DESCRIBE_AGREEMENT(Operation.AGREEMENT_PREFIX, "DescribeAgreement"),
    GET_AGREEMENT_TERMS(Operation.AGREEMENT_PREFIX, "GetAgreementTerms"),
    SEARCH_AGREEMENTS(Operation.AGREEMENT_PREFIX, "SearchAgreements"),
    GET_AGREEMENT_ENTITLEMENTS(Operation.AGREEMENT_PREFIX, "GetAgreementEntitlements"),
    /** The Catalog API's REST-JSON {@code GET /DescribeEntity} (no target header: its prefix names the API only). */
    DESCRIBE_ENTITY(Operation.CATALOG_PREFIX, "DescribeEntity");

    /** The Agreement API's target prefix (AWS JSON 1.0). */
    public static final String AGREEMENT_PREFIX = "AWSMPCommerceService_v20200301";

    /** Names the Catalog API (REST-JSON: AWS sends no {@code X-Amz-Target}, the path names the operation). */
    public static final String CATALOG_PREFIX = "AWSMarketplaceCatalog";

    private final String targetPrefix;
    private final String awsName;

    Operation(String targetPrefix, String awsName) {
        this.targetPrefix = targetPrefix;
        this.awsName = awsName;
    }

    public String target() {
        return targetPrefix + "." + awsName;
    }

    public String targetPrefix() {
        return targetPrefix;
    }

    public String awsName() {
        return awsName;
    }

    /** Whether this is an Agreement API operation (AWS JSON 1.0, its own error names). */
    public boolean agreementApi() {
        return AGREEMENT_PREFIX.equals(targetPrefix);
    }

    /** Whether this is a Catalog API operation (REST-JSON, reached by its path, not by a target header). */
    public boolean catalogApi() {
        return CATALOG_PREFIX.equals(targetPrefix);
    }

    public static Optional<Operation> fromTarget(String target) {
        return Arrays.stream(values()).filter(o -> !o.catalogApi() && o.target().equals(target)).findFirst();
    }

    /** JSON form: the enum name or the AWS operation name; "ALL" (or empty) means every operation (null). */
    @JsonCreator
    public static Operation fromJson(String value) {
        return value == null || value.isBlank() || "ALL".equalsIgnoreCase(value) ? null : parse(value);
    }

    /** Accepts the enum name or the AWS operation name (case-insensitive), as the control API does. */
    public static Operation parse(String value) {
        for (Operation o : values()) {
            if (o.name().equalsIgnoreCase(value) || o.awsName.equalsIgnoreCase(value)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + value + "': use one of "
                + Arrays.toString(values()) + " or ALL");
    }
}
