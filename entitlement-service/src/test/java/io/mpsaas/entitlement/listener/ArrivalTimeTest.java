package io.mpsaas.entitlement.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.messaging.SqsConsumer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The reference of the reader's time checks: when a message reached the queue, which a sender cannot move far. */
class ArrivalTimeTest {

    private static final Instant SENT = Instant.parse("2026-11-22T12:00:00Z");

    private static Message message(String retryingSince) {
        Message.Builder m = Message.builder().messageId("m").body("{}")
                .attributes(Map.of(MessageSystemAttributeName.SENT_TIMESTAMP, Long.toString(SENT.toEpochMilli())));
        if (retryingSince != null) {
            m.messageAttributes(Map.of(SqsConsumer.RETRYING_SINCE_ATTRIBUTE, MessageAttributeValue.builder()
                    .dataType("String").stringValue(retryingSince).build()));
        }
        return m.build();
    }

    @Test
    void aFirstDelivery_arrivedWhenSqsSaysItWasSent() {
        assertThat(NotificationHandler.arrivedAt(message(null))).isEqualTo(SENT);
    }

    @Test
    void aCopyTheConsumerRequeued_keepsTheOriginalsArrival_withinTheRetryWindow() {
        assertThat(NotificationHandler.arrivedAt(message("2026-11-22T07:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-22T07:00:00Z"));
    }

    @Test
    void aForgedRetryingSince_farInThePastOrInTheFuture_isNotBelieved() {
        // GIVEN a sender to the queue who sets the attribute to make a captured envelope look freshly arrived
        assertThat(NotificationHandler.arrivedAt(message("2026-11-01T00:00:00Z"))).isEqualTo(SENT);
        assertThat(NotificationHandler.arrivedAt(message("2026-11-23T00:00:00Z"))).isEqualTo(SENT);
        assertThat(NotificationHandler.arrivedAt(message("not a time"))).isEqualTo(SENT);
    }
}
