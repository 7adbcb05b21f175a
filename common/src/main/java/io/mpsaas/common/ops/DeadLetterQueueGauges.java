package io.mpsaas.common.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.common.config.OpsConfig;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.common.messaging.SqsConsumer;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code mpsaas_sqs_dlq_messages{queue}}: the messages waiting in each dead-letter queue the service watches (those of
 * the queues it consumes, and {@code suite.ops.gauges.dead-letter-queues}), as SQS's
 * {@code ApproximateNumberOfMessages}. Refreshed every {@code suite.ops.gauges.refresh-every} with one
 * GetQueueAttributes per queue; NaN until the first read, and the last value is kept while a read fails.
 */
@Startup
@ApplicationScoped
public class DeadLetterQueueGauges {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueueGauges.class);

    private final SqsClient sqs;
    private final MeterRegistry registry;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();

    /** One watched queue: its name or URL as configured, its URL once resolved, and the last depth read. */
    private static final class Watched {
        final String nameOrUrl;
        volatile String url;
        volatile double depth = Double.NaN;
        volatile boolean failing;

        Watched(String nameOrUrl) {
            this.nameOrUrl = nameOrUrl;
            this.url = nameOrUrl.startsWith("http://") || nameOrUrl.startsWith("https://") ? nameOrUrl : null;
        }
    }

    public DeadLetterQueueGauges(SqsClient sqs, MeterRegistry registry, OpsConfig config) {
        this.sqs = sqs;
        this.registry = registry;
        config.gauges().deadLetterQueues().orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty())
                .forEach(this::watch);
    }

    /** Watches a dead-letter queue given by URL (a consumer's). */
    public void watchUrl(String url) {
        watch(url);
    }

    private void watch(String nameOrUrl) {
        String name = SqsConsumer.queueName(nameOrUrl);
        watched.computeIfAbsent(name, n -> {
            Watched w = new Watched(nameOrUrl);
            Gauge.builder("mpsaas.sqs.dlq.messages", w, x -> x.depth)
                    .description("Messages waiting in a dead-letter queue (ApproximateNumberOfMessages)")
                    .tag("queue", n).register(registry);
            return w;
        });
    }

    @Scheduled(identity = "mpsaas-dlq-gauges", every = "{suite.ops.gauges.refresh-every}",
            delayed = "{suite.ops.gauges.first-refresh-after}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        refresh();
    }

    /** Reads every watched queue's depth now. */
    public void refresh() {
        watched.forEach((name, w) -> {
            try {
                if (w.url == null) {
                    w.url = QueueUrls.resolve(sqs, w.nameOrUrl);
                }
                String url = w.url;
                String depth = sqs.getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
                w.depth = depth == null ? Double.NaN : Double.parseDouble(depth);
                w.failing = false;
            } catch (RuntimeException e) {
                // once per outage, not once per refresh (needs sqs:GetQueueAttributes on the queue)
                if (!w.failing) {
                    LOG.warnf("Cannot read the depth of dead-letter queue %s (%s); its gauge keeps its last value",
                            name, e.getMessage());
                }
                w.failing = true;
            }
        });
    }
}
