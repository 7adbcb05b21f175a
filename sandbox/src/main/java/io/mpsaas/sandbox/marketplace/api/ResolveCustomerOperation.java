package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.Subscription;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import io.mpsaas.sandbox.marketplace.buyer.TokenLookup;

/** {@code AWSMPMeteringService.ResolveCustomer}: registration token to customer identity. */
final class ResolveCustomerOperation {

    private final ObjectMapper mapper;
    private final SubscriptionRegistry registry;

    ResolveCustomerOperation(ObjectMapper mapper, SubscriptionRegistry registry) {
        this.mapper = mapper;
        this.registry = registry;
    }

    ObjectNode handle(JsonNode request, RequestContext ctx) {
        String token = Json.text(request, "RegistrationToken");
        if (token == null || token.isEmpty()) {
            throw AwsApiError.validation("registrationToken", "Member must not be null or empty");
        }
        // Java 17: no pattern switch yet, so the sealed lookup is matched with instanceof.
        TokenLookup lookup = registry.lookupToken(token, ctx.now());
        if (lookup instanceof TokenLookup.Valid valid) {
            return answer(valid.subscription());
        }
        if (lookup instanceof TokenLookup.Expired) {
            throw AwsApiError.client("ExpiredTokenException", "Registration token is expired.");
        }
        throw AwsApiError.client("InvalidTokenException", "Registration token is invalid.");
    }

    private ObjectNode answer(Subscription s) {
        ObjectNode result = mapper.createObjectNode();
        // Concurrent Agreements: "this field is not populated" -> absent, not "".
        if (s.customerIdentifier() != null) {
            result.put("CustomerIdentifier", s.customerIdentifier());
        }
        result.put("CustomerAWSAccountId", s.buyerAccountId());
        result.put("ProductCode", s.productCode());
        result.put("LicenseArn", s.licenseArn());
        return result;
    }
}
