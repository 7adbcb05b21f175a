package io.mpsaas.common.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Offers} over the Catalog API's REST-JSON {@code GET /DescribeEntity?catalog=AWSMarketplace&entityId=...}.
 * Every call goes through the {@link AwsJsonMarketplaceClient} it is built on: the same SigV4 signing name
 * ({@code aws-marketplace}), credentials, retry strategy with throttling backoff, and call listener (metrics, traces).
 */
public final class AwsJsonCatalogClient implements Offers {

    static final String DESCRIBE_ENTITY = "DescribeEntity";
    static final String CATALOG = "AWSMarketplace";

    private final AwsJsonMarketplaceClient transport;
    private final ObjectMapper mapper;

    public AwsJsonCatalogClient(AwsJsonMarketplaceClient transport, ObjectMapper mapper) {
        this.transport = transport;
        this.mapper = mapper;
    }

    @Override
    public OfferVisibility offerVisibility(String offerId) {
        if (offerId == null || offerId.isBlank()) {
            throw new IllegalArgumentException("offer id is empty");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("catalog", CATALOG);
        query.put("entityId", offerId);
        JsonNode answer = transport.get(transport.settings().catalogUri(), MarketplaceClientSettings.CATALOG_REGION,
                DESCRIBE_ENTITY, query);
        return visibility(answer, mapper);
    }

    /**
     * Reads an offer entity: private when a {@code TargetingRule} names buyer accounts or the offer is a channel
     * partner's ({@code ResaleAuthorizationId}), public otherwise; unknown without readable details or for an entity
     * that is not an offer. {@code DetailsDocument} is read first, the older {@code Details} string otherwise.
     */
    static OfferVisibility visibility(JsonNode answer, ObjectMapper mapper) {
        String type = AwsJsonMarketplaceClient.text(answer, "EntityType");
        if (type != null && !type.startsWith("Offer@") && !type.equals("Offer")) {
            return OfferVisibility.UNKNOWN;
        }
        JsonNode details = answer.get("DetailsDocument");
        if (details == null || !details.isObject()) {
            details = parse(AwsJsonMarketplaceClient.text(answer, "Details"), mapper);
        }
        if (details == null || !details.isObject()) {
            return OfferVisibility.UNKNOWN;
        }
        if (AwsJsonMarketplaceClient.text(details, "ResaleAuthorizationId") != null) {
            return OfferVisibility.PRIVATE;
        }
        for (JsonNode rule : details.path("Rules")) {
            if ("TargetingRule".equals(AwsJsonMarketplaceClient.text(rule, "Type"))
                    && !rule.path("PositiveTargeting").path("BuyerAccounts").isEmpty()) {
                return OfferVisibility.PRIVATE;
            }
        }
        return OfferVisibility.PUBLIC;
    }

    private static JsonNode parse(String json, ObjectMapper mapper) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}
