package io.mpsaas.common.webhook;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Refuses to start a service whose webhook endpoints are wrong: a name other than letters, digits and {@code -}, a URL
 * {@link WebhookAddresses} refuses (not https, a private, link-local or loopback address), no secret, more than two
 * or a secret shorter than {@value WebhookSignature#MIN_SECRET_LENGTH} characters. A host that does not resolve yet
 * is only warned about (it is checked again before every attempt).
 */
@ApplicationScoped
public class WebhookEndpointsCheck {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");

    void onStart(@Observes StartupEvent start, WebhooksConfig config) {
        check(config);
    }

    /** Throws {@link IllegalStateException} naming the first wrong endpoint and why (never a secret). */
    public static void check(WebhooksConfig config) {
        for (Map.Entry<String, WebhooksConfig.Endpoint> e : config.endpoints().entrySet()) {
            String name = e.getKey();
            if (e.getValue().url().isEmpty() || e.getValue().url().get().isBlank()) {
                Log.infof("Webhook endpoint %s has no url: off", name);
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException("suite.webhooks.endpoints: the name \"" + name
                        + "\" may hold letters, digits and - only");
            }
            var secrets = e.getValue().secrets();
            if (secrets.isEmpty() || secrets.size() > 2) {
                throw new IllegalStateException("suite.webhooks.endpoints." + name
                        + ".secrets: one secret, or two during a rotation");
            }
            if (secrets.stream().anyMatch(s -> s.length() < WebhookSignature.MIN_SECRET_LENGTH)) {
                throw new IllegalStateException("suite.webhooks.endpoints." + name + ".secrets: each at least "
                        + WebhookSignature.MIN_SECRET_LENGTH + " characters");
            }
            try {
                WebhookAddresses.check(e.getValue().url().get(), config.allowLoopback());
            } catch (WebhookAddresses.RefusedEndpointException refused) {
                if (refused.getMessage().endsWith("does not resolve")) {
                    Log.warnf("Webhook endpoint %s: %s (checked again before every attempt)", name,
                            refused.getMessage());
                } else {
                    throw new IllegalStateException("suite.webhooks.endpoints." + name + ".url refused: "
                            + refused.getMessage());
                }
            }
        }
    }
}
