package io.mpsaas.entitlement.persistence;

import static io.mpsaas.common.customer.CustomerAttributes.*;
import static io.mpsaas.common.dynamo.SuiteTables.key;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.BatchReads;
import io.mpsaas.common.dynamo.BatchWrites;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.common.dynamo.Update;
import io.mpsaas.common.webhook.WebhookDeliveries;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Step;
import io.mpsaas.entitlement.domain.Subscriber;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB side of the subscription use cases: reads of the customer, agreement and inbox items (one by one, or a
 * batch's worth in one {@code BatchGetItem}), and the one transaction that writes everything a notification, or the
 * notifications of one customer coalesced, change (customer, agreement pointers, parked facts, inbox entries) or
 * nothing. Every write is conditional: a lost race is a {@link CommitOutcome#CONFLICT}, a second processing of the
 * same message a {@link CommitOutcome#DUPLICATE}, never an overwrite.
 */
@ApplicationScoped
public class SubscriptionStore {

    static final String MESSAGE_PREFIX = "msg#";
    static final String MESSAGE_SK = "MESSAGE";
    static final String FACT_PREFIX = "FACT#";
    /** Sparse index key of inbox entries whose effects are not confirmed sent. */
    static final String PENDING_EFFECTS = "inbox#pending-effects";
    /** {@code gsi2pk} prefix of a customer's inbox entries: its history, for the operator console. */
    static final String HISTORY_PREFIX = "customer#";
    /** Fixed-width time of the history sort key, so entries sort by time whatever the fraction digits. */
    private static final DateTimeFormatter HISTORY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    // inbox and pointer attributes (entitlement-service's own items)
    static final String STATUS = "status";
    static final String KIND = "kind";
    static final String CUSTOMER_KEY = "customerKey";
    static final String RESULT = "result";
    static final String EFFECTS = "effects";
    static final String RECEIVED_AT = "receivedAt";
    static final String DONE_AT = "doneAt";
    static final String ACCEPTOR = "acceptorAccountId";
    static final String SOURCE_ID = "sourceId";
    static final String OCCURRED_AT = "occurredAt";
    static final String DETAIL_TYPE = "detailType";
    static final String AGREEMENT_STATUS = "agreementStatus";
    /**
     * On the customer item (entitlement-service's own attribute): AWS's time of the newest license event that named
     * the customer's {@code agreementId}, so that a renewal's agreement replaces it and a late event of an older
     * agreement does not bring that back.
     */
    static final String AGREEMENT_NAMED_AT = "agreementNamedAt";

    private final DynamoDbClient dynamo;
    private final CommitCombiner combiner;
    private final String customers;
    private final String inbox;
    /** False once the role turned out not to allow {@code BatchWriteItem}. */
    private volatile boolean batchWrites = true;

    public SubscriptionStore(DynamoDbClient dynamo, TablesConfig tables, EntitlementConfig config) {
        this.dynamo = dynamo;
        this.combiner = new CommitCombiner(dynamo, config.combineCommits(), config.commitLanes());
        this.customers = tables.customers();
        this.inbox = tables.inbox();
    }

    // ---------------------------------------------------------------- reads

    /** The customer item, read consistently (a write is about to be based on it). */
    public Optional<CustomerRecord> customer(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(customers).consistentRead(true)
                .key(key(key, CustomerKeys.CUSTOMER_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CustomerRecord.fromItem(item));
    }

    /** The customer item for the API: eventually consistent, one read. */
    public Optional<CustomerRecord> customerForRead(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(customers)
                .key(key(key, CustomerKeys.CUSTOMER_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CustomerRecord.fromItem(item));
    }

    /** The registration onboarding stored (personal data: for the API only, never logged). */
    public Optional<RegistrationRecord> registration(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(customers)
                .key(key(key, CustomerKeys.REGISTRATION_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RegistrationRecord.fromItem(item));
    }

    public Optional<AgreementPointer> agreement(String agreementId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(customers).consistentRead(true)
                .key(key(CustomerKeys.forAgreement(agreementId), CustomerKeys.AGREEMENT_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(pointer(agreementId, item));
    }

    private static AgreementPointer pointer(String agreementId, Map<String, AttributeValue> item) {
        Long version = Attr.number(item, VERSION);
        return new AgreementPointer(agreementId, Attr.string(item, CUSTOMER_KEY), Attr.string(item, PRODUCT_CODE),
                Attr.string(item, LICENSE_ARN), Attr.string(item, ACCEPTOR), Attr.string(item, OFFER_ID),
                version == null ? 0 : version);
    }

    /**
     * What {@link #read} found: inbox entries by dedupe key (absent: not processed yet), and every customer and
     * agreement pointer asked for (empty when the item does not exist).
     *
     * @param agreementsNamedAt by customer key, when a license event last named the customer's agreement (absent:
     *                          not recorded, on items written before it was)
     */
    public record Reads(Map<String, InboxEntry> inbox, Map<String, Optional<CustomerRecord>> customers,
            Map<String, Optional<AgreementPointer>> pointers, Map<String, Instant> agreementsNamedAt) {

        public Reads {
            inbox = Map.copyOf(inbox);
            customers = Map.copyOf(customers);
            pointers = Map.copyOf(pointers);
            agreementsNamedAt = Map.copyOf(agreementsNamedAt);
        }

        /** When a license event last named the customer's agreement; empty when not recorded. */
        public Optional<Instant> agreementNamedAt(String customerKey) {
            return Optional.ofNullable(agreementsNamedAt.get(customerKey));
        }

        public Optional<InboxEntry> inboxEntry(String dedupeKey) {
            return Optional.ofNullable(inbox.get(dedupeKey));
        }

        /** Whether the customer was read (it may not exist). */
        public boolean hasCustomer(String key) {
            return customers.containsKey(key);
        }

        public Optional<CustomerRecord> customer(String key) {
            Optional<CustomerRecord> customer = customers.get(key);
            if (customer == null) {
                throw new IllegalStateException("customer " + key + " was not read");
            }
            return customer;
        }

        public Optional<AgreementPointer> pointer(String agreementId) {
            Optional<AgreementPointer> pointer = pointers.get(agreementId);
            if (pointer == null) {
                throw new IllegalStateException("agreement " + agreementId + " was not read");
            }
            return pointer;
        }
    }

    /**
     * The inbox entries of {@code dedupeKeys}, the customer items of {@code customerKeys} and the agreement pointers of
     * {@code agreementIds}, read consistently (writes are about to be based on them) in one {@code BatchGetItem} over
     * both tables: a batch of notifications checks its inbox and reads its customers in one round trip. Keys DynamoDB
     * leaves unprocessed are read again with backoff.
     */
    public Reads read(Collection<String> dedupeKeys, Collection<String> customerKeys,
            Collection<String> agreementIds) {
        List<Map<String, AttributeValue>> inboxKeys = new ArrayList<>();
        new LinkedHashSet<>(dedupeKeys).forEach(d -> inboxKeys.add(key(MESSAGE_PREFIX + d, MESSAGE_SK)));
        List<Map<String, AttributeValue>> customerTableKeys = new ArrayList<>();
        new LinkedHashSet<>(customerKeys).forEach(k -> customerTableKeys.add(key(k, CustomerKeys.CUSTOMER_SK)));
        new LinkedHashSet<>(agreementIds).forEach(a -> customerTableKeys.add(key(CustomerKeys.forAgreement(a),
                CustomerKeys.AGREEMENT_SK)));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        int total = inboxKeys.size() + customerTableKeys.size();
        for (int from = 0; from < total; from += BatchReads.MAX_KEYS) {
            Map<String, KeysAndAttributes> request = new HashMap<>();
            addKeys(request, inbox, inboxKeys, from, Math.min(total, from + BatchReads.MAX_KEYS));
            addKeys(request, customers, customerTableKeys, from - inboxKeys.size(),
                    Math.min(total, from + BatchReads.MAX_KEYS) - inboxKeys.size());
            items.addAll(batchGet(request));
        }
        Map<String, InboxEntry> entries = new HashMap<>();
        Map<String, Optional<CustomerRecord>> customerItems = new HashMap<>();
        customerKeys.forEach(k -> customerItems.put(k, Optional.empty()));
        Map<String, Optional<AgreementPointer>> pointers = new HashMap<>();
        agreementIds.forEach(a -> pointers.put(a, Optional.empty()));
        Map<String, Instant> agreementsNamedAt = new HashMap<>();
        for (Map<String, AttributeValue> item : items) {
            String pk = Attr.string(item, SuiteTables.PK);
            String sk = Attr.string(item, SuiteTables.SK);
            if (MESSAGE_SK.equals(sk) && pk.startsWith(MESSAGE_PREFIX)) {
                InboxEntry entry = inboxEntry(item);
                entries.put(entry.dedupeKey(), entry);
            } else if (CustomerKeys.CUSTOMER_SK.equals(sk)) {
                customerItems.put(pk, Optional.of(CustomerRecord.fromItem(item)));
                Instant namedAt = Attr.instant(item, AGREEMENT_NAMED_AT);
                if (namedAt != null) {
                    agreementsNamedAt.put(pk, namedAt);
                }
            } else if (CustomerKeys.AGREEMENT_SK.equals(sk) && pk.startsWith(CustomerKeys.AGREEMENT_PREFIX)) {
                String agreementId = pk.substring(CustomerKeys.AGREEMENT_PREFIX.length());
                pointers.put(agreementId, Optional.of(pointer(agreementId, item)));
            }
        }
        return new Reads(entries, customerItems, pointers, agreementsNamedAt);
    }

    /** Adds {@code keys[from, to)} (clamped to the list) of one table to a BatchGetItem request. */
    private static void addKeys(Map<String, KeysAndAttributes> request, String table,
            List<Map<String, AttributeValue>> keys, int from, int to) {
        int start = Math.max(0, from);
        int end = Math.min(keys.size(), to);
        if (start < end) {
            request.put(table, KeysAndAttributes.builder().consistentRead(true).keys(keys.subList(start, end))
                    .build());
        }
    }

    private List<Map<String, AttributeValue>> batchGet(Map<String, KeysAndAttributes> request) {
        BatchReads.Read read = BatchReads.read(dynamo, request);
        if (!read.unread().isEmpty()) {
            // writes are about to be based on these reads: a key left unread is no absent item
            throw new IllegalStateException("DynamoDB left keys unprocessed " + BatchReads.ROUNDS
                    + " times in a row (throttled)");
        }
        return read.items();
    }

    /** Agreement events waiting for the agreement's license. */
    public List<ParkedFact> parkedFacts(String agreementId) {
        List<ParkedFact> facts = new ArrayList<>();
        Paging.query(dynamo, QueryRequest.builder().tableName(customers).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :fact)")
                .expressionAttributeValues(Map.of(":pk", Attr.s(CustomerKeys.forAgreement(agreementId)),
                        ":fact", Attr.s(FACT_PREFIX)))
                .build()).forEach(item -> facts.add(new ParkedFact(agreementId,
                        Attr.string(item, SOURCE_ID), Step.Kind.valueOf(Attr.string(item, KIND)),
                        Attr.instant(item, OCCURRED_AT), Attr.string(item, DETAIL_TYPE),
                        Attr.string(item, AGREEMENT_STATUS), Attr.string(item, ACCEPTOR),
                        Attr.string(item, OFFER_ID))));
        return facts;
    }

    public Optional<InboxEntry> inbox(String dedupeKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(inbox).consistentRead(true)
                .key(key(MESSAGE_PREFIX + dedupeKey, MESSAGE_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(inboxEntry(item));
    }

    /** Inbox entries whose effects were committed before {@code cutoff} and are still not confirmed sent. */
    public List<InboxEntry> pendingEffects(Instant cutoff) {
        List<InboxEntry> entries = new ArrayList<>();
        Paging.query(dynamo, QueryRequest.builder().tableName(inbox).indexName(SuiteTables.GSI1)
                .keyConditionExpression("gsi1pk = :p AND gsi1sk < :cutoff")
                .expressionAttributeValues(Map.of(":p", Attr.s(PENDING_EFFECTS), ":cutoff", Attr.instant(cutoff)))
                .build()).forEach(item -> entries.add(inboxEntry(item)));
        return entries;
    }

    /**
     * The newest {@code limit} inbox entries about a customer (GSI {@code gsi2}, {@code customer#<key>}), newest
     * first: what each notification did to it, for as long as the inbox keeps them
     * ({@code suite.entitlement.inbox.retention}).
     */
    public List<InboxEntry> history(String customerKey, int limit) {
        List<InboxEntry> entries = new ArrayList<>();
        dynamo.query(QueryRequest.builder().tableName(inbox).indexName(SuiteTables.GSI2)
                .keyConditionExpression("gsi2pk = :p")
                .expressionAttributeValues(Map.of(":p", Attr.s(HISTORY_PREFIX + customerKey)))
                .scanIndexForward(false).limit(limit).build()).items().forEach(item -> entries.add(inboxEntry(item)));
        return entries;
    }

    /** Every customer of a product (GSI {@code gsi2}, {@code product#<code>}), page by page. */
    public Stream<CustomerRecord> customersOfProduct(String productCode) {
        return Paging.query(dynamo, QueryRequest.builder().tableName(customers).indexName(SuiteTables.GSI2)
                .keyConditionExpression("gsi2pk = :p")
                .expressionAttributeValues(Map.of(":p", Attr.s(CustomerKeys.PRODUCT_PREFIX + productCode)))
                .build())
                .filter(item -> CustomerKeys.CUSTOMER_SK.equals(Attr.string(item, SuiteTables.SK)))
                .map(CustomerRecord::fromItem);
    }

    /** The distinct product codes of the customers table (a Scan of the customer items' product code). */
    public Set<String> productCodes() {
        Set<String> codes = new LinkedHashSet<>();
        Paging.scan(dynamo, ScanRequest.builder().tableName(customers)
                .filterExpression("sk = :c AND attribute_exists(productCode)")
                .projectionExpression("productCode")
                .expressionAttributeValues(Map.of(":c", Attr.s(CustomerKeys.CUSTOMER_SK)))
                .build()).forEach(item -> codes.add(Attr.string(item, PRODUCT_CODE)));
        return codes;
    }

    /** Customers by subscription state, and whether every customer item was read. */
    public record StateCount(Map<SubscriptionState, Long> byState, boolean complete, long itemsRead) {
    }

    /**
     * Counts customer items by subscription state with a Scan that returns only the state (items without one count as
     * PENDING, as onboarding writes them), reading at most {@code maxItems} items.
     */
    public StateCount countByState(int maxItems) {
        Map<SubscriptionState, Long> counts = new EnumMap<>(SubscriptionState.class);
        for (SubscriptionState state : SubscriptionState.values()) {
            counts.put(state, 0L);
        }
        long read = 0;
        ScanResponse last = null;
        Iterator<ScanResponse> pages = Paging.scanPages(dynamo, ScanRequest.builder().tableName(customers)
                .filterExpression("sk = :c")
                .projectionExpression("#s")
                .expressionAttributeNames(Map.of("#s", CustomerAttributes.SUBSCRIPTION_STATE))
                .expressionAttributeValues(Map.of(":c", Attr.s(CustomerKeys.CUSTOMER_SK)))
                .limit(Math.min(1000, maxItems)).build()).iterator();
        // the budget is checked before the next page is asked for: a page is read only when it will be counted
        while ((last == null || read < maxItems) && pages.hasNext()) {
            last = pages.next();
            read += last.scannedCount();
            for (Map<String, AttributeValue> item : last.items()) {
                String state = Attr.string(item, CustomerAttributes.SUBSCRIPTION_STATE);
                SubscriptionState s = state == null ? SubscriptionState.PENDING : parseState(state);
                if (s != null) {
                    counts.merge(s, 1L, Long::sum);
                }
            }
        }
        return new StateCount(counts, last == null || Paging.next(last.lastEvaluatedKey()) == null, read);
    }

    private static SubscriptionState parseState(String state) {
        try {
            return SubscriptionState.valueOf(state);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- the transaction

    /** Everything one message (or one customer's messages of a batch) writes, all or nothing. */
    public static final class Commit {
        final TaggedTransaction<Action> tx = new TaggedTransaction<>();
    }

    /** What an action of a commit writes: a cancellation is read by it. */
    enum Action {
        CUSTOMER, POINTER, PARK_FACT, REMOVE_FACT, INBOX_ENTRY, WEBHOOK_DELIVERY
    }

    public Commit newCommit() {
        return new Commit();
    }

    /** The actions a commit holds so far (DynamoDB takes {@link TaggedTransaction#MAX_ACTIONS}). */
    public int actions(Commit commit) {
        return commit.tx.size();
    }

    /**
     * Adds a webhook delivery of the commit's events (the transactional outbox: {@code WebhookDeliveries.leased}).
     * Without a condition of its own: the commit's inbox entries make it happen once.
     */
    public void webhookDelivery(Commit commit, WebhookDeliveries.Leased delivery) {
        commit.tx.add(Action.WEBHOOK_DELIVERY, TransactWriteItem.builder().put(Put.builder()
                .tableName(delivery.table()).item(delivery.item()).build()).build());
    }

    /** Adds the customer write. */
    public void customer(Commit commit, CustomerChange change) {
        Update u = new Update();
        Subscriber id = change.identity();
        if (id != null) {
            u.setIfAbsent(IDENTITY_MODEL, Attr.s(id.identityModel().name()))
                    .setIfAbsent(PRODUCT_CODE, string(id.productCode()))
                    .setIfAbsent(CUSTOMER_IDENTIFIER, string(id.customerIdentifier()))
                    .setIfAbsent(CUSTOMER_AWS_ACCOUNT_ID, string(id.customerAwsAccountId()))
                    .setIfAbsent(LICENSE_ARN, string(id.licenseArn()));
            if (id.productCode() != null) {
                u.setIfAbsent(SuiteTables.GSI2_PK, Attr.s(CustomerKeys.PRODUCT_PREFIX + id.productCode()))
                        .setIfAbsent(SuiteTables.GSI2_SK, Attr.s(change.key()));
            }
            if (id.customerAwsAccountId() != null) {
                u.setIfAbsent(SuiteTables.GSI1_PK, Attr.s(CustomerKeys.ACCOUNT_PREFIX + id.customerAwsAccountId()))
                        .setIfAbsent(SuiteTables.GSI1_SK, Attr.s(change.key()));
            }
        }
        if (change.agreementNamedAt() != null) {
            // the newest license event's agreement (a renewal's, a replacement's) replaces the one stored; the
            // version condition below makes it the newest against what was read (SubscriptionService.agreementMove)
            u.set(AGREEMENT_ID, Attr.s(change.agreementId()))
                    .set(OFFER_ID, string(change.offerId()))
                    .set(AGREEMENT_NAMED_AT, Attr.instant(change.agreementNamedAt()));
        } else {
            u.setIfAbsent(AGREEMENT_ID, string(change.agreementId()))
                    .setIfAbsent(OFFER_ID, string(change.offerId()));
        }
        u.setIfAbsent(CREATED_AT, Attr.instant(change.now()));
        if (change.state() != null && change.state().state() != null) {
            u.set(SUBSCRIPTION_STATE, Attr.s(change.state().state().name()))
                    .set(STATE_EVENT_AT, Attr.instant(change.state().stateEventAt()))
                    .set(STATE_CHANGED_AT, Attr.instant(change.now()))
                    .set(FREE_TRIAL, Attr.bool(change.state().freeTrial()));
        } else {
            u.setIfAbsent(SUBSCRIPTION_STATE, Attr.s("PENDING"));
        }
        if (change.entitlements() != null) {
            Map<String, AttributeValue> map = new HashMap<>();
            change.entitlements().forEach((dimension, e) -> map.put(dimension, e.toAttribute()));
            u.set(ENTITLEMENTS, AttributeValue.fromM(map))
                    .set(ENTITLEMENTS_REFRESHED_AT, Attr.instant(change.entitlementsReadAt()));
        }
        u.add(VERSION, Attr.n(1));
        u.condition(versionCondition(u, change.expectedVersion(), true));
        commit.tx.add(Action.CUSTOMER, u.transactItem(customers, key(change.key(), CustomerKeys.CUSTOMER_SK)));
    }

    /**
     * Stores the agreement terms on an existing customer, unless terms read later are already there (a conditional
     * write on {@code agreementTermsReadAt}: a slow reader never overwrites newer terms). The version is left alone:
     * terms are not part of the subscription state the version guards.
     *
     * @return whether they were stored (false: the customer does not exist, or newer terms are stored)
     */
    public boolean storeAgreementTerms(String customerKey, AgreementTerms terms) {
        Update u = new Update().set(AGREEMENT_TERMS, terms.toAttribute())
                .set(AGREEMENT_TERMS_READ_AT, Attr.n(terms.readAt().toEpochMilli()));
        u.condition("attribute_exists(" + u.name(SuiteTables.PK) + ") AND (attribute_not_exists("
                + u.name(AGREEMENT_TERMS_READ_AT) + ") OR " + u.name(AGREEMENT_TERMS_READ_AT) + " <= "
                + u.value(Attr.n(terms.readAt().toEpochMilli())) + ")");
        try {
            dynamo.updateItem(u.request(customers, key(customerKey, CustomerKeys.CUSTOMER_SK)).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Adds the agreement pointer write; with {@code customerKey} null it only records the agreement. */
    public void pointer(Commit commit, PointerChange change) {
        Update u = new Update()
                .setIfAbsent(AGREEMENT_ID, Attr.s(change.agreementId()))
                .setIfAbsent(CUSTOMER_KEY, string(change.customerKey()))
                .setIfAbsent(PRODUCT_CODE, string(change.productCode()))
                .setIfAbsent(LICENSE_ARN, string(change.licenseArn()))
                .setIfAbsent(ACCEPTOR, string(change.acceptorAccountId()))
                .setIfAbsent(OFFER_ID, string(change.offerId()))
                .add(VERSION, Attr.n(1));
        u.condition(versionCondition(u, change.expectedVersion(), false));
        commit.tx.add(Action.POINTER, u.transactItem(customers,
                key(CustomerKeys.forAgreement(change.agreementId()), CustomerKeys.AGREEMENT_SK)));
    }

    /**
     * The optimistic-lock condition: a new item when {@code expected} is null, else the version read ({@code 0}, for
     * a customer item, is one written before versions: it exists without one).
     */
    private static String versionCondition(Update u, Long expected, boolean unversionedExists) {
        if (expected == null) {
            return "attribute_not_exists(" + u.name(SuiteTables.PK) + ")";
        }
        if (unversionedExists && expected == 0) {
            return "attribute_exists(" + u.name(SuiteTables.PK) + ") AND attribute_not_exists(" + u.name(VERSION)
                    + ")";
        }
        return u.name(VERSION) + " = " + u.value(Attr.n(expected));
    }

    /** Parks an agreement event under its agreement until the license is known. */
    public void parkFact(Commit commit, ParkedFact fact, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(SuiteTables.PK, Attr.s(CustomerKeys.forAgreement(fact.agreementId())));
        item.put(SuiteTables.SK, Attr.s(factSk(fact)));
        item.put(SOURCE_ID, Attr.s(fact.sourceId()));
        item.put(KIND, Attr.s(fact.kind().name()));
        item.put(OCCURRED_AT, Attr.instant(fact.occurredAt()));
        putIfPresent(item, DETAIL_TYPE, fact.detailType());
        putIfPresent(item, AGREEMENT_STATUS, fact.status());
        putIfPresent(item, ACCEPTOR, fact.acceptorAccountId());
        putIfPresent(item, OFFER_ID, fact.offerId());
        item.put(SuiteTables.TTL, Attr.n(expiresAt.getEpochSecond()));
        commit.tx.add(Action.PARK_FACT, TransactWriteItem.builder().put(Put.builder().tableName(customers).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build());
    }

    /** Removes a parked fact that is being applied. */
    public void removeFact(Commit commit, ParkedFact fact) {
        commit.tx.add(Action.REMOVE_FACT, TransactWriteItem.builder().delete(Delete.builder().tableName(customers)
                .key(key(CustomerKeys.forAgreement(fact.agreementId()), factSk(fact)))
                .conditionExpression("attribute_exists(pk)").build()).build());
    }

    /** Adds the inbox entry: the message id, what it did, and its effects while they are not confirmed sent. */
    public void inboxEntry(Commit commit, InboxEntry entry, Instant expiresAt) {
        Map<String, AttributeValue> item = inboxItem(entry, expiresAt,
                entry.status() == InboxEntry.Status.DONE ? entry.receivedAt() : null);
        commit.tx.add(Action.INBOX_ENTRY, TransactWriteItem.builder().put(Put.builder().tableName(inbox).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build());
    }

    /** The inbox item of an entry: done at {@code doneAt}, or (null) pending, in the pending-effects index. */
    private static Map<String, AttributeValue> inboxItem(InboxEntry entry, Instant expiresAt, Instant doneAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(SuiteTables.PK, Attr.s(MESSAGE_PREFIX + entry.dedupeKey()));
        item.put(SuiteTables.SK, Attr.s(MESSAGE_SK));
        item.put(STATUS, Attr.s((doneAt == null ? InboxEntry.Status.APPLIED : InboxEntry.Status.DONE).name()));
        putIfPresent(item, KIND, entry.kind());
        putIfPresent(item, CUSTOMER_KEY, entry.customerKey());
        putIfPresent(item, RESULT, entry.result());
        putIfPresent(item, EFFECTS, entry.effectsJson());
        item.put(RECEIVED_AT, Attr.instant(entry.receivedAt()));
        if (entry.customerKey() != null) {
            item.put(SuiteTables.GSI2_PK, Attr.s(HISTORY_PREFIX + entry.customerKey()));
            item.put(SuiteTables.GSI2_SK, Attr.s(HISTORY_TIME.format(entry.receivedAt()) + "#" + entry.dedupeKey()));
        }
        if (doneAt == null) {
            item.put(SuiteTables.GSI1_PK, Attr.s(PENDING_EFFECTS));
            item.put(SuiteTables.GSI1_SK, Attr.instant(entry.receivedAt()));
        } else {
            item.put(DONE_AT, Attr.instant(doneAt));
        }
        item.put(SuiteTables.TTL, Attr.n(expiresAt.getEpochSecond()));
        return item;
    }

    /**
     * Writes the commit, in one {@code TransactWriteItems} with other customers' commits ready at the same time
     * ({@link CommitCombiner}); a failed condition is reported, never thrown.
     */
    public CommitOutcome commit(Commit commit) {
        return combiner.commit(commit.tx);
    }

    /** The {@code TransactWriteItems} requests that wrote commits so far (commits ready together share one). */
    public long commitRequests() {
        return combiner.requests();
    }

    /** The effects of an entry were sent: drop them from the pending index. */
    public void markDone(String dedupeKey, Instant at) {
        Update u = new Update().set(STATUS, Attr.s(InboxEntry.Status.DONE.name())).set(DONE_AT, Attr.instant(at))
                .remove(SuiteTables.GSI1_PK, SuiteTables.GSI1_SK);
        u.condition("attribute_exists(" + u.name(SuiteTables.PK) + ")");
        dynamo.updateItem(u.request(inbox, key(MESSAGE_PREFIX + dedupeKey, MESSAGE_SK)).build());
    }

    /** An entry committed {@code APPLIED} whose effects went out: what {@link #markDone(List, Instant)} writes. */
    public record EffectsSent(InboxEntry entry, Instant expiresAt) {
    }

    /**
     * Marks entries done whose effects were sent, a batch's worth at once: each written again whole, as {@code DONE}
     * and out of the pending-effects index, 25 to a {@code BatchWriteItem} (a put costs what an UpdateItem of the item
     * would; nothing writes an entry after its commit but this). Items DynamoDB leaves unprocessed are written again
     * with backoff ({@link BatchWrites}); if some stay unwritten this throws, and their effects are sent again, with
     * the same ids, by the redelivery or by reconciliation.
     */
    public void markDone(List<EffectsSent> sent, Instant at) {
        if (!batchWrites) {
            sent.forEach(s -> markDone(s.entry().dedupeKey(), at));
            return;
        }
        try {
            markDoneTogether(sent, at);
        } catch (DynamoDbException e) {
            if (!BatchWrites.accessDenied(e)) {
                throw e;
            }
            // a role from before this version: one UpdateItem per entry works, and keeps working
            batchWrites = false;
            Log.warnf("The service's role may not BatchWriteItem on %s (%s); inbox entries are marked done one by one"
                    + " from now on: grant dynamodb:BatchWriteItem on the inbox table", inbox, e.getMessage());
            sent.forEach(s -> markDone(s.entry().dedupeKey(), at));
        }
    }

    private void markDoneTogether(List<EffectsSent> sent, Instant at) {
        Map<String, WriteRequest> puts = new LinkedHashMap<>();
        for (EffectsSent s : sent) {
            puts.put(s.entry().dedupeKey(), WriteRequest.builder().putRequest(p -> p.item(inboxItem(s.entry(),
                    s.expiresAt(), at))).build());
        }
        List<WriteRequest> unwritten = BatchWrites.write(dynamo, inbox, new ArrayList<>(puts.values()));
        if (!unwritten.isEmpty()) {
            throw new IllegalStateException("DynamoDB left " + unwritten.size() + " inbox entries unwritten "
                    + BatchWrites.ROUNDS + " times in a row (throttled)");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static InboxEntry inboxEntry(Map<String, AttributeValue> item) {
        String pk = Attr.string(item, SuiteTables.PK);
        return new InboxEntry(pk.substring(MESSAGE_PREFIX.length()),
                InboxEntry.Status.valueOf(Attr.string(item, STATUS)), Attr.string(item, KIND),
                Attr.string(item, CUSTOMER_KEY), Attr.string(item, RESULT), Attr.string(item, EFFECTS),
                Attr.instant(item, RECEIVED_AT));
    }

    private static String factSk(ParkedFact fact) {
        return FACT_PREFIX + fact.occurredAt() + "#" + fact.sourceId();
    }

    private static AttributeValue string(String value) {
        return value == null ? null : Attr.s(value);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, Attr.s(value));
        }
    }
}
