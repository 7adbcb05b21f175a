package io.mpsaas.common.marketplace;

/**
 * What ResolveCustomer answers. New (Concurrent Agreements) products get {@code licenseArn} and
 * {@code customerAwsAccountId} and no {@code customerIdentifier}; legacy products get {@code customerIdentifier} and
 * {@code productCode} (and, since 2026, usually the license ARN too). Absent fields are {@code null}.
 */
public record ResolvedCustomer(String customerIdentifier, String customerAwsAccountId, String productCode,
        String licenseArn) {

    /** True when the product meters by license (Concurrent Agreements): AWS no longer issues a CustomerIdentifier. */
    public boolean concurrentAgreements() {
        return (customerIdentifier == null || customerIdentifier.isEmpty()) && licenseArn != null;
    }
}
