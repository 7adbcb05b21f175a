package io.mpsaas.entitlement.persistence;

import java.util.Objects;

/**
 * A write to an agreement pointer item ({@code agreement#<id>}, sk {@code AGREEMENT}).
 *
 * @param expectedVersion the version read; null when the item did not exist
 * @param customerKey     the customer the agreement's license belongs to; null while unknown (a fact is parked)
 */
public record PointerChange(String agreementId, Long expectedVersion, String customerKey, String productCode,
        String licenseArn, String acceptorAccountId, String offerId) {

    public PointerChange {
        Objects.requireNonNull(agreementId, "agreementId");
    }
}
