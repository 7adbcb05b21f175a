package io.mpsaas.sandbox.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String SCRAPE = """
            # HELP mpsaas_marketplace_calls_total AWS Marketplace calls
            # TYPE mpsaas_marketplace_calls_total counter
            mpsaas_marketplace_calls_total{error="none",operation="BatchMeterUsage",outcome="success"} 3.0
            mpsaas_marketplace_calls_total{error="THROTTLING",operation="BatchMeterUsage",outcome="error"} 1.0 # {span_id="2211337b4445e44e",trace_id="9747d2fa2f3889ace3e260345b833f93"} 1.0 1763800000.123
            mpsaas_sqs_dlq_messages{queue="metering-usage-dlq"} NaN
            process_uptime_seconds 12.5
            odd_label{path="/a\\"b}",x="y"} 2
            """;

    @Test
    void samples_areSummedBySelectedLabels_exemplarsIgnored() {
        PrometheusText metrics = PrometheusText.parse(SCRAPE);

        assertThat(metrics.sum("mpsaas_marketplace_calls_total")).isEqualTo(4.0);
        assertThat(metrics.sum("mpsaas_marketplace_calls_total", Map.of("error", "THROTTLING"))).isEqualTo(1.0);
        assertThat(metrics.sum("mpsaas_marketplace_calls_total", Map.of("error", "ACCESS_DENIED"))).isZero();
        assertThat(metrics.sum("process_uptime_seconds")).isEqualTo(12.5);
        assertThat(metrics.select("mpsaas_sqs_dlq_messages", Map.of()).get(0).value()).isNaN();
        assertThat(metrics.select("odd_label", Map.of("x", "y")).get(0).labels()).containsEntry("path", "/a\"b}");
    }

    @Test
    void names_areTheMetricsWithSamples() {
        assertThat(PrometheusText.parse(SCRAPE).names()).containsExactly("mpsaas_marketplace_calls_total",
                "mpsaas_sqs_dlq_messages", "odd_label", "process_uptime_seconds");
    }

    @Test
    void aLineThatIsNoSample_isRefused() {
        assertThatThrownBy(() -> PrometheusText.parse("{oops} 1")).isInstanceOf(IllegalArgumentException.class);
    }
}
