package io.mpsaas.entitlement.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import io.mpsaas.entitlement.service.EntitlementMetrics.ParkReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParkReasonsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            SNS signature does not match the message                                 | SIGNATURE
            SNS signing certificate does not chain to a trusted root: CN=x          | SIGNATURE
            SigningCertURL is not an SNS certificate URL of us-east-1: http://x     | SIGNATURE
            SNS topic not allowed: arn:aws:sns:us-east-1:999999999999:aws-mp-x      | UNTRUSTED_SOURCE
            EventBridge event from unknown source: aws.other                        | UNTRUSTED_SOURCE
            raw-delivered SNS message refused: turn raw message delivery off        | UNTRUSTED_SOURCE
            unknown Marketplace action: subscribe-maybe                             | UNKNOWN_KIND
            unknown EventBridge detail-type: Agreement Teleported - Proposer        | UNKNOWN_KIND
            neither an SNS envelope, an EventBridge event nor a Marketplace message | UNKNOWN_KIND
            malformed JSON (line 1, column 27)                                      | MALFORMED
            Marketplace message without product-code                                | MALFORMED
            """)
    void everyReaderReason_fallsInOneBoundedClass(String reason, ParkReason expected) {
        assertThat(ParkReasons.of(reason)).isEqualTo(expected);
    }

    @Test
    void notificationKinds_areTheKebabCaseOfTheirRecords() {
        assertThat(EntitlementMetrics.KINDS).contains("subscribe-success", "license-deprovisioned");
        for (Class<?> kind : Notification.class.getPermittedSubclasses()) {
            assertThat(EntitlementMetrics.KINDS).as("%s is pre-registered", kind)
                    .contains(EntitlementMetrics.kind(kind.getSimpleName()));
        }
    }
}
