package io.mpsaas.metering.listener;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The app's idempotency key inside a park reason and a log line: nothing that forges lines or breaks SQS. */
class ParkReasonTextTest {

    @Test
    void controlBidiAndSurrogateCharacters_becomeQuestionMarks_andLongKeysAreCut() {
        assertThat(UsageQueueListener.printable("evt-1\r\n2026 WARN forged line")).isEqualTo(
                "evt-1??2026 WARN forged line");
        assertThat(UsageQueueListener.printable("\u001b[31mred\u001b[0m")).isEqualTo("?[31mred?[0m");
        assertThat(UsageQueueListener.printable("admin\u202e\u2066evil\u2069")).isEqualTo("admin??evil?");
        assertThat(UsageQueueListener.printable("x\ud800y\u0000")).isEqualTo("x?y?");
        assertThat(UsageQueueListener.printable("ok-\uD83D\uDE00-é")).isEqualTo("ok-\uD83D\uDE00-é");
        assertThat(UsageQueueListener.printable("k".repeat(200))).isEqualTo("k".repeat(80) + "...");
        assertThat(UsageQueueListener.printable(null)).isEqualTo("none");
    }
}
