package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.Subscription;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Catalog API's {@code DescribeEntity} for the simulated offers (REST-JSON,
 * {@code GET /DescribeEntity?catalog=AWSMarketplace&entityId=offer-...}): an {@code Offer@1.0} entity whose
 * {@code DetailsDocument} (and the same JSON as the {@code Details} string) holds a {@code TargetingRule} with the
 * buyer's account for a private offer (a CPPO is always private, with its {@code ResaleAuthorizationId}). An offer is
 * the offer id of one or more subscriptions; one of them private makes it private.
 */
public final class CatalogOperations {

    /** botocore {@code EntityId}: 1..255 characters. */
    private static final Pattern ENTITY_ID = Pattern.compile("^[a-zA-Z0-9][.a-zA-Z0-9/-]+[a-zA-Z0-9]$");

    private final ObjectMapper mapper;
    private final SubscriptionRegistry registry;
    private final Supplier<String> sellerAccountId;

    CatalogOperations(ObjectMapper mapper, SubscriptionRegistry registry, Supplier<String> sellerAccountId) {
        this.mapper = mapper;
        this.registry = registry;
        this.sellerAccountId = sellerAccountId;
    }

    ObjectNode describeEntity(Map<String, String> query) throws JsonProcessingException {
        String catalog = query.get("catalog");
        String entityId = query.get("entityId");
        if (catalog == null || entityId == null) {
            throw validation("catalog and entityId are required query parameters.");
        }
        if (!"AWSMarketplace".equals(catalog)) {
            throw validation("The catalog " + catalog + " is not supported: use AWSMarketplace.");
        }
        if (entityId.length() > 255 || !ENTITY_ID.matcher(entityId).matches()) {
            throw validation("1 validation error detected: Value at 'entityId' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: ^[a-zA-Z0-9][.a-zA-Z0-9/-]+[a-zA-Z0-9]$");
        }
        Subscription offer = null;
        boolean isPrivate = false;
        for (Subscription s : registry.all()) {
            if (entityId.equals(s.offerId())) {
                offer = offer == null ? s : offer;
                isPrivate |= s.privateOffer();
            }
        }
        if (offer == null) {
            throw new AwsApiError("ResourceNotFoundException", 404, "Requested entity " + entityId + " not found.");
        }
        ObjectNode details = mapper.createObjectNode();
        details.put("Id", entityId);
        details.put("Name", offer.product().code() + (isPrivate ? " private offer" : " public offer"));
        details.put("ProductId", offer.product().productId());
        details.put("State", "Released");
        if (offer.resaleAuthorizationId() != null) {
            details.put("ResaleAuthorizationId", offer.resaleAuthorizationId());
        }
        ArrayNode rules = details.putArray("Rules");
        if (isPrivate) {
            ArrayNode buyers = rules.addObject().put("Type", "TargetingRule").putObject("PositiveTargeting")
                    .putArray("BuyerAccounts");
            for (Subscription s : registry.all()) {
                if (entityId.equals(s.offerId()) && s.privateOffer()) {
                    buyers.add(s.buyerAccountId());
                }
            }
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.put("EntityType", "Offer@1.0");
        answer.put("EntityIdentifier", entityId + "@1");
        answer.put("EntityArn", "arn:aws:aws-marketplace:us-east-1:" + sellerAccountId.get()
                + ":AWSMarketplace/Offer/" + entityId);
        answer.put("LastModifiedDate", offer.createdAt().toString().replaceAll("\\.\\d+Z$", "Z"));
        answer.put("Details", mapper.writeValueAsString(details));
        answer.set("DetailsDocument", details);
        return answer;
    }

    private static AwsApiError validation(String message) {
        return new AwsApiError("ValidationException", 422, message);
    }
}
