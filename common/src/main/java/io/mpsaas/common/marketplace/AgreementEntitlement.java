package io.mpsaas.common.marketplace;

/**
 * One entitlement of an agreement ({@code GetAgreementEntitlements}).
 *
 * @param resourceId        the product ({@code prod-...})
 * @param resourceType      {@code SaaSProduct}, ...
 * @param type              the entitlement type as sent
 * @param registrationToken for purchases made through the API (no browser): the token the seller resolves with
 *                          ResolveCustomer, valid for a short time; null otherwise. Never logged (see toString).
 * @param status            PROVISIONED, SCHEDULED, PENDING, FAILED, DEPROVISIONED (kept as sent)
 * @param statusReasonCode  why, e.g. FUTURE_START_DATE, INVALID_PAYMENT_INSTRUMENT, ACCOUNT_SUSPENDED
 * @param licenseArn        the License Manager license
 */
public record AgreementEntitlement(String resourceId, String resourceType, String type, String registrationToken,
        String status, String statusReasonCode, String licenseArn) {

    @Override
    public String toString() {
        return "AgreementEntitlement[resourceId=" + resourceId + ", status=" + status + ", statusReasonCode="
                + statusReasonCode + ", licenseArn=" + licenseArn + ", registrationToken="
                + (registrationToken == null ? "none" : "present") + "]";
    }
}
