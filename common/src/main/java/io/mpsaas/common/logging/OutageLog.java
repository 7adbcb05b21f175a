package io.mpsaas.common.logging;

import io.mpsaas.common.Causes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Logs the failures of a dependency (DynamoDB, SQS, ...) met while handling requests or messages without flooding
 * the log during an outage: one line per failure naming the cause's class and message, and the stack trace only with
 * the first failure after {@link #QUIET} without any (the first of an outage). Hold one per dependency and call site,
 * e.g. {@code private static final OutageLog STORAGE = new OutageLog(ProblemMapper.class);}.
 */
public final class OutageLog {

    /** The quiet time after which the next failure is taken as the first of a new outage (and gets its trace). */
    public static final Duration QUIET = Duration.ofMinutes(1);

    private final Logger log;
    private final Clock clock;
    private final AtomicReference<Instant> lastFailure = new AtomicReference<>();

    public OutageLog(Class<?> owner) {
        this(Logger.getLogger(owner), Clock.systemUTC());
    }

    OutageLog(Logger log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Logs {@code what} failed at ERROR: "what: Class: message", with the stack trace if an outage starts. */
    public void error(String what, Throwable failure) {
        log(Logger.Level.ERROR, what, failure);
    }

    /** As {@link #error}, at WARN (a failure the caller recovers from by itself). */
    public void warn(String what, Throwable failure) {
        log(Logger.Level.WARN, what, failure);
    }

    private void log(Logger.Level level, String what, Throwable failure) {
        if (outageStarts()) {
            log.logf(level, failure, "%s: %s (first failure after a quiet minute; later ones are logged without trace)",
                    what, describe(failure));
        } else {
            log.logf(level, "%s: %s", what, describe(failure));
        }
    }

    /** True, and remembered, when no failure was seen for {@link #QUIET}: the caller logs the stack trace. */
    boolean outageStarts() {
        Instant now = clock.instant();
        Instant before = lastFailure.getAndSet(now);
        return before == null || !now.isBefore(before.plus(QUIET));
    }

    /** Whether the failure comes from an AWS SDK call (DynamoDB, SQS, ...), itself or as a cause. */
    public static boolean isAwsFailure(Throwable failure) {
        return Causes.find(failure, SdkException.class).isPresent();
    }

    /**
     * A failure in one line: its class and message, and its root cause's when it has another one (an SDK's "Unable to
     * execute HTTP request" names the refused connection only in its cause).
     */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(oneLine(failure));
        Throwable root = Causes.root(failure);
        if (root != failure && (failure.getMessage() == null || !failure.getMessage().contains(oneLine(root)))) {
            text.append(" (caused by ").append(oneLine(root)).append(')');
        }
        return text.toString();
    }

    private static String oneLine(Throwable t) {
        String message = t.getMessage();
        String line = t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        // SDK messages can span lines (their "(Service: Sqs, Status Code: ...)" details): keep the log line one line
        return line.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
