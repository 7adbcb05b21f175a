package io.mpsaas.common.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.BatchWrites;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.Update;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.webhook.WebhookDelivery.Status;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The webhook outbox: one item per event and matching endpoint in the customers table, written by the service that
 * sends the event in the same step as its SQS message (before its own outbox marker is cleared) or in the very
 * transaction that decides the event ({@link #leased}), held under a lease by one sender, and finished as delivered or
 * parked. Every write but a 2xx's is conditional (or, in the transaction, guarded by its own conditions): a re-sent
 * event never creates a second delivery, two replicas never hold one delivery at once, a failed attempt is recorded
 * only by the lease's holder. A 2xx is final and true whoever holds the lease: it is put unconditionally, many at once
 * ({@link #delivered(List)}).
 *
 * <p>Where a dispatcher runs (entitlement-service), each delivery is written already leased to the writing replica,
 * which hands it to its dispatcher at once ({@link WebhookDispatcher#sendNow}): put (in the commit of the events,
 * {@link #leased}; by {@link #recordClaimed} when their effects are sent again), POST, outcome, two writes.
 * Elsewhere (onboarding-service) {@link #record} writes it unleased and due now; a dispatcher's poll
 * ({@link #due}) finds it and {@link #claim}s it first: three writes.
 *
 * <p>Items: {@code pk = webhook#<endpoint>#<eventId>}, {@code sk = DELIVERY}; while pending, {@code gsi1pk =
 * webhook#due}, {@code gsi1sk = <epoch ms when due, 13 digits>#<endpoint>#<eventId>} (a claim, or a put already
 * claimed, sets it at the lease's end, so a crashed sender's delivery is due again when its lease runs out); parked,
 * {@code gsi1pk = webhook#parked}, {@code gsi1sk = <parkedAt ms>#...}; delivered, off the index, deleted by TTL after
 * {@code suite.webhooks.retention}.
 */
@ApplicationScoped
public class WebhookDeliveries {

    static final String DUE = "webhook#due";
    static final String PARKED = "webhook#parked";
    static final String SK = "DELIVERY";

    private final DynamoDbClient dynamo;
    private final String table;
    private final WebhooksConfig config;
    private final ObjectMapper mapper;
    /** False once the role turned out not to allow {@code BatchWriteItem} (the delivered outcomes). */
    private volatile boolean batchWrites = true;

    public WebhookDeliveries(DynamoDbClient dynamo, TablesConfig tables, WebhooksConfig config, ObjectMapper mapper) {
        this.dynamo = dynamo;
        this.table = tables.customers();
        this.config = config;
        this.mapper = mapper;
    }

    /** Whether any endpoint is configured (nothing is written or sent otherwise). */
    public boolean enabled() {
        return !config.active().isEmpty();
    }

    /**
     * Writes a delivery of each event to each endpoint its product matches, unless it exists (a re-send of the event:
     * same eventId, nothing new), unleased and due now: for a service that runs no dispatcher, whose deliveries a
     * dispatcher's poll claims. Answers the deliveries written. Throws when DynamoDB refused a write: the caller keeps
     * its own outbox marker, so the event (and this) is done again.
     */
    public List<WebhookDelivery> record(List<CustomerEvent> events, Instant now) {
        return record(events, now, false);
    }

    /**
     * As {@link #record}, but each delivery is written already claimed, as {@link #claim} would (a fresh claim id, due
     * again at the lease's end), for the writing replica's own dispatcher ({@link WebhookDispatcher#sendNow}): no
     * claim write, no wait for a poll. Should this replica die before recording an outcome, the delivery is due again
     * when its lease runs out and any replica's poll sends it; so is a delivery written before a later put of the same
     * call failed (this throws, and the caller hands nothing over). Answers the deliveries written, with their claim.
     */
    public List<WebhookDelivery> recordClaimed(List<CustomerEvent> events, Instant now) {
        return record(events, now, true);
    }

    private List<WebhookDelivery> record(List<CustomerEvent> events, Instant now, boolean leased) {
        List<WebhookDelivery> written = new ArrayList<>();
        for (Map<String, AttributeValue> item : items(events, now, leased)) {
            put(item).ifPresent(written::add);
        }
        return written;
    }

    /**
     * A delivery for the caller to write in its own transaction ({@link #leased}): the item for a {@code Put} into
     * {@code table}, and the delivery it stores.
     */
    public record Leased(String table, Map<String, AttributeValue> item, WebhookDelivery delivery) {
    }

    /**
     * The deliveries of the events, each already leased as {@link #recordClaimed} writes them, for the caller to put
     * in the transaction that decides the events (entitlement-service's commit): written if and only if the events
     * are, with no request of their own. The put needs no condition there: the transaction's own conditions (the inbox
     * entry of the message that caused the events, whose ids derive from it) already let it happen once. Once that
     * transaction is written, hand the deliveries to {@link WebhookDispatcher#sendNow}; if this replica dies first,
     * they are due again at their lease's end.
     */
    public List<Leased> leased(List<CustomerEvent> events, Instant now) {
        return items(events, now, true).stream().map(item -> new Leased(table, item, read(item))).toList();
    }

    /** The delivery items of each event to each endpoint its product matches. */
    private List<Map<String, AttributeValue>> items(List<CustomerEvent> events, Instant now, boolean leased) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (CustomerEvent event : events) {
            String body = null;
            for (Map.Entry<String, WebhooksConfig.Endpoint> endpoint : config.active().entrySet()) {
                if (matches(endpoint.getValue(), event.customer().productCode())) {
                    // the same body to every endpoint: written once per event
                    body = body == null ? body(event) : body;
                    items.add(pendingItem(endpoint.getKey(), event, body, now, leased));
                }
            }
        }
        return items;
    }

    static boolean matches(WebhooksConfig.Endpoint endpoint, String productCode) {
        return endpoint.products().contains("*") || (productCode != null && endpoint.products().contains(productCode));
    }

    private Map<String, AttributeValue> pendingItem(String endpoint, CustomerEvent event, String body, Instant now,
            boolean leased) {
        Map<String, AttributeValue> item = item(endpoint, event.eventId(), event.type(),
                event.customer().customerKey(), event.customer().productCode(), body, Status.PENDING, 0, now, now);
        item.put("nextAttemptAt", Attr.n(now.toEpochMilli()));
        item.put(SuiteTables.GSI1_PK, Attr.s(DUE));
        if (leased) {
            Lease lease = lease(now, endpoint, event.eventId());
            item.put("leaseOwner", Attr.s(lease.claim()));
            item.put("leaseUntil", Attr.n(lease.until().toEpochMilli()));
            item.put(SuiteTables.GSI1_SK, Attr.s(lease.indexKey()));
        } else {
            item.put(SuiteTables.GSI1_SK, Attr.s(indexKey(now, endpoint, event.eventId())));
        }
        return item;
    }

    /** Puts a delivery unless it exists (a re-sent event): the delivery written, or empty. */
    private Optional<WebhookDelivery> put(Map<String, AttributeValue> item) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return Optional.of(read(item));
        } catch (ConditionalCheckFailedException duplicate) {
            return Optional.empty();
        }
    }

    /** The attributes every stored delivery has, whatever its status. */
    private static Map<String, AttributeValue> item(String endpoint, String eventId, String type, String customerKey,
            String productCode, String body, Status status, int attempts, Instant createdAt, Instant retryFrom) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(SuiteTables.key(pk(endpoint, eventId), SK));
        item.put("endpoint", Attr.s(endpoint));
        item.put("eventId", Attr.s(eventId));
        item.put("eventType", Attr.s(type));
        item.put("customerKey", Attr.s(customerKey));
        if (productCode != null) {
            item.put("productCode", Attr.s(productCode));
        }
        item.put("body", Attr.s(body));
        item.put("status", Attr.s(status.name()));
        item.put("attempts", Attr.n(attempts));
        item.put("createdAt", Attr.n(createdAt.toEpochMilli()));
        item.put("retryFrom", Attr.n(retryFrom.toEpochMilli()));
        return item;
    }

    /** A claim of one delivery: its id, its end, and the index key that makes the delivery due again then. */
    private record Lease(String claim, Instant until, String indexKey) {
    }

    private Lease lease(Instant now, String endpoint, String eventId) {
        Instant until = now.plus(config.lease());
        return new Lease(UUID.randomUUID().toString(), until, indexKey(until, endpoint, eventId));
    }

    /** The JSON POSTed: {@code id} (the eventId), {@code type}, {@code occurredAt}, {@code data} (the event). */
    String body(CustomerEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", event.eventId());
        body.put("type", event.type());
        body.put("occurredAt", event.occurredAt());
        body.put("data", event);
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook body of event " + event.eventId() + " cannot be written", e);
        }
    }

    /** Up to {@code limit} deliveries due at {@code now}, as read: none of them claimed yet. */
    public List<WebhookDelivery> due(int limit, Instant now) {
        QueryRequest query = QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI1)
                .keyConditionExpression("gsi1pk = :due AND gsi1sk < :bound")
                .expressionAttributeValues(Map.of(":due", Attr.s(DUE),
                        ":bound", Attr.s(String.format("%013d", now.toEpochMilli() + 1))))
                .limit(limit).build();
        return Paging.query(dynamo, query).limit(limit).map(WebhookDeliveries::read).toList();
    }

    /**
     * Claims one delivery read by {@link #due}: conditionally (its index key unchanged since read), so of two replicas
     * reading the same delivery one claims it; a claimed delivery is due again at the lease's end. Empty when another
     * sender claimed it first.
     */
    public Optional<WebhookDelivery> claim(WebhookDelivery seen, Instant now) {
        Lease lease = lease(now, seen.endpoint(), seen.eventId());
        Update u = new Update().set("leaseOwner", Attr.s(lease.claim()))
                .set("leaseUntil", Attr.n(lease.until().toEpochMilli()))
                .set(SuiteTables.GSI1_SK, Attr.s(lease.indexKey()));
        u.condition(u.name(SuiteTables.GSI1_SK) + " = " + u.value(Attr.s(seen.indexKey())) + " AND "
                + u.name("status") + " = " + u.value(Attr.s(Status.PENDING.name())));
        try {
            dynamo.updateItem(u.request(table, key(seen)).build());
            return Optional.of(withClaim(seen, lease.indexKey(), lease.claim()));
        } catch (ConditionalCheckFailedException takenElsewhere) {
            Log.debugf("Webhook delivery %s of event %s was claimed by another sender", seen.endpoint(),
                    seen.eventId());
            return Optional.empty();
        }
    }

    /**
     * Gives up a claim without an attempt: the delivery is due now, unleased, for any replica's poll (a dispatcher that
     * cannot take a handed-off delivery: its queue full, or stopping). Conditional on the claim being still ours; false
     * when it was not (the lease ran out and another sender holds it).
     */
    public boolean release(WebhookDelivery d, Instant now) {
        Update u = new Update().set(SuiteTables.GSI1_SK, Attr.s(indexKey(now, d.endpoint(), d.eventId())))
                .remove("leaseOwner", "leaseUntil");
        u.condition(u.name("leaseOwner") + " = " + u.value(Attr.s(d.claim())));
        try {
            dynamo.updateItem(u.request(table, key(d)).build());
            return true;
        } catch (ConditionalCheckFailedException leaseLost) {
            return false;
        }
    }

    /** A 2xx to record: the delivery as its sender holds it, the receiver's status, and when it answered. */
    public record Delivered(WebhookDelivery delivery, int httpStatus, Instant at) {
    }

    /**
     * Records 2xx answers, {@value BatchWrites#MAX_ITEMS} to a {@code BatchWriteItem} ({@link BatchWrites}: what
     * DynamoDB leaves unprocessed is written again with backoff): each delivery's whole final item put, delivered, off
     * the index, without lease, kept for {@code suite.webhooks.retention}. No condition on the lease, unlike every
     * other outcome: a 2xx is final and true whoever holds the lease, so a sender whose lease ran out still records it
     * (a put costs what the UpdateItem did; a transaction, which could carry a condition, twice that). Should another
     * sender have claimed the delivery meanwhile, its own outcome (a failure, conditional on its lease) is then refused
     * as "lease lost"; its 2xx would write the same put again. Answers the outcomes still unwritten (none, normally):
     * their deliveries stay claimed and are due again at their lease's end. Throws when DynamoDB refuses the call.
     *
     * <p>A role without {@code BatchWriteItem} on the customers table (a stack older than this version) gets the
     * former conditional UpdateItem per delivery instead, with a warning once: an outcome refused for a lost lease is
     * then answered as unwritten.
     */
    public List<Delivered> delivered(List<Delivered> outcomes) {
        if (batchWrites) {
            try {
                return deliveredTogether(outcomes);
            } catch (DynamoDbException e) {
                if (!BatchWrites.accessDenied(e)) {
                    throw e;
                }
                batchWrites = false;
                Log.warnf("The service's role may not BatchWriteItem on %s (%s); webhook outcomes are written one by"
                        + " one from now on: grant dynamodb:BatchWriteItem on the customers table", table,
                        e.getMessage());
            }
        }
        return outcomes.stream().filter(o -> !finish(o.delivery(), deliveredUpdate(o))).toList();
    }

    private List<Delivered> deliveredTogether(List<Delivered> outcomes) {
        // one put per delivery: a batch may not name an item twice (two senders' 2xx of one delivery write the same)
        Map<String, WriteRequest> puts = new LinkedHashMap<>();
        for (Delivered o : outcomes) {
            puts.put(pk(o.delivery().endpoint(), o.delivery().eventId()),
                    WriteRequest.builder().putRequest(p -> p.item(deliveredItem(o))).build());
        }
        Set<String> unwritten = BatchWrites.write(dynamo, table, new ArrayList<>(puts.values())).stream()
                .map(w -> Attr.string(w.putRequest().item(), SuiteTables.PK)).collect(Collectors.toSet());
        return outcomes.stream().filter(o -> unwritten.contains(pk(o.delivery().endpoint(), o.delivery().eventId())))
                .toList();
    }

    /** A delivered delivery as stored: every attribute {@link #read} knows but the index keys, lease and retry's. */
    private Map<String, AttributeValue> deliveredItem(Delivered o) {
        WebhookDelivery d = o.delivery();
        Map<String, AttributeValue> item = item(d.endpoint(), d.eventId(), d.type(), d.customerKey(), d.productCode(),
                d.body(), Status.DELIVERED, d.attempts() + 1, d.createdAt(), d.retryFrom());
        item.put("deliveredAt", Attr.n(o.at().toEpochMilli()));
        item.put("lastStatus", Attr.n(o.httpStatus()));
        item.put(SuiteTables.TTL, Attr.n(o.at().plus(config.retention()).getEpochSecond()));
        return item;
    }

    /** The same outcome as an update of the stored item, conditional on the lease ({@link #finish}). */
    private Update deliveredUpdate(Delivered o) {
        return new Update().set("status", Attr.s(Status.DELIVERED.name()))
                .set("deliveredAt", Attr.n(o.at().toEpochMilli())).set("lastStatus", Attr.n(o.httpStatus()))
                .set(SuiteTables.TTL, Attr.n(o.at().plus(config.retention()).getEpochSecond()))
                .add("attempts", Attr.n(1)).remove(SuiteTables.GSI1_PK, SuiteTables.GSI1_SK, "leaseOwner",
                        "leaseUntil", "nextAttemptAt", "lastError");
    }

    /**
     * Records a failed attempt: due again after {@code delay}, or parked when the retry budget (from the first attempt
     * or the last replay) would be spent by then. Answers whether it was parked.
     */
    public Optional<Boolean> failed(WebhookDelivery d, Integer httpStatus, String error, Duration delay, Instant now) {
        Instant next = now.plus(delay);
        boolean park = !next.isBefore(d.retryFrom().plus(config.retryBudget()));
        Update u = new Update().add("attempts", Attr.n(1)).set("lastError", Attr.s(error))
                .remove("leaseOwner", "leaseUntil");
        if (httpStatus != null) {
            u.set("lastStatus", Attr.n(httpStatus));
        }
        if (park) {
            u.set("status", Attr.s(Status.PARKED.name())).set("parkedAt", Attr.n(now.toEpochMilli()))
                    .set(SuiteTables.GSI1_PK, Attr.s(PARKED))
                    .set(SuiteTables.GSI1_SK, Attr.s(indexKey(now, d.endpoint(), d.eventId())));
        } else {
            u.set("nextAttemptAt", Attr.n(next.toEpochMilli()))
                    .set(SuiteTables.GSI1_SK, Attr.s(indexKey(next, d.endpoint(), d.eventId())));
        }
        return finish(d, u) ? Optional.of(park) : Optional.empty();
    }

    private boolean finish(WebhookDelivery d, Update u) {
        u.condition(u.name("leaseOwner") + " = " + u.value(Attr.s(d.claim())));
        try {
            dynamo.updateItem(u.request(table, key(d)).build());
            return true;
        } catch (ConditionalCheckFailedException leaseLost) {
            Log.warnf("Webhook delivery %s of event %s: lease lost before its outcome was recorded (another sender"
                    + " holds it and sends it again, or has recorded it delivered)", d.endpoint(), d.eventId());
            return false;
        }
    }

    /** Parked deliveries, oldest parked first, at most {@code limit}. */
    public List<WebhookDelivery> parked(int limit) {
        QueryRequest query = QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI1)
                .keyConditionExpression("gsi1pk = :parked")
                .expressionAttributeValues(Map.of(":parked", Attr.s(PARKED))).limit(Math.min(limit, 100)).build();
        return Paging.query(dynamo, query).limit(limit).map(WebhookDeliveries::read).toList();
    }

    /** One delivery, as stored. */
    public Optional<WebhookDelivery> find(String endpoint, String eventId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(SuiteTables.key(pk(endpoint, eventId), SK)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    /**
     * Puts a parked delivery back in line, due now, with a fresh retry budget. False when it is not parked (unknown,
     * pending or delivered: a second replay of the same delivery changes nothing).
     */
    public boolean replay(String endpoint, String eventId, Instant now) {
        Update u = new Update().set("status", Attr.s(Status.PENDING.name())).set("attempts", Attr.n(0))
                .set("retryFrom", Attr.n(now.toEpochMilli())).set("nextAttemptAt", Attr.n(now.toEpochMilli()))
                .set(SuiteTables.GSI1_PK, Attr.s(DUE))
                .set(SuiteTables.GSI1_SK, Attr.s(indexKey(now, endpoint, eventId))).remove("parkedAt");
        u.condition(u.name("status") + " = " + u.value(Attr.s(Status.PARKED.name())));
        try {
            dynamo.updateItem(u.request(table, SuiteTables.key(pk(endpoint, eventId), SK)).build());
            return true;
        } catch (ConditionalCheckFailedException notParked) {
            return false;
        }
    }

    static String pk(String endpoint, String eventId) {
        return "webhook#" + endpoint + "#" + eventId;
    }

    private static Map<String, AttributeValue> key(WebhookDelivery d) {
        return SuiteTables.key(pk(d.endpoint(), d.eventId()), SK);
    }

    static String indexKey(Instant at, String endpoint, String eventId) {
        // zero-padded by hand: String.format showed in the notification path's profile (one key per delivery)
        String ms = Long.toString(at.toEpochMilli());
        return "0".repeat(Math.max(0, 13 - ms.length())) + ms + "#" + endpoint + "#" + eventId;
    }

    private static WebhookDelivery withClaim(WebhookDelivery d, String indexKey, String claim) {
        return new WebhookDelivery(d.endpoint(), d.eventId(), d.type(), d.customerKey(), d.productCode(), d.status(),
                d.attempts(), d.createdAt(), d.retryFrom(), d.nextAttemptAt(), d.lastStatus(), d.lastError(),
                d.parkedAt(), d.deliveredAt(), d.body(), indexKey, claim);
    }

    static WebhookDelivery read(Map<String, AttributeValue> item) {
        Long lastStatus = Attr.number(item, "lastStatus");
        Long attempts = Attr.number(item, "attempts");
        return new WebhookDelivery(Attr.string(item, "endpoint"), Attr.string(item, "eventId"),
                Attr.string(item, "eventType"), Attr.string(item, "customerKey"), Attr.string(item, "productCode"),
                Status.valueOf(Attr.string(item, "status")), attempts == null ? 0 : attempts.intValue(),
                millis(item, "createdAt"), millis(item, "retryFrom"), millis(item, "nextAttemptAt"),
                lastStatus == null ? null : lastStatus.intValue(), Attr.string(item, "lastError"),
                millis(item, "parkedAt"), millis(item, "deliveredAt"), Attr.string(item, "body"),
                Attr.string(item, SuiteTables.GSI1_SK), Attr.string(item, "leaseOwner"));
    }

    private static Instant millis(Map<String, AttributeValue> item, String name) {
        Long ms = Attr.number(item, name);
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }
}
