package io.mpsaas.entitlement.persistence;

import io.mpsaas.entitlement.domain.Step;
import java.time.Instant;

/**
 * A Purchase Agreement event that arrived before any license event named its customer: kept under the agreement
 * ({@code agreement#<id>}, sk {@code FACT#<time>#<source>}) and applied when the license appears.
 */
public record ParkedFact(String agreementId, String sourceId, Step.Kind kind, Instant occurredAt, String detailType,
        String status, String acceptorAccountId, String offerId) {

    public Step step() {
        return new Step(sourceId, occurredAt, kind, false);
    }
}
