package io.mpsaas.common.customer;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementValue;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One dimension of a customer's entitlements as stored in the customer item's {@code entitlements} map (written by
 * entitlement-service from GetEntitlements, read by metering-service for consumption contracts and by the access
 * check).
 *
 * @param value      the AWS value kind and its value; null when AWS gave none
 * @param expiresAt  AWS's ExpirationDate; null when AWS gave none
 */
public record StoredEntitlement(String dimension, EntitlementValue value, Instant expiresAt) {

    public StoredEntitlement {
        Objects.requireNonNull(dimension, "dimension");
    }

    public static StoredEntitlement of(Entitlement entitlement) {
        return new StoredEntitlement(entitlement.dimension(), entitlement.value(), entitlement.expirationDate());
    }

    /** Whether the entitlement has expired at {@code now} (an entitlement without expiration never does). */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The entitled quantity: integer and double values as a number, true as 1, anything else 0. */
    public double quantity() {
        if (value instanceof EntitlementValue.IntegerValue i) {
            return i.value();
        }
        if (value instanceof EntitlementValue.DoubleValue d) {
            return d.value();
        }
        if (value instanceof EntitlementValue.BooleanValue b) {
            return b.value() ? 1 : 0;
        }
        return 0;
    }

    /** As a DynamoDB map attribute: {@code {type, value, expiresAt}}. */
    public AttributeValue toAttribute() {
        Map<String, AttributeValue> map = new HashMap<>();
        if (value instanceof EntitlementValue.IntegerValue i) {
            map.put("type", Attr.s("INTEGER"));
            map.put("value", AttributeValue.fromN(Integer.toString(i.value())));
        } else if (value instanceof EntitlementValue.DoubleValue d) {
            map.put("type", Attr.s("DOUBLE"));
            map.put("value", AttributeValue.fromN(Double.toString(d.value())));
        } else if (value instanceof EntitlementValue.BooleanValue b) {
            map.put("type", Attr.s("BOOLEAN"));
            map.put("value", Attr.bool(b.value()));
        } else if (value instanceof EntitlementValue.StringValue s) {
            map.put("type", Attr.s("STRING"));
            map.put("value", Attr.s(s.value()));
        } else {
            map.put("type", Attr.s("NONE"));
        }
        if (expiresAt != null) {
            map.put("expiresAt", Attr.instant(expiresAt));
        }
        return AttributeValue.fromM(map);
    }

    /** Reads what {@link #toAttribute()} wrote. */
    public static StoredEntitlement fromAttribute(String dimension, AttributeValue attribute) {
        Map<String, AttributeValue> map = attribute.m();
        String type = Attr.string(map, "type");
        AttributeValue raw = map.get("value");
        EntitlementValue value = switch (type == null ? "NONE" : type) {
            case "INTEGER" -> new EntitlementValue.IntegerValue(Integer.parseInt(raw.n()));
            case "DOUBLE" -> new EntitlementValue.DoubleValue(Double.parseDouble(raw.n()));
            case "BOOLEAN" -> new EntitlementValue.BooleanValue(Boolean.TRUE.equals(raw.bool()));
            case "STRING" -> new EntitlementValue.StringValue(raw.s());
            default -> null;
        };
        return new StoredEntitlement(dimension, value, Attr.instant(map, "expiresAt"));
    }
}
