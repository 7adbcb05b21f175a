package io.mpsaas.sandbox.marketplace.fault;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Optional;

/** The AWS operations the simulator serves, with their {@code X-Amz-Target} values. */
public enum Operation {
    RESOLVE_CUSTOMER("AWSMPMeteringService", "ResolveCustomer"),
    BATCH_METER_USAGE("AWSMPMeteringService", "BatchMeterUsage"),
    GET_ENTITLEMENTS("AWSMPEntitlementService", "GetEntitlements");

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

    public static Optional<Operation> fromTarget(String target) {
        return Arrays.stream(values()).filter(o -> o.target().equals(target)).findFirst();
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
