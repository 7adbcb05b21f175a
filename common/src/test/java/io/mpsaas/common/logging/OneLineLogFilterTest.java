package io.mpsaas.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.OutputStreamHandler;
import org.junit.jupiter.api.Test;

class OneLineLogFilterTest {

    /** A plain-text handler as the services' console, with the filter, writing to memory. */
    private static String log(String logger, String format, Object... params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamHandler handler = new OutputStreamHandler(out, new PatternFormatter("%-5p [%c] %s%e%n"));
        handler.setFilter(new OneLineLogFilter());
        ExtLogRecord record = new ExtLogRecord(Level.INFO, format, ExtLogRecord.FormatStyle.PRINTF, logger);
        record.setLoggerName(logger);
        record.setParameters(params);
        handler.publish(record);
        handler.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aValueWithCrLf_staysOnOneLine_escaped() {
        // GIVEN an idempotency key from a request body that tries to forge a log line
        String key = "k-1\r\n2026-12-06 16:00:00 INFO  [io.mpsaas] Billed 0 units\u2028\u0085end";

        String written = log("io.mpsaas.metering.service.UsageIngestion", "Rejected usage record %s (%s)", key, "api");

        // THEN one line, the forged part escaped inside it
        assertThat(written.split("\n", -1)).hasSize(2).endsWith("");
        assertThat(written).startsWith("INFO  [io.mpsaas.metering.service.UsageIngestion] Rejected usage record k-1"
                + "\\r\\n2026-12-06 16:00:00 INFO  [io.mpsaas] Billed 0 units\\u2028\\u0085end (api)");
        assertThat(written).doesNotContain("\r");
    }

    @Test
    void otherLoggers_andCleanMessages_areUntouched() {
        assertThat(log("io.quarkus.runtime", "line one%s", "\nline two")).contains("line one\nline two");
        assertThat(log("io.mpsaas.x", "plain %s", "value")).isEqualTo("INFO  [io.mpsaas.x] plain value\n");
    }
}
