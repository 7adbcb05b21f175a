package io.mpsaas.sandbox.marketplace.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A SaaS listing of the simulated catalog.
 *
 * @param code               the product code (AWS pattern {@code ^[-a-zA-Z0-9/=:_.@]*$}, 1..255)
 * @param name               display name
 * @param pricingModel       subscription, contract, or contract with consumption
 * @param freeTrial          whether a free-trial offer exists (buyers may subscribe with offer type free-trial)
 * @param identityModel      legacy CustomerIdentifier or Concurrent Agreements
 * @param notificationFormat SNS, EVENTBRIDGE or BOTH; null = the default of the identity model
 * @param dimensions         pricing dimensions
 * @param productId          the catalog entity id ({@code prod-...}) EventBridge license events carry; null = derived
 *                           from the code
 * @param contractMonths     contract duration for contract models (default 12): the entitlements' ExpirationDate
 * @param channelPartnerAccountId the channel partner (12 digits) that sells every subscription of this product
 *                           through its own private offer (CPPO): the partner is the agreements' proposer, the seller
 *                           their manufacturer; null for the seller's own offers
 */
public record Product(
        String code,
        String name,
        PricingModel pricingModel,
        boolean freeTrial,
        IdentityModel identityModel,
        NotificationFormat notificationFormat,
        List<Dimension> dimensions,
        String productId,
        Integer contractMonths,
        String channelPartnerAccountId) {

    private static final Pattern CODE = Pattern.compile("[-a-zA-Z0-9/=:_.@]{1,255}");

    public Product {
        Objects.requireNonNull(code, "product code is required");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("product code '" + code
                    + "' must be 1..255 characters matching ^[-a-zA-Z0-9/=:_.@]*$");
        }
        name = name == null ? code : name;
        pricingModel = Objects.requireNonNull(pricingModel, "pricingModel is required for product " + code);
        identityModel = identityModel == null ? IdentityModel.LEGACY : identityModel;
        notificationFormat = notificationFormat == null
                ? NotificationFormat.defaultFor(identityModel)
                : notificationFormat;
        dimensions = List.copyOf(Objects.requireNonNull(dimensions, "dimensions are required for product " + code));
        productId = productId == null ? derivedProductId(code) : productId;
        contractMonths = contractMonths == null ? 12 : contractMonths;
        if (contractMonths < 1) {
            throw new IllegalArgumentException("contractMonths must be >= 1 for product " + code);
        }
        if (channelPartnerAccountId != null && !channelPartnerAccountId.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("channelPartnerAccountId of product " + code
                    + " must be 12 digits, not '" + channelPartnerAccountId + "'");
        }
        validateDimensions(code, pricingModel, dimensions);
    }

    /** Whether every subscription of the product is a channel partner's private offer (CPPO). */
    public boolean soldThroughPartner() {
        return channelPartnerAccountId != null;
    }

    private static void validateDimensions(String code, PricingModel model, List<Dimension> dimensions) {
        Set<String> names = new HashSet<>();
        for (Dimension d : dimensions) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("duplicate dimension '" + d.name() + "' in product " + code);
            }
            if (d.contracted() && !model.hasContract()) {
                throw new IllegalArgumentException("dimension '" + d.name() + "' of " + model + " product " + code
                        + " cannot be contracted: only contract pricing models have entitlements");
            }
            if (d.metered() && !model.isMetered()) {
                throw new IllegalArgumentException("dimension '" + d.name() + "' of CONTRACT product " + code
                        + " cannot be metered: use CONTRACT_WITH_CONSUMPTION for usage on top of a contract");
            }
        }
        if (model.isMetered() && dimensions.stream().noneMatch(Dimension::metered)) {
            throw new IllegalArgumentException(model + " product " + code + " needs at least one metered dimension");
        }
        if (model.hasContract() && dimensions.stream().noneMatch(Dimension::contracted)) {
            throw new IllegalArgumentException(model + " product " + code + " needs at least one contracted dimension");
        }
    }

    public Optional<Dimension> dimension(String dimensionName) {
        return dimensions.stream().filter(d -> d.name().equals(dimensionName)).findFirst();
    }

    public List<Dimension> contractedDimensions() {
        return dimensions.stream().filter(Dimension::contracted).toList();
    }

    public boolean concurrentAgreements() {
        return identityModel == IdentityModel.CONCURRENT_AGREEMENTS;
    }

    /** A stable {@code prod-} id of 13 lowercase characters, so a product keeps its id across simulator runs. */
    static String derivedProductId(String code) {
        return stableId("prod-", code);
    }

    /** {@code prefix} and 13 lowercase characters derived from {@code seed}: the same seed, the same id. */
    public static String stableId(String prefix, String seed) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            StringBuilder id = new StringBuilder(prefix);
            for (int i = 0; i < 13; i++) {
                id.append(alphabet.charAt((hash[i] & 0xff) % alphabet.length()));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Starts a builder for tests and the sandbox runner. */
    public static Builder builder(String code, PricingModel pricingModel) {
        return new Builder(code, pricingModel);
    }

    /** Fluent construction of a {@link Product}. */
    public static final class Builder {
        private final String code;
        private final PricingModel pricingModel;
        private String name;
        private boolean freeTrial;
        private IdentityModel identityModel = IdentityModel.LEGACY;
        private NotificationFormat notificationFormat;
        private final java.util.ArrayList<Dimension> dimensions = new java.util.ArrayList<>();
        private String productId;
        private Integer contractMonths;
        private String channelPartnerAccountId;

        private Builder(String code, PricingModel pricingModel) {
            this.code = code;
            this.pricingModel = pricingModel;
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder freeTrial(boolean value) {
            this.freeTrial = value;
            return this;
        }

        public Builder identityModel(IdentityModel value) {
            this.identityModel = value;
            return this;
        }

        public Builder concurrentAgreements() {
            return identityModel(IdentityModel.CONCURRENT_AGREEMENTS);
        }

        public Builder notificationFormat(NotificationFormat value) {
            this.notificationFormat = value;
            return this;
        }

        public Builder dimension(Dimension value) {
            this.dimensions.add(value);
            return this;
        }

        public Builder metered(String... names) {
            for (String n : names) {
                dimensions.add(Dimension.metered(n));
            }
            return this;
        }

        public Builder contracted(String dimensionName, ValueType valueType) {
            dimensions.add(Dimension.contracted(dimensionName, valueType));
            return this;
        }

        public Builder productId(String value) {
            this.productId = value;
            return this;
        }

        public Builder contractMonths(int value) {
            this.contractMonths = value;
            return this;
        }

        /** Every subscription is a CPPO proposed by this partner account. */
        public Builder channelPartner(String accountId) {
            this.channelPartnerAccountId = accountId;
            return this;
        }

        public Product build() {
            return new Product(code, name, pricingModel, freeTrial, identityModel, notificationFormat, dimensions,
                    productId, contractMonths, channelPartnerAccountId);
        }
    }
}
