package io.mpsaas.metering.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.MeteringWindow;
import java.time.Instant;

/** An hourly aggregate as operators see it, with AWS's deadline for its hour. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AggregateView(String id, String customerKey, String productCode, String customerIdentifier,
        String customerAwsAccountId, String licenseArn, String dimension, Instant hour, Instant deadline,
        long quantity, long events, AggregateStatus status, Long frozenQuantity, Long billedQuantity,
        Double entitledQuantity, int attempts, Instant nextAttemptAt, String leaseOwner, Instant leaseUntil,
        String meteringRecordId, String resultCode, String resultMessage, Instant sentAt, Instant updatedAt) {

    public static AggregateView of(Aggregate a) {
        return new AggregateView(a.id(), a.customerKey(), a.productCode(), a.customerIdentifier(),
                a.customerAwsAccountId(), a.licenseArn(), a.dimension(), a.hour(), MeteringWindow.deadline(a.hour()),
                a.quantity(), a.events(), a.status(), a.frozenQuantity(), a.billedQuantity(), a.entitledQuantity(),
                a.attempts(), a.nextAttemptAt(), a.leaseOwner(), a.leaseUntil(), a.meteringRecordId(), a.resultCode(),
                a.resultMessage(), a.sentAt(), a.updatedAt());
    }
}
