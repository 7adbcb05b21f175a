package io.mpsaas.common.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * What a failed readiness check tells whoever reads {@code /q/health/ready}: a short, bounded reason (the AWS error
 * code, or the kind of network failure), never the error's message, which names the account and the role.
 */
class DependencyChecksTest {

    private static final String ROLE = "arn:aws:sts::123456789012:assumed-role/mpsaas-MeteringRole-ABC/session";

    @Test
    void reason_ofAnAccessDenied_isItsCodeAndStatus_withoutTheAccountOrRole() {
        // GIVEN AWS's refusal, whose message names the caller
        DynamoDbException denied = (DynamoDbException) DynamoDbException.builder()
                .message("User: " + ROLE + " is not authorized to perform: dynamodb:GetItem on resource:"
                        + " arn:aws:dynamodb:us-east-1:123456789012:table/marketplace-customers")
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User: " + ROLE + " is not authorized").build())
                .build();

        // WHEN
        String reason = DependencyChecks.reason(denied);

        // THEN
        assertThat(reason).isEqualTo("AccessDeniedException (HTTP 400)").doesNotContain("123456789012")
                .doesNotContain("Role");
    }

    @Test
    void reason_ofANetworkFailure_isItsKind() {
        SdkClientException noAnswer = SdkClientException.create("Unable to execute HTTP request: Connect to"
                + " dynamodb.us-east-1.amazonaws.com failed", new ConnectException("Connection refused"));

        assertThat(DependencyChecks.reason(noAnswer)).isEqualTo("no answer (ConnectException)");
        assertThat(DependencyChecks.reason(new UncheckedIOException("https://x unreachable: " + ROLE,
                new java.io.IOException("boom " + ROLE)))).isEqualTo("no answer (IOException)");
    }

    @Test
    void reason_isBounded_andPrintable_whateverTheErrorCode() {
        DynamoDbException odd = (DynamoDbException) DynamoDbException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("X".repeat(300) + "\n<script>").build()).build();

        String reason = DependencyChecks.reason(odd);

        assertThat(reason).hasSizeLessThanOrEqualTo(DependencyChecks.MAX_REASON).matches("[A-Za-z0-9 ()._:-]*");
    }
}
