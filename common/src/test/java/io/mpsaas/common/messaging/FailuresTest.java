package io.mpsaas.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The one rule telling what can never succeed (parked at once) from what may (retried). */
class FailuresTest {

    @Test
    void invalidData_isPermanent_everythingElseIsRetried() {
        // GIVEN what DynamoDB answers for a key over its limit, directly and inside a cancelled transaction
        DynamoDbException validation = (DynamoDbException) DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                        .errorMessage("Size of hashkey has exceeded the maximum size limit of 2048 bytes").build())
                .build();
        TransactionCanceledException invalidInTransaction = TransactionCanceledException.builder()
                .cancellationReasons(CancellationReason.builder().code("None").build(),
                        CancellationReason.builder().code("ValidationError").message("Item size has exceeded the"
                                + " maximum allowed size").build()).build();
        TransactionCanceledException conflict = TransactionCanceledException.builder()
                .cancellationReasons(CancellationReason.builder().code("TransactionConflict").build()).build();
        DynamoDbException throttled = (DynamoDbException) DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();

        // THEN invalid data is permanent, with its reason, even wrapped; conflicts, throttling and outages are not
        assertThat(Failures.permanent(new IllegalStateException("write failed", validation)))
                .hasValue("refused by storage: Size of hashkey has exceeded the maximum size limit of 2048 bytes");
        assertThat(Failures.permanent(invalidInTransaction))
                .hasValue("refused by storage: Item size has exceeded the maximum allowed size");
        assertThat(Failures.permanent(conflict)).isEmpty();
        assertThat(Failures.permanent(throttled)).isEmpty();
        assertThat(Failures.permanent(new java.io.UncheckedIOException(new java.io.IOException("reset")))).isEmpty();
        assertThat(Failures.outcome(throttled, Duration.ofSeconds(4))).isInstanceOf(SqsConsumer.Outcome.Retry.class);
        assertThat(Failures.outcome(validation, Duration.ofSeconds(4))).isInstanceOf(SqsConsumer.Outcome.Park.class);
    }
}
