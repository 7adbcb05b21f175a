package io.mpsaas.common.messaging;

import java.util.List;

/** Default SQS queue names of the suite; each has a dead-letter queue {@code <name>-dlq}. */
public final class SuiteQueues {

    public static final String NOTIFICATIONS = "marketplace-notifications";
    public static final String CUSTOMER_EVENTS = "marketplace-customer-events";
    public static final String USAGE = "metering-usage";
    public static final String METERING_COMMANDS = "metering-commands";

    /** Suffix of every dead-letter queue. */
    public static final String DLQ_SUFFIX = "-dlq";

    /**
     * Receives before SQS moves a message to the dead-letter queue. Well above the consumer's own requeue (from the
     * third receive a failing message is requeued, from the fourth an unfinished one, each with its reason), because
     * SQS also counts receives no consumer ever saw: a long poll of a process killed while it waited can still be
     * handed a message (the 100-kill crash run lost a valid message that way with 5).
     */
    public static final int MAX_RECEIVE_COUNT = 10;

    /** Every queue the suite reads or writes (dead-letter queues not included). */
    public static final List<String> ALL = List.of(NOTIFICATIONS, CUSTOMER_EVENTS, USAGE, METERING_COMMANDS);

    private SuiteQueues() {
    }

    public static String deadLetterQueue(String queueName) {
        return queueName + DLQ_SUFFIX;
    }
}
