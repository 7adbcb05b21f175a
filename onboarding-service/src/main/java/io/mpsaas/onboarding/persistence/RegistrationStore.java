package io.mpsaas.onboarding.persistence;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CompanyIndex;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.onboarding.domain.RegistrationDetails;
import io.mpsaas.onboarding.domain.RegistrationOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The registration item ({@code sk = REGISTRATION}, personal data kept apart from the customer item) and the
 * {@code registered} flag on the customer item.
 *
 * <p>Every write is conditional, so a re-submit, the back button, a double click or two tabs end in one record:
 * <ul>
 * <li>the first registration creates the item ({@code attribute_not_exists}) and sets {@code registered} on the
 * customer item in the same transaction; exactly one submission can win it, and only that one is {@code CREATED};</li>
 * <li>later submissions update the item only when the details differ ({@code fingerprint <> :new}), otherwise nothing is
 * written ({@code UNCHANGED}).</li>
 * </ul>
 * A created registration also carries an outbox marker in the overloaded {@code gsi1} index
 * ({@code gsi1pk = outbox#customer-registered}) until its event was sent, so an event whose sending failed is sent by
 * the relay job later instead of being lost. Every write also keeps the company-name index keys ({@link CompanyIndex}:
 * {@code gsi2pk}, {@code gsi2sk}) in step with the company, for the operator console's search.
 */
@ApplicationScoped
public class RegistrationStore {

    /** Attribute holding {@link RegistrationDetails#fingerprint()}. */
    public static final String FINGERPRINT = "fingerprint";
    /** When the customer-registered event was sent (set when the outbox marker is removed). */
    public static final String EVENT_SENT_AT = "eventSentAt";
    /** {@code gsi1pk} of registrations whose customer-registered event has not been sent yet. */
    public static final String OUTBOX_PK = "outbox#customer-registered";

    private static final int MAX_ROUNDS = 3;

    private final DynamoDbClient dynamo;
    private final TablesConfig tables;

    public RegistrationStore(DynamoDbClient dynamo, TablesConfig tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** A registration the relay job still has to announce. */
    public record PendingEvent(String customerKey, Instant registeredAt) {
    }

    /** Thrown when the customer item a registration belongs to does not exist. */
    public static class UnknownCustomerException extends RuntimeException {
        public UnknownCustomerException(String customerKey) {
            super("no customer item " + customerKey);
        }
    }

    /**
     * Stores a submission. {@code now} becomes {@code registeredAt} on creation and {@code updatedAt} on every change.
     *
     * @throws UnknownCustomerException when there is no customer item for the key
     */
    public RegistrationOutcome save(String customerKey, RegistrationDetails details, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (create(customerKey, details, at)) {
                return RegistrationOutcome.CREATED;
            }
            Optional<RegistrationOutcome> changed = update(customerKey, details, at);
            if (changed.isPresent()) {
                return changed.get();
            }
            // the item disappeared between the two writes (erased by an operator): create it again
        }
        throw new IllegalStateException("registration of " + customerKey + " kept changing under us");
    }

    /** The stored registration, read consistently. */
    public Optional<RegistrationRecord> find(String customerKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.customers())
                .key(key(customerKey)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RegistrationRecord.fromItem(item));
    }

    /** Removes the outbox marker once the event went out; a second call (request and job racing) is a no-op. */
    public void markEventSent(String customerKey, Instant sentAt) {
        try {
            dynamo.updateItem(r -> r.tableName(tables.customers())
                    .key(key(customerKey))
                    .updateExpression("SET #sent = :sent REMOVE #g1pk, #g1sk")
                    .conditionExpression("#g1pk = :outbox")
                    .expressionAttributeNames(Map.of("#sent", EVENT_SENT_AT, "#g1pk", SuiteTables.GSI1_PK,
                            "#g1sk", SuiteTables.GSI1_SK))
                    .expressionAttributeValues(Map.of(":sent", Attr.instant(sentAt), ":outbox", Attr.s(OUTBOX_PK))));
        } catch (ConditionalCheckFailedException alreadyMarked) {
            // the other sender got there first
        }
    }

    /** Registrations created before {@code createdBefore} whose event has not been sent, oldest first. */
    public List<PendingEvent> pendingEvents(Instant createdBefore, int limit) {
        QueryResponse response = dynamo.query(r -> r.tableName(tables.customers())
                .indexName(SuiteTables.GSI1)
                .keyConditionExpression("#pk = :outbox AND #sk < :cutoff")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.GSI1_PK, "#sk", SuiteTables.GSI1_SK))
                .expressionAttributeValues(Map.of(":outbox", Attr.s(OUTBOX_PK),
                        ":cutoff", Attr.s(outboxSortKey(createdBefore, ""))))
                .limit(limit));
        List<PendingEvent> pending = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            Instant registeredAt = Attr.instant(item, RegistrationRecord.REGISTERED_AT);
            if (registeredAt != null) {
                pending.add(new PendingEvent(Attr.string(item, SuiteTables.PK), registeredAt));
            }
        }
        return pending;
    }

    private boolean create(String customerKey, RegistrationDetails details, Instant at) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = detailAssignments(customerKey, details, names, values);
        set.add("#registeredAt = :at");
        set.add("#updatedAt = :at");
        set.add("#g1pk = :outbox");
        set.add("#g1sk = :outboxSk");
        names.put("#registeredAt", RegistrationRecord.REGISTERED_AT);
        names.put("#updatedAt", RegistrationRecord.UPDATED_AT);
        names.put("#g1pk", SuiteTables.GSI1_PK);
        names.put("#g1sk", SuiteTables.GSI1_SK);
        names.put("#version", CustomerAttributes.VERSION);
        names.put("#pk", SuiteTables.PK);
        values.put(":at", Attr.instant(at));
        values.put(":outbox", Attr.s(OUTBOX_PK));
        values.put(":outboxSk", Attr.s(outboxSortKey(at, customerKey)));
        values.put(":one", Attr.n(1));
        Update registration = Update.builder().tableName(tables.customers()).key(key(customerKey))
                .updateExpression("SET " + String.join(", ", set) + " ADD #version :one")
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        Update customer = Update.builder().tableName(tables.customers()).key(CustomerStore.key(customerKey))
                .updateExpression("SET #registered = :true, #registeredAt = if_not_exists(#registeredAt, :at)"
                        + " ADD #version :one")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#registered", CustomerAttributes.REGISTERED,
                        "#registeredAt", CustomerAttributes.REGISTERED_AT, "#version", CustomerAttributes.VERSION,
                        "#pk", SuiteTables.PK))
                .expressionAttributeValues(Map.of(":true", Attr.bool(true), ":at", Attr.instant(at),
                        ":one", Attr.n(1)))
                .build();
        try {
            dynamo.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder().update(registration).build(),
                    TransactWriteItem.builder().update(customer).build()));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons.size() == 2 && conditionFailed(reasons.get(1))) {
                throw new UnknownCustomerException(customerKey);
            }
            if (!reasons.isEmpty() && conditionFailed(reasons.get(0))) {
                return false;
            }
            throw e;
        }
    }

    private Optional<RegistrationOutcome> update(String customerKey, RegistrationDetails details, Instant at) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = detailAssignments(customerKey, details, names, values);
        set.add("#updatedAt = :at");
        names.put("#updatedAt", RegistrationRecord.UPDATED_AT);
        names.put("#version", CustomerAttributes.VERSION);
        names.put("#pk", SuiteTables.PK);
        values.put(":at", Attr.instant(at));
        values.put(":one", Attr.n(1));
        String remove = details.phone() == null ? " REMOVE #phone" : "";
        names.put("#phone", RegistrationRecord.PHONE);
        try {
            dynamo.updateItem(r -> r.tableName(tables.customers()).key(key(customerKey))
                    .updateExpression("SET " + String.join(", ", set) + remove + " ADD #version :one")
                    .conditionExpression("attribute_exists(#pk) AND #fingerprint <> :fingerprint")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return Optional.of(RegistrationOutcome.UPDATED);
        } catch (ConditionalCheckFailedException e) {
            return find(customerKey).isPresent() ? Optional.of(RegistrationOutcome.UNCHANGED) : Optional.empty();
        }
    }

    private static List<String> detailAssignments(String customerKey, RegistrationDetails details,
            Map<String, String> names, Map<String, AttributeValue> values) {
        List<String> set = new ArrayList<>();
        assign(set, names, values, RegistrationRecord.COMPANY, Attr.s(details.company()));
        assign(set, names, values, RegistrationRecord.CONTACT_NAME, Attr.s(details.contactName()));
        assign(set, names, values, RegistrationRecord.EMAIL, Attr.s(details.email()));
        if (details.phone() != null) {
            assign(set, names, values, RegistrationRecord.PHONE, Attr.s(details.phone()));
        }
        Map<String, AttributeValue> extra = new HashMap<>();
        details.extraFields().forEach((name, value) -> extra.put(name, Attr.s(value)));
        assign(set, names, values, RegistrationRecord.EXTRA_FIELDS, AttributeValue.fromM(extra));
        assign(set, names, values, FINGERPRINT, Attr.s(details.fingerprint()));
        assign(set, names, values, SuiteTables.GSI2_PK, Attr.s(CompanyIndex.PARTITION));
        assign(set, names, values, SuiteTables.GSI2_SK, Attr.s(CompanyIndex.sortKey(details.company(), customerKey)));
        return set;
    }

    private static void assign(List<String> set, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
        set.add("#" + attribute + " = :" + attribute);
    }

    private static boolean conditionFailed(CancellationReason reason) {
        return "ConditionalCheckFailed".equals(reason.code());
    }

    /** Sortable by time whatever the fraction digits: whole seconds, then the key. */
    private static String outboxSortKey(Instant at, String customerKey) {
        return at.truncatedTo(ChronoUnit.SECONDS) + "#" + customerKey;
    }

    private static Map<String, AttributeValue> key(String customerKey) {
        return Map.of(SuiteTables.PK, Attr.s(customerKey), SuiteTables.SK, Attr.s(CustomerKeys.REGISTRATION_SK));
    }
}
