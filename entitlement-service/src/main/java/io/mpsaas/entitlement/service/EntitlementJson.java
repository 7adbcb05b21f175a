package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.marketplace.EntitlementValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shape of an entitlement in events and API answers: {@code {type, value, expiresAt}}. */
public final class EntitlementJson {

    private EntitlementJson() {
    }

    public static String type(EntitlementValue value) {
        if (value instanceof EntitlementValue.IntegerValue) {
            return "INTEGER";
        }
        if (value instanceof EntitlementValue.DoubleValue) {
            return "DOUBLE";
        }
        if (value instanceof EntitlementValue.BooleanValue) {
            return "BOOLEAN";
        }
        if (value instanceof EntitlementValue.StringValue) {
            return "STRING";
        }
        return "NONE";
    }

    public static Object value(EntitlementValue value) {
        if (value instanceof EntitlementValue.IntegerValue i) {
            return i.value();
        }
        if (value instanceof EntitlementValue.DoubleValue d) {
            return d.value();
        }
        if (value instanceof EntitlementValue.BooleanValue b) {
            return b.value();
        }
        if (value instanceof EntitlementValue.StringValue s) {
            return s.value();
        }
        return null;
    }

    public static Map<String, Object> of(StoredEntitlement e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type(e.value()));
        json.put("value", value(e.value()));
        if (e.expiresAt() != null) {
            json.put("expiresAt", e.expiresAt().toString());
        }
        return json;
    }

    public static Map<String, Object> of(Map<String, StoredEntitlement> entitlements) {
        Map<String, Object> json = new TreeMap<>();
        entitlements.forEach((dimension, e) -> json.put(dimension, of(e)));
        return json;
    }
}
