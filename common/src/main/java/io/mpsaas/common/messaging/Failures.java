package io.mpsaas.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mpsaas.common.Causes;
import io.mpsaas.common.dynamo.TaggedTransaction;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The one classification of a consumer's failures: permanent (the same message can never succeed, however often it is
 * tried: parked at once with its reason) or temporary (a dependency down, throttled, a race: retried with backoff).
 * {@link SqsConsumer} applies it to whatever a handler throws, and a batch handler applies it to the failures it
 * turns into outcomes itself ({@link #outcome}), so every consumer parks the same poison the same way.
 *
 * <p>Permanent: input Jackson can never read (malformed JSON, nesting or sizes past its stream limits), and a request
 * DynamoDB refuses as invalid ({@code ValidationException}, e.g. a key over 2048 bytes or an item over 400 KB, or a
 * transaction cancelled for a {@code ValidationError}), which no retry changes. Everything else is temporary.
 */
public final class Failures {

    /** Prefix of the park reason of a message no parser can read (its reason category, up to the colon). */
    public static final String UNREADABLE = "unreadable message";
    /** Prefix of the park reason of a message whose data DynamoDB refuses for good. */
    public static final String REFUSED_BY_STORAGE = "refused by storage";

    private Failures() {
    }

    /**
     * The park reason when {@code failure} (or one of its causes) can never succeed on a retry; empty when it may
     * (then the message is retried).
     */
    public static Optional<String> permanent(Throwable failure) {
        for (Throwable t : Causes.chain(failure)) {
            if (t instanceof JsonProcessingException e) {
                // nesting or sizes past the parser's limits (StreamConstraintsException) included
                return Optional.of(UNREADABLE + ": " + e.getOriginalMessage());
            }
            if (t instanceof TransactionCanceledException e && TaggedTransaction.validationError(e).isPresent()) {
                return Optional.of(REFUSED_BY_STORAGE + ": " + TaggedTransaction.validationError(e).get());
            }
            if (t instanceof DynamoDbException e && e.awsErrorDetails() != null
                    && "ValidationException".equals(e.awsErrorDetails().errorCode())) {
                return Optional.of(REFUSED_BY_STORAGE + ": " + e.awsErrorDetails().errorMessage());
            }
        }
        return Optional.empty();
    }

    /** The outcome of a message whose handling failed with {@code failure}: parked when permanent, else retried. */
    public static SqsConsumer.Outcome outcome(Throwable failure, java.time.Duration retryDelay) {
        return permanent(failure).<SqsConsumer.Outcome>map(SqsConsumer.Outcome.Park::new)
                .orElseGet(() -> new SqsConsumer.Outcome.Retry(retryDelay, String.valueOf(failure)));
    }
}
