package io.mpsaas.entitlement.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.entitlement.domain.AccessDecision;
import io.mpsaas.entitlement.service.EntitlementJson;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer of the access check.
 *
 * @param quantity the entitled amount (integer or double value; true counts 1); null without an entitlement
 * @param reason   ENTITLED, PAY_AS_YOU_GO, METERED, STATE, MISSING_DIMENSION, EXPIRED or NONE_ENTITLED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccessView(@Schema(required = true) String customerKey, @Schema(required = true) String dimension,
        @Schema(required = true) boolean allowed,
        @Schema(required = true) String reason,
        @Schema(description = "The decision in words") String detail,
        @Schema(required = true) String state,
        @Schema(description = "INTEGER, DOUBLE, BOOLEAN or STRING; absent without an entitlement") String valueType,
        @Schema(description = "The entitlement's value, of valueType") Object value,
        @Schema(description = "The entitled amount (true counts 1); absent without an entitlement") Double quantity,
        Instant expiresAt) {

    public static AccessView of(String key, AccessDecision d) {
        var e = d.entitlement();
        return new AccessView(key, d.dimension(), d.allowed(), d.reason().name(), detail(d), d.state().name(),
                e == null ? null : EntitlementJson.type(e.value()), e == null ? null : EntitlementJson.value(e.value()),
                e == null ? null : e.quantity(), e == null ? null : e.expiresAt());
    }

    private static String detail(AccessDecision d) {
        return switch (d.reason()) {
            case ENTITLED -> "entitled to " + d.dimension();
            case PAY_AS_YOU_GO -> "subscribed without contract entitlements: usage is metered";
            case METERED -> d.dimension() + " is metered beside the contract: usage is billed";
            case STATE -> "the subscription is " + d.state() + ", which grants no access";
            case MISSING_DIMENSION -> "the contract has no entitlement for " + d.dimension();
            case EXPIRED -> "the entitlement for " + d.dimension() + " expired at " + d.entitlement().expiresAt();
            case NONE_ENTITLED -> "the entitlement for " + d.dimension() + " is zero or off";
        };
    }
}
