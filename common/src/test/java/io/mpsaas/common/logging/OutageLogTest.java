package io.mpsaas.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.MovingClock;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** One line per failure, and one stack trace per outage: the first failure after a quiet minute. */
class OutageLogTest {

    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-06T17:00:00Z"));

    @Test
    void anOutage_logsOneLinePerFailure_andOneStackTrace_untilAQuietMinuteHasPassed() {
        // GIVEN a log of a dependency's failures, and what reaches its logger
        String name = "outage-log-test-" + UUID.randomUUID();
        List<LogRecord> records = capture(name);
        OutageLog outages = new OutageLog(Logger.getLogger(name), clock);
        SdkClientException failure = SdkClientException.create("Unable to execute HTTP request: Connect to"
                + " localhost:8000 failed", new ConnectException("Connection refused"));

        // WHEN the dependency fails three times in a minute, then again after a quiet minute
        outages.error("AWS call failed while handling a request", failure);
        clock.advance(Duration.ofSeconds(20));
        outages.error("AWS call failed while handling a request", failure);
        clock.advance(Duration.ofSeconds(59));
        outages.error("AWS call failed while handling a request", failure);
        clock.advance(OutageLog.QUIET);
        outages.error("AWS call failed while handling a request", failure);

        // THEN each failure is one ERROR line naming the cause; only the first of each outage has the trace
        assertThat(records).hasSize(4).allSatisfy(r -> {
            assertThat(r.getLevel().intValue()).isGreaterThanOrEqualTo(Level.SEVERE.intValue());
            assertThat(formatted(r)).startsWith("AWS call failed while handling a request: SdkClientException:"
                    + " Unable to execute HTTP request").contains("(caused by ConnectException: Connection refused)")
                    .doesNotContain("\n");
        });
        assertThat(records).extracting(r -> r.getThrown() != null).containsExactly(true, false, false, true);
    }

    @Test
    void describe_keepsOneLine_andSkipsACauseTheMessageAlreadyNames() {
        // GIVEN a multi-line message whose cause is already in it
        IllegalStateException cause = new IllegalStateException("boom");
        RuntimeException failure = new RuntimeException("first\nsecond: IllegalStateException: boom", cause);

        // WHEN / THEN
        assertThat(OutageLog.describe(failure)).isEqualTo("RuntimeException: first second: IllegalStateException: boom");
        assertThat(OutageLog.describe(new IllegalArgumentException())).isEqualTo("IllegalArgumentException");
    }

    private static List<LogRecord> capture(String name) {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return records;
    }

    private static String formatted(LogRecord record) {
        if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
            return ext.getFormattedMessage();
        }
        return new java.util.logging.SimpleFormatter().formatMessage(record);
    }
}
