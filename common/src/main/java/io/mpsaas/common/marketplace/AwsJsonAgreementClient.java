package io.mpsaas.common.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link Agreements} over AWS JSON 1.0 (target prefix {@code AWSMPCommerceService_v20200301}). Every call goes through
 * the {@link AwsJsonMarketplaceClient} it is built on: the same SigV4 signing name ({@code aws-marketplace}),
 * credentials, retry strategy with throttling backoff, and call listener (metrics, traces).
 */
public final class AwsJsonAgreementClient implements Agreements {

    static final String TARGET_PREFIX = "AWSMPCommerceService_v20200301.";
    static final String DESCRIBE_AGREEMENT = TARGET_PREFIX + "DescribeAgreement";
    static final String GET_AGREEMENT_TERMS = TARGET_PREFIX + "GetAgreementTerms";
    static final String SEARCH_AGREEMENTS = TARGET_PREFIX + "SearchAgreements";
    static final String GET_AGREEMENT_ENTITLEMENTS = TARGET_PREFIX + "GetAgreementEntitlements";

    /** Page size asked of the paged reads (AWS's maximum). */
    static final int PAGE = 50;

    private final AwsJsonMarketplaceClient transport;
    private final ObjectMapper mapper;

    public AwsJsonAgreementClient(AwsJsonMarketplaceClient transport, ObjectMapper mapper) {
        this.transport = transport;
        this.mapper = mapper;
    }

    @Override
    public Agreement describeAgreement(String agreementId) {
        JsonNode answer = call(DESCRIBE_AGREEMENT, mapper.createObjectNode().put("agreementId", required(agreementId)));
        return readAgreement(answer);
    }

    @Override
    public List<AgreementTerm> getAgreementTerms(String agreementId) {
        List<AgreementTerm> terms = new ArrayList<>();
        everyPage(GET_AGREEMENT_TERMS, agreementId, "acceptedTerms", term -> terms.addAll(readTerm(term)));
        return terms;
    }

    @Override
    public AgreementPage searchAgreements(AgreementSearch search) {
        ObjectNode body = mapper.createObjectNode().put("catalog", "AWSMarketplace");
        ArrayNode filters = body.putArray("filters");
        filter(filters, "PartyType", "Proposer");
        filter(filters, "AgreementType", search.agreementType());
        filter(filters, "ResourceIdentifier", search.resourceIdentifier());
        filter(filters, "Status", search.status() == null ? null : search.status().name());
        filter(filters, "AcceptorAccountId", search.acceptorAccountId());
        filter(filters, "OfferId", search.offerId());
        if (search.maxResults() != null) {
            body.put("maxResults", search.maxResults());
        }
        if (search.nextToken() != null) {
            body.put("nextToken", search.nextToken());
        }
        JsonNode answer = call(SEARCH_AGREEMENTS, body);
        List<Agreement> agreements = new ArrayList<>();
        for (JsonNode summary : answer.path("agreementViewSummaries")) {
            agreements.add(readAgreement(summary));
        }
        return new AgreementPage(agreements, AwsJsonMarketplaceClient.text(answer, "nextToken"));
    }

    @Override
    public List<AgreementEntitlement> getAgreementEntitlements(String agreementId) {
        List<AgreementEntitlement> all = new ArrayList<>();
        everyPage(GET_AGREEMENT_ENTITLEMENTS, agreementId, "agreementEntitlements", e -> {
            JsonNode resource = e.path("resource");
            all.add(new AgreementEntitlement(text(resource, "id"), text(resource, "type"), text(e, "type"),
                    text(e, "registrationToken"), text(e, "status"), text(e, "statusReasonCode"),
                    text(e, "licenseArn")));
        });
        return all;
    }

    /** Reads every page of a per-agreement listing, following {@code nextToken}, each item to {@code item}. */
    private void everyPage(String target, String agreementId, String member, Consumer<JsonNode> item) {
        String next = null;
        do {
            ObjectNode body = mapper.createObjectNode().put("agreementId", required(agreementId)).put("maxResults",
                    PAGE);
            if (next != null) {
                body.put("nextToken", next);
            }
            JsonNode answer = call(target, body);
            answer.path(member).forEach(item);
            next = AwsJsonMarketplaceClient.text(answer, "nextToken");
        } while (next != null);
    }

    private JsonNode call(String target, ObjectNode body) {
        MarketplaceClientSettings settings = transport.settings();
        return transport.call(settings.agreementUri(), MarketplaceClientSettings.AGREEMENT_REGION, target,
                AwsJsonMarketplaceClient.CONTENT_TYPE_1_0, body);
    }

    private static String required(String agreementId) {
        if (agreementId == null || agreementId.isBlank()) {
            throw new IllegalArgumentException("agreement id is empty");
        }
        return agreementId;
    }

    private static void filter(ArrayNode filters, String name, String value) {
        if (value != null) {
            ObjectNode f = filters.addObject().put("name", name);
            f.putArray("values").add(value);
        }
    }

    // ---- JSON mapping

    private static Agreement readAgreement(JsonNode a) {
        List<String> products = new ArrayList<>();
        for (JsonNode r : a.path("proposalSummary").path("resources")) {
            String id = text(r, "id");
            if (id != null) {
                products.add(id);
            }
        }
        String status = text(a, "status");
        return new Agreement(text(a, "agreementId"), text(a, "agreementType"), AgreementStatus.fromWire(status),
                status, text(a.path("acceptor"), "accountId"), text(a.path("proposer"), "accountId"),
                text(a.path("proposalSummary"), "offerId"), products,
                AwsJsonMarketplaceClient.timestamp(a.path("startTime")),
                AwsJsonMarketplaceClient.timestamp(a.path("endTime")),
                AwsJsonMarketplaceClient.timestamp(a.path("acceptanceTime")),
                text(a.path("estimatedCharges"), "agreementValue"),
                text(a.path("estimatedCharges"), "currencyCode"));
    }

    /** One union value: exactly one member is set on the wire; each is read (an empty list for an empty object). */
    private List<AgreementTerm> readTerm(JsonNode union) {
        List<AgreementTerm> terms = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> members = union.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> m = members.next();
            if (m.getValue() != null && m.getValue().isObject()) {
                terms.add(readMember(m.getKey(), m.getValue()));
            }
        }
        return terms;
    }

    private AgreementTerm readMember(String kind, JsonNode t) {
        String id = text(t, "id");
        return switch (kind) {
            case "usageBasedPricingTerm" -> {
                Map<String, String> prices = new LinkedHashMap<>();
                for (JsonNode card : t.path("rateCards")) {
                    for (JsonNode item : card.path("rateCard")) {
                        String key = text(item, "dimensionKey");
                        String price = text(item, "price");
                        if (key != null && price != null) {
                            prices.put(key, price);
                        }
                    }
                }
                yield new AgreementTerm.UsageBased(id, text(t, "currencyCode"), prices);
            }
            case "configurableUpfrontPricingTerm" -> {
                JsonNode configuration = t.path("configuration");
                Map<String, Integer> units = new LinkedHashMap<>();
                for (JsonNode d : configuration.path("dimensions")) {
                    String key = text(d, "dimensionKey");
                    if (key != null) {
                        units.put(key, d.path("dimensionValue").asInt(0));
                    }
                }
                yield new AgreementTerm.ConfigurableUpfront(id, text(t, "currencyCode"),
                        text(configuration, "selectorValue"), units);
            }
            case "fixedUpfrontPricingTerm" -> new AgreementTerm.FixedUpfront(id, text(t, "currencyCode"),
                    text(t, "price"), text(t, "duration"));
            case "freeTrialPricingTerm" -> {
                List<String> dimensions = new ArrayList<>();
                for (JsonNode g : t.path("grants")) {
                    String key = text(g, "dimensionKey");
                    if (key != null) {
                        dimensions.add(key);
                    }
                }
                yield new AgreementTerm.FreeTrial(id, text(t, "duration"), dimensions);
            }
            case "renewalTerm" -> {
                JsonNode flag = t.path("configuration").get("enableAutoRenew");
                yield new AgreementTerm.Renewal(id, flag == null || flag.isNull() ? null : flag.asBoolean());
            }
            case "validityTerm" -> new AgreementTerm.Validity(id, text(t, "agreementDuration"),
                    AwsJsonMarketplaceClient.timestamp(t.path("agreementStartDate")),
                    AwsJsonMarketplaceClient.timestamp(t.path("agreementEndDate")));
            default -> new AgreementTerm.Other(id, kind, t.toString());
        };
    }

    private static String text(JsonNode node, String field) {
        return AwsJsonMarketplaceClient.text(node, field);
    }
}
