package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.EntitlementValue;
import io.mpsaas.sandbox.marketplace.buyer.Subscription;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.FaultInjector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code AWSMPEntitlementService.GetEntitlements}: the contracted quantities of a product's buyers, filtered and
 * paged with an opaque NextToken.
 */
final class GetEntitlementsOperation {

    static final int MAX_RESULTS = 25;
    static final Set<String> FILTER_KEYS =
            Set.of("CUSTOMER_IDENTIFIER", "DIMENSION", "CUSTOMER_AWS_ACCOUNT_ID", "LICENSE_ARN");

    private final ObjectMapper mapper;
    private final Catalog catalog;
    private final SubscriptionRegistry registry;
    private final FaultInjector faults;

    GetEntitlementsOperation(ObjectMapper mapper, Catalog catalog, SubscriptionRegistry registry,
            FaultInjector faults) {
        this.mapper = mapper;
        this.catalog = catalog;
        this.registry = registry;
        this.faults = faults;
    }

    /** One entitlement row before JSON rendering. */
    private record Row(Subscription subscription, Dimension dimension, EntitlementValue value) { }

    /** Paging position: offset into the listing and empty pages still owed (injected fault). */
    private record Cursor(String queryHash, int offset, int emptyPagesLeft) { }

    ObjectNode handle(JsonNode request, RequestContext ctx) {
        String productCode = Json.text(request, "ProductCode");
        if (productCode == null || productCode.isEmpty()) {
            throw invalid("ProductCode is required.");
        }
        Product product = catalog.find(productCode)
                .orElseThrow(() -> invalid("ProductCode " + productCode + " is not a product of this seller."));
        Map<String, Set<String>> filter = parseFilter(request.get("Filter"));
        Integer maxResults = maxResults(request);
        String queryHash = hash(productCode, filter);

        String nextToken = Json.text(request, "NextToken");
        Cursor cursor = nextToken == null
                ? new Cursor(queryHash, 0, faults.entitlementEmptyPages())
                : decode(nextToken, queryHash);

        List<Row> rows = rows(product, filter);
        ObjectNode result = mapper.createObjectNode();
        ArrayNode entitlements = result.putArray("Entitlements");
        if (cursor.emptyPagesLeft() > 0) {
            // AWS: "If the result contains an empty set of entitlements, NextToken might still be present and
            // should be used." The injected fault makes clients prove they follow it.
            result.put("NextToken", encode(new Cursor(queryHash, cursor.offset(), cursor.emptyPagesLeft() - 1)));
            return result;
        }
        int end = Math.min(rows.size(), cursor.offset() + maxResults);
        for (int i = cursor.offset(); i < end; i++) {
            entitlements.add(render(rows.get(i)));
        }
        if (end < rows.size()) {
            result.put("NextToken", encode(new Cursor(queryHash, end, 0)));
        }
        return result;
    }

    private static AwsApiError invalid(String message) {
        return AwsApiError.client("InvalidParameterException", message);
    }

    private static Integer maxResults(JsonNode request) {
        JsonNode n = request.get("MaxResults");
        if (n == null || n.isNull()) {
            return MAX_RESULTS;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_RESULTS) {
            throw invalid("MaxResults must be an integer between 1 and " + MAX_RESULTS + ", not " + n + ".");
        }
        return n.intValue();
    }

    private static Map<String, Set<String>> parseFilter(JsonNode node) {
        Map<String, Set<String>> filter = new TreeMap<>();
        if (node == null || node.isNull()) {
            return filter;
        }
        if (!node.isObject()) {
            throw AwsApiError.client("SerializationException", "Member Filter must be a map");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!FILTER_KEYS.contains(f.getKey())) {
                throw invalid("Filter key " + f.getKey() + " is not one of " + new TreeSet<>(FILTER_KEYS) + ".");
            }
            JsonNode values = f.getValue();
            if (!values.isArray() || values.isEmpty()) {
                throw invalid("Filter " + f.getKey() + " needs a non-empty list of values.");
            }
            Set<String> set = new TreeSet<>();
            for (JsonNode v : values) {
                if (!v.isTextual() || v.textValue().isEmpty()) {
                    throw invalid("Filter " + f.getKey() + " values must be non-empty strings.");
                }
                set.add(v.textValue());
            }
            filter.put(f.getKey(), set);
        }
        if (filter.containsKey("CUSTOMER_IDENTIFIER") && filter.containsKey("CUSTOMER_AWS_ACCOUNT_ID")) {
            throw invalid("CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID filters are mutually exclusive.");
        }
        return filter;
    }

    /** Every matching row in a stable order: agreements by creation, dimensions in catalog order. */
    private List<Row> rows(Product product, Map<String, Set<String>> filter) {
        List<Row> rows = new ArrayList<>();
        for (Subscription s : registry.forProduct(product.code())) {
            if (!s.hasEntitlements()) {
                continue;
            }
            if (!matches(filter, "CUSTOMER_IDENTIFIER", s.customerIdentifier())
                    || !matches(filter, "CUSTOMER_AWS_ACCOUNT_ID", s.buyerAccountId())
                    || !matches(filter, "LICENSE_ARN", s.licenseArn())) {
                continue;
            }
            Map<String, EntitlementValue> quantities = s.quantities();
            for (Dimension d : product.contractedDimensions()) {
                EntitlementValue value = quantities.get(d.name());
                if (value != null && matches(filter, "DIMENSION", d.name())) {
                    rows.add(new Row(s, d, value));
                }
            }
        }
        return rows;
    }

    private static boolean matches(Map<String, Set<String>> filter, String key, String value) {
        Set<String> allowed = filter.get(key);
        return allowed == null || (value != null && allowed.contains(value));
    }

    private ObjectNode render(Row row) {
        Subscription s = row.subscription();
        ObjectNode e = mapper.createObjectNode();
        e.put("ProductCode", s.productCode());
        e.put("Dimension", row.dimension().name());
        if (s.customerIdentifier() != null) {
            e.put("CustomerIdentifier", s.customerIdentifier());
        }
        e.put("CustomerAWSAccountId", s.buyerAccountId());
        e.put("LicenseArn", s.licenseArn());
        ObjectNode value = e.putObject("Value");
        EntitlementValue v = row.value();
        if (v instanceof EntitlementValue.IntegerValue i) {
            value.put("IntegerValue", i.value());
        } else if (v instanceof EntitlementValue.DoubleValue d) {
            value.put("DoubleValue", d.value());
        } else if (v instanceof EntitlementValue.BooleanValue b) {
            value.put("BooleanValue", b.value());
        } else if (v instanceof EntitlementValue.StringValue str) {
            value.put("StringValue", str.value());
        }
        e.put("ExpirationDate", Json.epochSeconds(s.entitlementExpiration()));
        return e;
    }

    // ---------------------------------------------------------------- NextToken

    private static String hash(String productCode, Map<String, Set<String>> filter) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(productCode.getBytes(StandardCharsets.UTF_8));
            md.update(filter.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Cursor c) {
        String plain = "v1|" + c.queryHash() + "|" + c.offset() + "|" + c.emptyPagesLeft();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private static Cursor decode(String token, String queryHash) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            if (parts.length == 4 && parts[0].equals("v1")) {
                int offset = Integer.parseInt(parts[2]);
                int empty = Integer.parseInt(parts[3]);
                if (!parts[1].equals(queryHash)) {
                    throw invalid("NextToken belongs to a different ProductCode or Filter.");
                }
                if (offset >= 0 && empty >= 0) {
                    return new Cursor(queryHash, offset, empty);
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not numbers: answered below like any other unreadable token
        }
        throw invalid("NextToken is invalid.");
    }
}
