package io.mpsaas.metering.domain;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A validated part of a usage quantity and its tags (empty = untagged). */
public record Allocation(long quantity, SortedMap<String, String> tags) {

    public Allocation {
        tags = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
    }

    /**
     * The tag set as one canonical string, so allocations with the same tags (in any order) add up in the same
     * bucket: {@code key=value} pairs sorted by key, URL-style escaped, joined by {@code &}; {@code -} for untagged.
     */
    public String tagSetKey() {
        return tagSetKey(tags);
    }

    public static String tagSetKey(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return "-";
        }
        return new TreeMap<>(tags).entrySet().stream()
                .map(e -> escape(e.getKey()) + "=" + escape(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String escape(String value) {
        return value.replace("%", "%25").replace("&", "%26").replace("=", "%3D");
    }
}
