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
            SNS Timestamp 2026-01-01T00:00:00Z is PT72H older than its arrival in the queue, more than suite.entitlement.sns.max-age PT1H: refused as a possible replay | UNTRUSTED_SOURCE
            SNS Timestamp 2027-01-01T00:00:00Z is in the future: PT1H after its arrival in the queue | UNTRUSTED_SOURCE
            EventBridge time 2030-01-01T00:00:00Z is in the future: PT8H after its arrival in the queue | UNTRUSTED_SOURCE
            EventBridge event of account 999999999999, not an expected one (suite.entitlement.eventbridge.accounts) | UNTRUSTED_SOURCE
            EventBridge event of region eu-west-1, not an expected one (suite.entitlement.eventbridge.regions) | UNTRUSTED_SOURCE
            SNS SignatureVersion 1 is below the minimum 2 (suite.entitlement.sns.min-signature-version) | SIGNATURE
            TopicArn region is not an AWS region name, no SNS certificate host is built from it: evil.example/x | SIGNATURE
            unknown Marketplace action: subscribe-maybe                             | UNKNOWN_KIND
            unknown EventBridge detail-type: Agreement Teleported - Proposer        | UNKNOWN_KIND
            neither an SNS envelope, an EventBridge event nor a Marketplace message | UNKNOWN_KIND
            malformed JSON (line 1, column 27)                                      | MALFORMED
            Marketplace message without product-code                                | MALFORMED
            """)
    void everyReaderReason_fallsInOneBoundedClass(String reason, ParkReason expected) {
        assertThat(ParkReasons.of(reason)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            SNS signature does not match the message                                 | SNS signature does not match the message
            SNS topic not allowed: arn:aws:sns:us-east-1:999999999999:aws-mp-x      | SNS topic not allowed
            unknown Marketplace action: subscribe-maybe                             | unknown Marketplace action
            SNS message of Type Evil-1234: forged is not a notification             | SNS message of Type
            SNS envelope without Signature                                          | SNS envelope without
            SNS envelope without Message                                            | SNS envelope without Message
            malformed JSON (line 1, column 27)                                      | malformed JSON
            malformed JSON: past the parser's limits (depth 1001)                   | malformed JSON
            malformed customer-identifier: longer than 255 characters               | malformed customer-identifier
            product-code p-x does not match the topic's p-y                         | product-code
            unreadable message: Unexpected character                                | unreadable message
            refused by storage: key too large                                       | refused by storage
            SNS Timestamp 2026-01-01T00:00:00Z is PT72H older than its arrival in the queue, more than suite.entitlement.sns.max-age PT1H: refused as a possible replay | SNS Timestamp
            EventBridge time 2030-01-01T00:00:00Z is in the future: PT8H after its arrival in the queue | EventBridge time
            EventBridge event of account 999999999999, not an expected one (suite.entitlement.eventbridge.accounts) | EventBridge event of account
            EventBridge event of region eu-west-1, not an expected one (suite.entitlement.eventbridge.regions) | EventBridge event of region
            SNS SignatureVersion 1 is below the minimum 2 (suite.entitlement.sns.min-signature-version) | SNS SignatureVersion
            TopicArn region is not an AWS region name, no SNS certificate host is built from it: evil.example/x | TopicArn region is not an AWS region name
            Type chosen by an attacker: 0001                                        | other
            """)
    void parkedByReason_isKeyedByAFixedReasonCode_anythingElseIsOther(String reason, String code) {
        assertThat(ParkReasons.code(reason)).isEqualTo(code);
        if (!code.equals(ParkReasons.OTHER)) {
            assertThat(ParkReasons.CODES).contains(code);
        }
    }

    @Test
    void parkedByReason_staysBounded_whateverTheForgedReasons() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(ParkReasons.code("Type-" + i + ": x"));
            keys.add(ParkReasons.code("SNS message of Type T" + i + " is not a notification"));
            keys.add(ParkReasons.code("SNS topic not allowed: arn:aws:sns:us-east-1:1:" + i));
        }
        assertThat(keys).containsExactlyInAnyOrder("other", "SNS message of Type", "SNS topic not allowed");
        assertThat(ParkReasons.CODES.size() + 1).as("the most keys the counts can ever have").isLessThan(60);
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
