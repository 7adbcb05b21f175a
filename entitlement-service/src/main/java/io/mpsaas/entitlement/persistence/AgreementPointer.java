package io.mpsaas.entitlement.persistence;

/**
 * Which customer an agreement belongs to: Purchase Agreement events name the agreement only, License events name
 * both, so the pointer is learned from the first license event.
 *
 * @param customerKey null until a license event named the agreement's license
 */
public record AgreementPointer(String agreementId, String customerKey, String productCode, String licenseArn,
        String acceptorAccountId, String offerId, long version) {
}
