package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.marketplace.Entitlement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** A customer's entitlements by dimension, built from every page GetEntitlements returned. */
public final class Entitlements {

    private Entitlements() {
    }

    /**
     * One entry per dimension, every value type and expiration kept. Should AWS list a dimension twice (a legacy
     * customer whose old agreement is still listed after a re-subscribe), the one valid longest wins; no expiration
     * counts as longest. An empty list is a customer without entitlements, not an error.
     */
    public static SortedMap<String, StoredEntitlement> collapse(List<Entitlement> entitlements) {
        SortedMap<String, StoredEntitlement> byDimension = new TreeMap<>();
        for (Entitlement e : entitlements) {
            if (e.dimension() == null || e.dimension().isBlank()) {
                continue;
            }
            StoredEntitlement candidate = StoredEntitlement.of(e);
            byDimension.merge(e.dimension(), candidate, (a, b) -> outlasts(b, a) ? b : a);
        }
        return Collections.unmodifiableSortedMap(byDimension);
    }

    private static boolean outlasts(StoredEntitlement b, StoredEntitlement a) {
        Instant ea = a.expiresAt();
        Instant eb = b.expiresAt();
        if (ea == null) {
            return false;
        }
        return eb == null || eb.isAfter(ea);
    }

    /** Whether two sets differ in any dimension, value, type or expiration. */
    public static boolean differ(Map<String, StoredEntitlement> before, Map<String, StoredEntitlement> after) {
        return !new TreeMap<>(before).equals(new TreeMap<>(after));
    }

    /**
     * Whether a change is told to the seller's app as {@code customer-entitlements-changed}: any difference, except one
     * that only brings expiration dates forward (same dimensions and values, no date later, one earlier). That is an
     * agreement ending (AWS dates the entitlements to the cancellation), which {@code customer-unsubscribe-pending} and
     * {@code customer-deactivated} already tell; whether a read happens to see it before the ending is handled depends
     * on the order notifications are handled in, so telling it would make the events depend on that order. The
     * stored set is updated all the same.
     */
    public static boolean told(Map<String, StoredEntitlement> before, Map<String, StoredEntitlement> after) {
        if (!differ(before, after)) {
            return false;
        }
        if (!before.keySet().equals(after.keySet())) {
            return true;
        }
        for (Map.Entry<String, StoredEntitlement> entry : after.entrySet()) {
            StoredEntitlement was = before.get(entry.getKey());
            StoredEntitlement now = entry.getValue();
            if (!java.util.Objects.equals(was.value(), now.value())) {
                return true;
            }
            Instant wasEnd = was.expiresAt();
            Instant nowEnd = now.expiresAt();
            if (nowEnd == null ? wasEnd != null : wasEnd != null && nowEnd.isAfter(wasEnd)) {
                return true; // a later date (a renewal, an extension) or none at all any more
            }
        }
        return false;
    }

    /** A short stable fingerprint of a set, for event ids that repeat when the same change is published again. */
    public static String digest(Map<String, StoredEntitlement> entitlements) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(entitlements).forEach((dimension, e) -> canonical.append(dimension).append('=')
                .append(e.value()).append('@').append(e.expiresAt()).append(';'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
