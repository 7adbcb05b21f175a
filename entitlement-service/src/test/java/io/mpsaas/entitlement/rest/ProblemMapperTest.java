package io.mpsaas.entitlement.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.rest.Unavailable;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper();

    @Test
    void aStorageFailure_isA503WithRetryAfter_sayingNothingOfTheError() {
        SdkClientException unreachable = SdkClientException.create("Unable to execute HTTP request: Connect to"
                + " dynamodb.internal:8000 failed", new ConnectException("Connection refused"));

        for (Exception failure : new Exception[] {unreachable,
                ProvisionedThroughputExceededException.builder().message("throughput exceeded").build(),
                new IllegalStateException("wrapped", unreachable)}) {
            Response answer = mapper.toResponse(failure);

            assertThat(answer.getStatus()).as(failure.toString()).isEqualTo(503);
            assertThat(answer.getHeaderString("Retry-After")).isEqualTo(String.valueOf(Unavailable.RETRY_AFTER_SECONDS));
            assertThat(answer.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
            Problem problem = (Problem) answer.getEntity();
            assertThat(problem.status()).isEqualTo(503);
            assertThat(problem.detail()).doesNotContain("dynamodb.internal", "Connect");
        }
    }

    @Test
    void anyOtherFailure_isStillA500() {
        Response answer = mapper.toResponse(new UncheckedIOException(new java.io.IOException("disk")));

        assertThat(answer.getStatus()).isEqualTo(500);
        assertThat(answer.getHeaderString("Retry-After")).isNull();
        assertThat(((Problem) answer.getEntity()).detail()).doesNotContain("disk");
    }
}
