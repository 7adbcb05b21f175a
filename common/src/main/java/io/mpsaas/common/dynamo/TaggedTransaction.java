package io.mpsaas.common.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The actions of one {@code TransactWriteItems} request, each with the caller's tag saying what it is for, so that a
 * cancellation's reasons are read by action: DynamoDB answers one reason per action, at the action's index, and only
 * the list built here says what sits at that index. At most {@link #MAX_ACTIONS} actions (DynamoDB's limit).
 *
 * @param <T> what the caller needs to know about an action (a record, an aggregate, ...)
 */
public final class TaggedTransaction<T> {

    /** DynamoDB's limit of actions in one {@code TransactWriteItems}. */
    public static final int MAX_ACTIONS = 100;

    /** A cancellation reason code that means a condition expression was false. */
    public static final String CONDITION_FAILED = "ConditionalCheckFailed";

    /** A cancellation reason code that means another transaction or write was working on the item. */
    public static final String CONFLICT = "TransactionConflict";

    /**
     * One action the cancellation names (reason code other than {@code None}).
     *
     * @param tag  the caller's tag of the action
     * @param code DynamoDB's reason code ({@link #CONDITION_FAILED}, {@link #CONFLICT}, {@code ThrottlingError},
     *             {@code ValidationError}, ...)
     * @param item the item as it was, when the action asked for it ({@code ReturnValuesOnConditionCheckFailure
     *             ALL_OLD}) and its condition failed; empty otherwise or when the item does not exist
     */
    public record Refusal<T>(T tag, String code, Map<String, AttributeValue> item, String message) {

        public boolean conditionFailed() {
            return CONDITION_FAILED.equals(code);
        }

        /** A reason that clears by itself (another transaction on the item, throttling): try again after a pause. */
        public boolean retryable() {
            return CONFLICT.equals(code) || "ThrottlingError".equals(code)
                    || "ProvisionedThroughputExceeded".equals(code) || "RequestLimitExceeded".equals(code);
        }
    }

    private final List<TransactWriteItem> items = new ArrayList<>();
    private final List<T> tags = new ArrayList<>();

    /** Adds an action; throws once the transaction would exceed {@link #MAX_ACTIONS}. */
    public TaggedTransaction<T> add(T tag, TransactWriteItem item) {
        if (items.size() >= MAX_ACTIONS) {
            throw new IllegalStateException("a transaction holds at most " + MAX_ACTIONS + " actions");
        }
        items.add(item);
        tags.add(tag);
        return this;
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** The actions, in the order they were added (the request's order). */
    public List<TransactWriteItem> items() {
        return List.copyOf(items);
    }

    /** The tags, in the order of the actions. */
    public List<T> tags() {
        return List.copyOf(tags);
    }

    /**
     * The actions this cancellation names, each with the tag of the action at the reason's index, in request order.
     * Throws {@code cancelled} itself when its reasons do not come one per action (nothing can then be said about any
     * single action).
     */
    public List<Refusal<T>> refusals(TransactionCanceledException cancelled) {
        List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons()
                : List.of();
        if (reasons.size() != items.size()) {
            throw cancelled;
        }
        List<Refusal<T>> refusals = new ArrayList<>();
        for (int i = 0; i < reasons.size(); i++) {
            CancellationReason reason = reasons.get(i);
            if (reason.code() != null && !"None".equals(reason.code())) {
                refusals.add(new Refusal<>(tags.get(i), reason.code(),
                        reason.hasItem() ? reason.item() : Map.of(), reason.message()));
            }
        }
        return refusals;
    }

    /**
     * Why DynamoDB refused the cancelled transaction as invalid ({@code ValidationError}: an item or key over its
     * limits), whatever its actions were; empty when no action was refused so. Such a refusal never clears by itself.
     */
    public static java.util.Optional<String> validationError(TransactionCanceledException cancelled) {
        if (!cancelled.hasCancellationReasons()) {
            return java.util.Optional.empty();
        }
        return cancelled.cancellationReasons().stream().filter(r -> "ValidationError".equals(r.code()))
                .map(r -> r.message() == null ? "ValidationError" : r.message()).findFirst();
    }
}
