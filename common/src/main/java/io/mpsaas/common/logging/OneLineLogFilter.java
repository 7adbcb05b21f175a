package io.mpsaas.common.logging;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Keeps every log line of the suite one line: CR, LF and the other control and line-separator characters in a message
 * (a field of a message body, a decoded path, an idempotency key) are written escaped ({@code \r}, {@code \n},
 * {@code \u0085}), so no client value can start a forged line in a plain-text log. Installed on the console handler
 * of each service ({@code quarkus.log.console.filter=mpsaas-one-line}); the suite's own loggers ({@code io.mpsaas.*})
 * only, so Quarkus's multi-line start-up reports stay readable. Stack traces are not the message and stay as they are.
 */
@LoggingFilter(name = OneLineLogFilter.NAME)
public final class OneLineLogFilter implements Filter {

    /** The filter's name in {@code quarkus.log.console.filter}. */
    public static final String NAME = "mpsaas-one-line";

    private static final String SUITE_LOGGERS = "io.mpsaas.";

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        if (logger != null && logger.startsWith(SUITE_LOGGERS) && record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            if (message != null && needsEscaping(message)) {
                ext.setMessage(escape(message), ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        return true;
    }

    /** The text with CR, LF, tab and every other control or line-separator character escaped. */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean needsEscaping(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unsafe(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
