package io.mpsaas.entitlement.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.entitlement.service.EntitlementJson;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A customer as the seller's app sees it: identity, subscription state, registration, entitlements. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomerView(@Schema(required = true) String customerKey,
        String identityModel, String productCode,
        String customerIdentifier, String customerAwsAccountId, String licenseArn, String agreementId, String offerId,
        @Schema(required = true) String state,
        @Schema(required = true) boolean accessGranted, boolean freeTrial, Instant stateEventAt, Instant stateChangedAt, Instant createdAt,
        boolean registered, Registration registration, Map<String, EntitlementView> entitlements,
        Instant entitlementsRefreshedAt, long version, Terms agreementTerms) {

    /**
     * The current agreement's terms, as the Agreement API last described them (absent until read).
     *
     * @param offerType {@code PUBLIC} or {@code PRIVATE} (the seller's offer, as the Catalog API describes it),
     *                  {@code CPPO} (a channel partner's private offer), or {@code SELLER} (the seller's offer, public
     *                  or private not known: stored before the suite asked the Catalog API, or when it could not)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Terms(String agreementId, String productId, String offerType, String channelPartnerAccountId, String status,
            Instant startsAt, Instant endsAt, Boolean autoRenew, Instant freeTrialEndsAt, String summary,
            Instant readAt) {
    }

    /** What the buyer registered (personal data: this answer is the only place it leaves DynamoDB). */
    public record Registration(String company, String contactName, String email, String phone,
            Map<String, String> extraFields, Instant registeredAt, Instant updatedAt) {
    }

    /** One dimension. */
    public record EntitlementView(String type, Object value, Instant expiresAt, boolean expired) {
    }

    public static CustomerView of(CustomerRecord c, RegistrationRecord r, Instant now) {
        Map<String, EntitlementView> entitlements = new TreeMap<>();
        for (Map.Entry<String, StoredEntitlement> e : c.entitlements().entrySet()) {
            StoredEntitlement s = e.getValue();
            entitlements.put(e.getKey(), new EntitlementView(EntitlementJson.type(s.value()),
                    EntitlementJson.value(s.value()), s.expiresAt(), s.expiredAt(now)));
        }
        Registration registration = r == null ? null : new Registration(r.company(), r.contactName(), r.email(),
                r.phone(), r.extraFields(), r.registeredAt(), r.updatedAt());
        return new CustomerView(c.key(), c.identityModel() == null ? null : c.identityModel().name(), c.productCode(),
                c.customerIdentifier(), c.customerAwsAccountId(), c.licenseArn(), c.agreementId(), c.offerId(),
                c.state().name(), c.state().grantsAccess(), c.freeTrial(), c.stateEventAt(), c.stateChangedAt(),
                c.createdAt(), c.registered() || r != null, registration, entitlements, c.entitlementsRefreshedAt(),
                c.version(), terms(c.agreementTerms()));
    }

    private static Terms terms(AgreementTerms t) {
        return t == null ? null : new Terms(t.agreementId(), t.productId(), t.offerType(), t.channelPartnerAccountId(), t.status(),
                t.startsAt(), t.endsAt(), t.autoRenew(), t.freeTrialEndsAt(), t.summary(), t.readAt());
    }
}
