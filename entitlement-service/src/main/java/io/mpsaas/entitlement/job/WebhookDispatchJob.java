package io.mpsaas.entitlement.job;

import io.mpsaas.common.webhook.WebhookDispatcher;
import io.mpsaas.common.webhook.WebhooksConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * Runs the suite's one webhook dispatcher (common's {@link WebhookDispatcher}) in entitlement-service: a loop that
 * claims and sends due deliveries, and waits {@code suite.webhooks.poll-interval} when there were none. A thread of
 * its own, not {@code @Scheduled}: Quarkus's scheduler checks its triggers once a second, too coarse for a
 * delivery within a second of its commit. Every replica runs it; the deliveries' leases keep them apart.
 */
@ApplicationScoped
public class WebhookDispatchJob {

    private final WebhookDispatcher dispatcher;
    private final WebhooksConfig config;
    private volatile Thread loop;

    public WebhookDispatchJob(WebhookDispatcher dispatcher, WebhooksConfig config) {
        this.dispatcher = dispatcher;
        this.config = config;
    }

    void onStart(@Observes StartupEvent start) {
        if (config.active().isEmpty()) {
            Log.info("No webhook endpoint configured (suite.webhooks.endpoints): the webhook dispatcher is off");
            return;
        }
        Thread t = new Thread(this::run, "webhook-dispatcher");
        t.setDaemon(true);
        loop = t;
        t.start();
        Log.infof("Webhook dispatcher started for endpoints %s", config.active().keySet());
    }

    void onStop(@Observes ShutdownEvent stop) {
        Thread t = loop;
        loop = null;
        if (t != null) {
            t.interrupt();
        }
    }

    private void run() {
        Duration idle = config.pollInterval();
        while (loop == Thread.currentThread() && !Thread.currentThread().isInterrupted()) {
            Duration wait = idle;
            try {
                if (dispatcher.dispatchDue() > 0) {
                    continue;
                }
            } catch (RuntimeException e) {
                // DynamoDB unreachable: nothing is lost (the deliveries stay due), try again a little later
                Log.warnf("Webhook dispatcher could not read due deliveries (%s); trying again", e.toString());
                wait = idle.multipliedBy(20);
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
