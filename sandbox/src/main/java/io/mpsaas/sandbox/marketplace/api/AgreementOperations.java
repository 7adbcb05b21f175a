package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.EntitlementValue;
import io.mpsaas.sandbox.marketplace.buyer.Subscription;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Agreement API ({@code AWSMPCommerceService_v20200301.*}, AWS JSON 1.0) over the simulated subscriptions:
 * {@code DescribeAgreement}, {@code GetAgreementTerms}, {@code SearchAgreements} and {@code GetAgreementEntitlements},
 * with the botocore model's member names, constraints ({@code ValidationException} with its {@code reason}) and
 * paging. Statuses, terms and entitlements are derived from the subscription's state (see the sandbox README).
 */
public final class AgreementOperations {

    /** botocore {@code MaxResults}: 1..50. */
    static final int MAX_RESULTS = 50;

    /** Simulator prices (the catalog has none): per metered unit, and per contracted unit for the contract term. */
    public static final String USAGE_PRICE = "0.10";
    public static final String CONTRACT_UNIT_PRICE = "100.00";

    private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9_/-]{1,64}");
    private static final Set<String> FILTER_NAMES = Set.of("PartyType", "AgreementType", "ResourceIdentifier",
            "ResourceType", "AcceptorAccountId", "OfferId", "Status", "BeforeEndTime", "AfterEndTime");

    private final ObjectMapper mapper;
    private final SubscriptionRegistry registry;
    private final Supplier<String> sellerAccountId;

    AgreementOperations(ObjectMapper mapper, SubscriptionRegistry registry, Supplier<String> sellerAccountId) {
        this.mapper = mapper;
        this.registry = registry;
        this.sellerAccountId = sellerAccountId;
    }

    // ---------------------------------------------------------------- DescribeAgreement

    ObjectNode describe(JsonNode request) {
        Subscription s = agreement(request);
        ObjectNode a = summary(s);
        ObjectNode charges = a.putObject("estimatedCharges");
        charges.put("currencyCode", "USD");
        charges.put("agreementValue", agreementValue(s));
        return a;
    }

    // ---------------------------------------------------------------- GetAgreementTerms

    ObjectNode terms(JsonNode request) {
        Subscription s = agreement(request);
        List<ObjectNode> terms = acceptedTerms(s);
        return page(request, "acceptedTerms", terms, "terms|" + s.agreementId());
    }

    // ---------------------------------------------------------------- GetAgreementEntitlements

    ObjectNode entitlements(JsonNode request, RequestContext ctx) {
        Subscription s = agreement(request);
        ObjectNode e = mapper.createObjectNode();
        ObjectNode resource = e.putObject("resource");
        resource.put("id", s.product().productId());
        resource.put("type", "SaaSProduct");
        String[] status = entitlementStatus(s);
        e.put("status", status[0]);
        if (status[1] != null) {
            e.put("statusReasonCode", status[1]);
        }
        e.put("licenseArn", s.licenseArn());
        String token = s.latestToken();
        if (s.apiCreated() && token != null && registry.tokenValid(token, ctx.now())) {
            // only purchases made through the API carry one, and only while it can still be resolved
            e.put("registrationToken", token);
        }
        return page(request, "agreementEntitlements", List.of(e), "entitlements|" + s.agreementId());
    }

    // ---------------------------------------------------------------- SearchAgreements

    ObjectNode search(JsonNode request) {
        String catalog = Json.text(request, "catalog");
        if (catalog != null && !"AWSMarketplace".equals(catalog)) {
            throw validation("INVALID_CATALOG", "catalog must be AWSMarketplace, not " + catalog + ".");
        }
        Map<String, String> filters = filters(request.get("filters"));
        if (!"Proposer".equals(filters.get("PartyType")) || !filters.containsKey("AgreementType")) {
            throw validation("UNSUPPORTED_FILTERS", "A search needs the filters PartyType=Proposer and AgreementType "
                    + "(the simulator answers for the seller only).");
        }
        JsonNode sort = request.get("sort");
        if (sort != null && !sort.isNull()) {
            String order = Json.text(sort, "sortOrder");
            if (order != null && !order.equals("ASCENDING") && !order.equals("DESCENDING")) {
                throw validation("INVALID_SORT_ORDER", "sortOrder must be ASCENDING or DESCENDING.");
            }
        }
        Predicate<Subscription> match = s -> "PurchaseAgreement".equals(filters.get("AgreementType"))
                && matches(filters, "ResourceIdentifier", s.product().productId())
                && matches(filters, "ResourceType", "SaaSProduct")
                && matches(filters, "AcceptorAccountId", s.buyerAccountId())
                && matches(filters, "OfferId", s.offerId())
                && matches(filters, "Status", agreementStatus(s));
        List<ObjectNode> summaries = new ArrayList<>();
        for (Subscription s : registry.all()) {
            if (match.test(s)) {
                summaries.add(summary(s));
            }
        }
        return page(request, "agreementViewSummaries", summaries, "search|" + new TreeMap<>(filters));
    }

    private static boolean matches(Map<String, String> filters, String name, String value) {
        String wanted = filters.get(name);
        return wanted == null || wanted.equals(value);
    }

    private static Map<String, String> filters(JsonNode node) {
        if (node == null || node.isNull()) {
            throw validation("UNSUPPORTED_FILTERS", "filters are required: PartyType=Proposer and AgreementType.");
        }
        if (!node.isArray()) {
            throw AwsApiError.client("SerializationException", "Member filters must be a list");
        }
        if (node.isEmpty() || node.size() > 10) {
            throw validation("INVALID_FILTER_VALUES", "filters must hold 1 to 10 filters.");
        }
        Map<String, String> filters = new LinkedHashMap<>();
        for (JsonNode f : node) {
            String name = Json.text(f, "name");
            if (name == null || !FILTER_NAMES.contains(name)) {
                throw validation("INVALID_FILTER_NAME", "Filter name " + name + " is not supported.");
            }
            JsonNode values = f.get("values");
            if (values == null || !values.isArray() || values.size() != 1 || !values.get(0).isTextual()
                    || values.get(0).textValue().isEmpty()) {
                throw validation("INVALID_FILTER_VALUES", "Filter " + name + " takes exactly one value.");
            }
            if (filters.put(name, values.get(0).textValue()) != null) {
                throw validation("INVALID_FILTER_NAME", "Filter " + name + " is given twice.");
            }
        }
        return filters;
    }

    // ---------------------------------------------------------------- shapes

    private ObjectNode summary(Subscription s) {
        ObjectNode a = mapper.createObjectNode();
        a.put("agreementId", s.agreementId());
        a.put("agreementType", "PurchaseAgreement");
        a.putObject("acceptor").put("accountId", s.buyerAccountId());
        String partner = s.channelPartnerAccountId();
        a.putObject("proposer").put("accountId", partner != null ? partner : sellerAccountId.get());
        ObjectNode proposal = a.putObject("proposalSummary");
        proposal.put("offerId", s.offerId());
        ObjectNode resource = proposal.putArray("resources").addObject();
        resource.put("id", s.product().productId());
        resource.put("type", "SaaSProduct");
        a.put("acceptanceTime", Json.epochSeconds(s.createdAt()));
        a.put("startTime", Json.epochSeconds(s.createdAt()));
        if (s.contractEnd() != null) {
            a.put("endTime", Json.epochSeconds(s.contractEnd()));
        }
        a.put("status", agreementStatus(s));
        return a;
    }

    /** The agreement's status: {@link Subscription#agreementStatus()}. */
    static String agreementStatus(Subscription s) {
        return s.agreementStatus();
    }

    /** Entitlement status and reason code. */
    private static String[] entitlementStatus(Subscription s) {
        return switch (s.state()) {
            case PENDING -> new String[] {"PENDING", "PROVISIONING_IN_PROGRESS"};
            case ACTIVE -> new String[] {"PROVISIONED", null};
            case FAILED -> new String[] {"FAILED", "INVALID_PAYMENT_INSTRUMENT"};
            // the license stays until License Deprovisioned, for the final usage
            case CANCEL_PENDING -> new String[] {"PROVISIONED", "AGREEMENT_INACTIVE"};
            case CANCELLED -> new String[] {"DEPROVISIONED", "AGREEMENT_INACTIVE"};
        };
    }

    private static String agreementValue(Subscription s) {
        if (!s.product().pricingModel().hasContract()) {
            return "0"; // usage is not known upfront (botocore EstimatedCharges)
        }
        double units = 0;
        for (EntitlementValue v : s.quantities().values()) {
            units += v instanceof EntitlementValue.IntegerValue i ? i.value() : 1;
        }
        return String.format(java.util.Locale.ROOT, "%.2f", units * Double.parseDouble(CONTRACT_UNIT_PRICE));
    }

    /** The union values, one member each, in a stable order. */
    private List<ObjectNode> acceptedTerms(Subscription s) {
        Product product = s.product();
        List<ObjectNode> terms = new ArrayList<>();
        ObjectNode legal = term(terms, s, "legalTerm", "LegalTerm");
        ObjectNode eula = legal.putArray("documents").addObject();
        eula.put("type", "StandardEula");
        eula.put("version", "2022-07-14");
        term(terms, s, "supportTerm", "SupportTerm").put("refundPolicy", "No refunds after 30 days.");
        if (product.pricingModel().hasContract()) {
            String duration = "P" + product.contractMonths() + "M";
            term(terms, s, "validityTerm", "ValidityTerm").put("agreementDuration", duration);
            ObjectNode upfront = term(terms, s, "configurableUpfrontPricingTerm", "ConfigurableUpfrontPricingTerm");
            upfront.put("currencyCode", "USD");
            ObjectNode card = upfront.putArray("rateCards").addObject();
            card.putObject("selector").put("type", "Duration").put("value", duration);
            card.putObject("constraints").put("multipleDimensionSelection", "Allowed")
                    .put("quantityConfiguration", "Allowed");
            ArrayNode rates = card.putArray("rateCard");
            ObjectNode configuration = upfront.putObject("configuration").put("selectorValue", duration);
            ArrayNode dimensions = configuration.putArray("dimensions");
            for (Map.Entry<String, EntitlementValue> q : s.quantities().entrySet()) {
                rates.addObject().put("dimensionKey", q.getKey()).put("price", CONTRACT_UNIT_PRICE);
                int units = q.getValue() instanceof EntitlementValue.IntegerValue i ? i.value() : 1;
                dimensions.addObject().put("dimensionKey", q.getKey()).put("dimensionValue", units);
            }
            term(terms, s, "renewalTerm", "RenewalTerm").putObject("configuration")
                    .put("enableAutoRenew", s.autoRenew());
        }
        if (product.pricingModel().isMetered()) {
            ObjectNode usage = term(terms, s, "usageBasedPricingTerm", "UsageBasedPricingTerm");
            usage.put("currencyCode", "USD");
            ArrayNode rates = usage.putArray("rateCards").addObject().putArray("rateCard");
            for (Dimension d : product.dimensions()) {
                if (d.metered()) {
                    rates.addObject().put("dimensionKey", d.name()).put("price", USAGE_PRICE);
                }
            }
        }
        if (s.freeTrial()) {
            ObjectNode trial = term(terms, s, "freeTrialPricingTerm", "FreeTrialPricingTerm");
            trial.put("duration", "P" + TRIAL_DAYS + "D");
            ArrayNode grants = trial.putArray("grants");
            for (Dimension d : product.dimensions()) {
                grants.addObject().put("dimensionKey", d.name());
            }
        }
        return terms;
    }

    /** Length of a simulated free trial (AWS: 5 to 31 days). */
    public static final int TRIAL_DAYS = 30;

    /**
     * One line of what {@link #acceptedTerms} says, for the simulator's pages: the contract (duration and units), the
     * usage prices, the free trial, the renewal.
     */
    public static String termsSummary(SubscriptionView s, Product product) {
        List<String> parts = new ArrayList<>();
        if (product.pricingModel().hasContract()) {
            parts.add("contract P" + product.contractMonths() + "M " + s.quantities().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().raw())
                    .collect(Collectors.joining(", ", "(", ")")) + " at " + CONTRACT_UNIT_PRICE
                    + " USD per unit");
        }
        if (product.pricingModel().isMetered()) {
            parts.add("usage " + product.dimensions().stream().filter(Dimension::metered)
                    .map(d -> d.name() + " at " + USAGE_PRICE + " USD")
                    .collect(Collectors.joining(", ")));
        }
        if (s.freeTrial()) {
            parts.add("free trial P" + TRIAL_DAYS + "D");
        }
        if (s.autoRenew() != null) {
            parts.add(s.autoRenew() ? "auto-renews" : "does not auto-renew");
        }
        return String.join("; ", parts);
    }

    private ObjectNode term(List<ObjectNode> terms, Subscription s, String member, String type) {
        ObjectNode union = mapper.createObjectNode();
        ObjectNode t = union.putObject(member);
        t.put("type", type);
        t.put("id", "term-" + Integer.toHexString((s.offerId() + member).hashCode()));
        terms.add(union);
        return t;
    }

    // ---------------------------------------------------------------- request members, paging

    private Subscription agreement(JsonNode request) {
        String id = Json.text(request, "agreementId");
        if (id == null || id.isEmpty()) {
            throw validation("MISSING_AGREEMENT_ID", "agreementId is required.");
        }
        if (!RESOURCE_ID.matcher(id).matches()) {
            throw validation("INVALID_AGREEMENT_ID", "agreementId " + id + " is not a valid agreement id.");
        }
        return registry.all().stream().filter(s -> id.equals(s.agreementId())).findFirst()
                .orElseThrow(() -> new AwsApiError("ResourceNotFoundException", 404,
                        "Agreement " + id + " was not found."));
    }

    private ObjectNode page(JsonNode request, String member, List<ObjectNode> items, String query) {
        Integer max = Json.integer(request, "maxResults");
        if (max != null && (max < 1 || max > MAX_RESULTS)) {
            throw validation("INVALID_MAX_RESULTS", "maxResults must be between 1 and " + MAX_RESULTS + ".");
        }
        int size = max == null ? MAX_RESULTS : max;
        int offset = offset(Json.text(request, "nextToken"), query);
        ObjectNode result = mapper.createObjectNode();
        ArrayNode list = result.putArray(member);
        int end = Math.min(items.size(), offset + size);
        for (int i = offset; i < end; i++) {
            list.add(items.get(i));
        }
        if (end < items.size()) {
            result.put("nextToken", token(query, end));
        }
        return result;
    }

    /** botocore NextToken pattern {@code ^[a-zA-Z0-9+/=]+$}: standard base64. */
    private static String token(String query, int offset) {
        String plain = "v1|" + Integer.toHexString(query.hashCode()) + "|" + offset;
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String token, String query) {
        if (token == null) {
            return 0;
        }
        try {
            String[] parts = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            if (parts.length == 3 && parts[0].equals("v1")
                    && parts[1].equals(Integer.toHexString(query.hashCode()))) {
                int offset = Integer.parseInt(parts[2]);
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not a number: answered below
        }
        throw validation("INVALID_NEXT_TOKEN", "nextToken is invalid for this request.");
    }

    private static AwsApiError validation(String reason, String message) {
        return new AwsApiError("ValidationException", 400, message, reason);
    }
}
