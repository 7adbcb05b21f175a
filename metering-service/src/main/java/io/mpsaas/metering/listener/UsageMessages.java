package io.mpsaas.metering.listener;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.service.UsageJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of a usage-queue message: {@code {"records": [...]}}, a bare array of records, or one record.
 */
final class UsageMessages {

    private UsageMessages() {
    }

    /**
     * The records, or an {@link IllegalArgumentException} saying why the body is unreadable; {@code mapper} is
     * {@link UsageJson#mapper()}, strict about JSON types.
     */
    static List<UsageRecordInput> parse(ObjectMapper mapper, String body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(UsageJson.problem(e));
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        JsonNode records = root != null && root.isObject() && root.has("records") ? root.get("records") : root;
        List<UsageRecordInput> result = new ArrayList<>();
        try {
            if (records != null && records.isArray()) {
                for (JsonNode record : records) {
                    result.add(mapper.treeToValue(record, UsageRecordInput.class));
                }
            } else if (records != null && records.isObject()) {
                result.add(mapper.treeToValue(records, UsageRecordInput.class));
            } else {
                throw new IllegalArgumentException("the body is neither a usage record, an array of them, nor"
                        + " {\"records\": [...]}");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a usage record has a field of the wrong type: "
                    + UsageJson.problem(e));
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("the message carries no usage record");
        }
        return result;
    }
}
