package io.mpsaas.common.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The due index's sort key: 13 digits of epoch milliseconds, so keys sort by time as strings. */
class WebhookIndexKeyTest {

    @Test
    void theTimeIsZeroPaddedTo13Digits_soKeysSortAsTheirTimes() {
        assertThat(WebhookDeliveries.indexKey(Instant.ofEpochMilli(42), "app", "e1")).isEqualTo("0000000000042#app#e1");
        assertThat(WebhookDeliveries.indexKey(Instant.parse("2026-12-07T04:00:00Z"), "app", "e1"))
                .isEqualTo("1796616000000#app#e1");
        assertThat(WebhookDeliveries.indexKey(Instant.ofEpochMilli(999), "app", "e"))
                .isLessThan(WebhookDeliveries.indexKey(Instant.ofEpochMilli(1000), "app", "e"));
    }
}
