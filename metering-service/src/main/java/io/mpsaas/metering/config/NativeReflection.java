package io.mpsaas.metering.config;

import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers for native executables the JSON types metering-service reads and writes with the ObjectMapper outside
 * REST signatures: usage records in SQS messages, and the outcomes it writes into parked messages and the AWS sample's
 * table. (Kept here, not as annotations on the domain records, so the domain stays free of Quarkus.)
 */
@RegisterForReflection(targets = {UsageRecordInput.class, UsageRecordInput.AllocationInput.class,
        UsageOutcome.class, UsageOutcome.Status.class, RejectionReason.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
