package io.mpsaas.onboarding.persistence;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CompanyIndex;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.common.dynamo.Update;
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
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

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
        Update u = new Update().set(EVENT_SENT_AT, Attr.instant(sentAt))
                .remove(SuiteTables.GSI1_PK, SuiteTables.GSI1_SK);
        u.condition(u.name(SuiteTables.GSI1_PK) + " = " + u.value(Attr.s(OUTBOX_PK)));
        try {
            dynamo.updateItem(u.request(tables.customers(), key(customerKey)).build());
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
        Update registration = details(customerKey, details)
                .set(RegistrationRecord.REGISTERED_AT, Attr.instant(at))
                .set(RegistrationRecord.UPDATED_AT, Attr.instant(at))
                .set(SuiteTables.GSI1_PK, Attr.s(OUTBOX_PK))
                .set(SuiteTables.GSI1_SK, Attr.s(outboxSortKey(at, customerKey)))
                .add(CustomerAttributes.VERSION, Attr.n(1));
        registration.condition("attribute_not_exists(" + registration.name(SuiteTables.PK) + ")");
        Update customer = new Update()
                .set(CustomerAttributes.REGISTERED, Attr.bool(true))
                .setIfAbsent(CustomerAttributes.REGISTERED_AT, Attr.instant(at))
                .add(CustomerAttributes.VERSION, Attr.n(1));
        customer.condition("attribute_exists(" + customer.name(SuiteTables.PK) + ")");
        TaggedTransaction<String> tx = new TaggedTransaction<String>()
                .add(CustomerKeys.REGISTRATION_SK, registration.transactItem(tables.customers(), key(customerKey)))
                .add(CustomerKeys.CUSTOMER_SK, customer.transactItem(tables.customers(),
                        CustomerStore.key(customerKey)));
        try {
            dynamo.transactWriteItems(r -> r.transactItems(tx.items()));
            return true;
        } catch (TransactionCanceledException e) {
            List<TaggedTransaction.Refusal<String>> refusals = tx.refusals(e);
            if (refusals.stream().anyMatch(r -> r.conditionFailed() && r.tag().equals(CustomerKeys.CUSTOMER_SK))) {
                throw new UnknownCustomerException(customerKey);
            }
            if (refusals.stream().anyMatch(r -> r.conditionFailed()
                    && r.tag().equals(CustomerKeys.REGISTRATION_SK))) {
                return false;
            }
            throw e;
        }
    }

    private Optional<RegistrationOutcome> update(String customerKey, RegistrationDetails details, Instant at) {
        Update u = details(customerKey, details)
                .set(RegistrationRecord.UPDATED_AT, Attr.instant(at))
                .add(CustomerAttributes.VERSION, Attr.n(1));
        if (details.phone() == null) {
            u.remove(RegistrationRecord.PHONE);
        }
        u.condition("attribute_exists(" + u.name(SuiteTables.PK) + ") AND " + u.name(FINGERPRINT) + " <> "
                + u.value(Attr.s(details.fingerprint())));
        try {
            dynamo.updateItem(u.request(tables.customers(), key(customerKey)).build());
            return Optional.of(RegistrationOutcome.UPDATED);
        } catch (ConditionalCheckFailedException e) {
            return find(customerKey).isPresent() ? Optional.of(RegistrationOutcome.UNCHANGED) : Optional.empty();
        }
    }

    /** The registration's details and the company index keys, as every write sets them. */
    private static Update details(String customerKey, RegistrationDetails details) {
        Map<String, AttributeValue> extra = new HashMap<>();
        details.extraFields().forEach((name, value) -> extra.put(name, Attr.s(value)));
        return new Update()
                .set(RegistrationRecord.COMPANY, Attr.s(details.company()))
                .set(RegistrationRecord.CONTACT_NAME, Attr.s(details.contactName()))
                .set(RegistrationRecord.EMAIL, Attr.s(details.email()))
                .set(RegistrationRecord.PHONE, details.phone() == null ? null : Attr.s(details.phone()))
                .set(RegistrationRecord.EXTRA_FIELDS, AttributeValue.fromM(extra))
                .set(FINGERPRINT, Attr.s(details.fingerprint()))
                .set(SuiteTables.GSI2_PK, Attr.s(CompanyIndex.PARTITION))
                .set(SuiteTables.GSI2_SK, Attr.s(CompanyIndex.sortKey(details.company(), customerKey)));
    }

    /** Sortable by time whatever the fraction digits: whole seconds, then the key. */
    private static String outboxSortKey(Instant at, String customerKey) {
        return at.truncatedTo(ChronoUnit.SECONDS) + "#" + customerKey;
    }

    private static Map<String, AttributeValue> key(String customerKey) {
        return SuiteTables.key(customerKey, CustomerKeys.REGISTRATION_SK);
    }
}
