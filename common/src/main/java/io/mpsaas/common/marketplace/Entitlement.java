package io.mpsaas.common.marketplace;

import java.time.Instant;

/**
 * One entitlement: what a customer bought of one dimension, until when. Identity fields AWS leaves out are null;
 * {@code expirationDate} is null when AWS gives none.
 */
public record Entitlement(String productCode, String dimension, String customerIdentifier,
        String customerAwsAccountId, String licenseArn, EntitlementValue value, Instant expirationDate) {
}
