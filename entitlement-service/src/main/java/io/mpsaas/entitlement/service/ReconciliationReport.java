package io.mpsaas.entitlement.service;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reconciliation run.
 *
 * @param checked       customers whose entitlements were read
 * @param repaired      customers whose stored entitlements differed and were rewritten (an event each)
 * @param failed        customers that could not be read (throttling after retries, ...): next run
 * @param effectsResent inbox entries whose unsent events or commands were sent again
 * @param agreementsSearched agreements SearchAgreements listed (products with a {@code product-id} only)
 * @param agreementsAdopted  agreements the suite had never heard of, now customers
 * @param agreementsEnded    known customers whose agreement had ended unheard of, now ended
 */
public record ReconciliationReport(Instant startedAt, Instant finishedAt, List<String> productCodes, int checked,
        int repaired, int failed, int effectsResent, int agreementsSearched, int agreementsAdopted,
        int agreementsEnded) {
}
