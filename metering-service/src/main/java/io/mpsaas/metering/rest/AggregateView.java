package io.mpsaas.metering.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.service.OperatorService;
import java.time.Instant;

/**
 * An hourly aggregate as operators (and the operator console) see it, with AWS's deadline for its hour and what an
 * operator can do about it ({@code carriedQuantity}: usage that arrived for an hour already sent, counted in this
 * one): {@code pending} (still to be sent), {@code failure} (ended without billing: in the
 * failures list), {@code redrivable} (a re-drive would be accepted now).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AggregateView(String id, String customerKey, String productCode, String customerIdentifier,
        String customerAwsAccountId, String licenseArn, String dimension, Instant hour, Instant deadline,
        long quantity, long events, long carriedQuantity, AggregateStatus status, Long frozenQuantity, Long billedQuantity,
        Double entitledQuantity, int attempts, Instant nextAttemptAt, String leaseOwner, Instant leaseUntil,
        String meteringRecordId, String resultCode, String resultMessage, Instant sentAt, Instant updatedAt,
        boolean pending, boolean failure, boolean redrivable) {

    public static AggregateView of(Aggregate a, Instant now) {
        return new AggregateView(a.id(), a.customerKey(), a.productCode(), a.customerIdentifier(),
                a.customerAwsAccountId(), a.licenseArn(), a.dimension(), a.hour(), MeteringWindow.deadline(a.hour()),
                a.quantity(), a.events(), a.carriedQuantity(), a.status(), a.frozenQuantity(), a.billedQuantity(), a.entitledQuantity(),
                a.attempts(), a.nextAttemptAt(), a.leaseOwner(), a.leaseUntil(), a.meteringRecordId(), a.resultCode(),
                a.resultMessage(), a.sentAt(), a.updatedAt(), a.status().pending(), a.status().failure(),
                OperatorService.redrivable(a, now));
    }
}
