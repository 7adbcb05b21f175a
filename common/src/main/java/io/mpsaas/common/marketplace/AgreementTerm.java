package io.mpsaas.common.marketplace;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One accepted term of an agreement ({@code GetAgreementTerms}'s {@code AcceptedTerm} union). AWS adds kinds over
 * time (net payment terms in 2026, for example): the kinds this suite acts on are parsed, any other is kept whole as
 * {@link Other}, so a new kind never fails a call.
 */
public sealed interface AgreementTerm {

    /** The term id shared by the offer and the agreement; may be null. */
    String id();

    /** The union member's name on the wire, e.g. {@code usageBasedPricingTerm}. */
    String kind();

    /** Pay-as-you-go prices per dimension. */
    record UsageBased(String id, String currencyCode, Map<String, String> pricePerDimension) implements AgreementTerm {
        public UsageBased {
            pricePerDimension = Map.copyOf(pricePerDimension);
        }

        @Override
        public String kind() {
            return "usageBasedPricingTerm";
        }
    }

    /**
     * A contract the buyer configured: its duration ({@code selectorValue}, ISO-8601 such as {@code P12M}) and the
     * units bought per dimension.
     */
    record ConfigurableUpfront(String id, String currencyCode, String duration, Map<String, Integer> units)
            implements AgreementTerm {
        public ConfigurableUpfront {
            units = Map.copyOf(units);
        }

        @Override
        public String kind() {
            return "configurableUpfrontPricingTerm";
        }
    }

    /** A fixed upfront price for a duration. */
    record FixedUpfront(String id, String currencyCode, String price, String duration) implements AgreementTerm {
        @Override
        public String kind() {
            return "fixedUpfrontPricingTerm";
        }
    }

    /** A free trial of {@code duration} (ISO-8601, 5 to 31 days) over the granted dimensions. */
    record FreeTrial(String id, String duration, List<String> dimensions) implements AgreementTerm {
        public FreeTrial {
            dimensions = List.copyOf(dimensions);
        }

        @Override
        public String kind() {
            return "freeTrialPricingTerm";
        }
    }

    /** Auto-renewal allowed; {@code autoRenew} is the buyer's current choice (null when not sent). */
    record Renewal(String id, Boolean autoRenew) implements AgreementTerm {
        @Override
        public String kind() {
            return "renewalTerm";
        }
    }

    /** How long the agreement is valid: a duration, or explicit dates. */
    record Validity(String id, String duration, Instant startDate, Instant endDate) implements AgreementTerm {
        @Override
        public String kind() {
            return "validityTerm";
        }
    }

    /**
     * Any other kind (legal, support, payment schedule, recurring, BYOL, net payment, variable payment, and whatever
     * AWS adds next), kept as its JSON so nothing is lost.
     */
    record Other(String id, String kind, String json) implements AgreementTerm {
    }
}
