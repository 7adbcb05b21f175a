package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.Html.esc;

import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;
import java.net.URI;
import java.util.List;

/**
 * What the sandbox's webhook receiver got: valid deliveries (one per id, with how many repeats), the refused ones, and
 * for each the exact headers and body with an {@code openssl} command that recomputes its signature.
 */
final class WebhooksPage {

    private WebhooksPage() {
    }

    static String body(WebhookReceiver receiver, URI url) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<h1>Webhooks</h1>\n<p>The suite delivers its customer events to <code>").append(esc(url))
                .append("</code> (endpoint <code>sandbox</code> in <code>run-local.sh</code>). The receiver checks the ")
                .append("<code>v1</code> signature (HMAC-SHA256 of <code>&lt;timestamp&gt;.&lt;body&gt;</code> with ")
                .append("the secret <code>").append(esc(WebhookReceiver.SECRET)).append("</code>) and refuses ")
                .append("timestamps more than ").append(WebhookReceiver.TOLERANCE.toMinutes())
                .append(" minutes away; a repeated <code>Webhook-Id</code> is counted, not kept twice.")
                .append(receiver.down() ? " <strong>The receiver is down: it answers 503.</strong>" : "")
                .append("</p>\n");
        section(html, "Delivered", receiver.deliveries(), true);
        section(html, "Refused", receiver.rejected(), false);
        return html.toString();
    }

    private static void section(StringBuilder html, String title, List<WebhookReceiver.Received> list,
            boolean valid) {
        html.append("<h2>").append(esc(title)).append(" (").append(list.size()).append(")</h2>\n");
        if (list.isEmpty()) {
            html.append("<p>None yet.</p>\n");
            return;
        }
        html.append("<table class=\"webhooks-").append(valid ? "delivered" : "refused")
                .append("\">\n<thead><tr><th>Received</th><th>Type</th><th>Customer</th><th>Product</th>")
                .append("<th>").append(valid ? "Repeats" : "Why").append("</th><th>Delivery</th></tr></thead>\n<tbody>\n");
        for (int i = list.size() - 1; i >= 0; i--) {
            WebhookReceiver.Received r = list.get(i);
            html.append("<tr data-webhook-id=\"").append(esc(r.id())).append("\"><td>")
                    .append(esc(Html.time(r.receivedAt()))).append("</td><td>").append(esc(r.type()))
                    .append("</td><td><code>").append(esc(r.customerKey())).append("</code></td><td>")
                    .append(esc(r.productCode())).append("</td><td>")
                    .append(valid ? Integer.toString(r.repeats()) : esc(r.verdict())).append("</td><td>")
                    .append("<details><summary>Headers, body, openssl</summary><pre>")
                    .append("Webhook-Id: ").append(esc(r.id())).append('\n')
                    .append("Webhook-Timestamp: ").append(esc(r.timestamp())).append('\n')
                    .append("Webhook-Signature: ").append(esc(r.signature())).append("\n\n")
                    .append(esc(r.body())).append("</pre><pre class=\"openssl\">").append(esc(openssl(r)))
                    .append("</pre></details></td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    /** The README's verification, with this delivery's values: prints the v1 signature to compare. */
    static String openssl(WebhookReceiver.Received r) {
        return "SECRET='" + shell(WebhookReceiver.SECRET) + "'\n"
                + "TS='" + shell(r.timestamp()) + "'\n"
                + "BODY='" + shell(r.body()) + "'\n"
                + "printf '%s' \"$TS.$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\" -r | cut -d' ' -f1\n"
                + "# compare with a v1= value of: " + r.signature();
    }

    private static String shell(String value) {
        return value == null ? "" : value.replace("'", "'\\''");
    }
}
