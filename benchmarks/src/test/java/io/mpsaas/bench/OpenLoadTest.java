package io.mpsaas.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The harness works: the open-model generator sends what it should and records every answer. No timing asserted. */
class OpenLoadTest {

    @Test
    void fixedRateRun_sendsEveryScheduledRequestAndRecordsEachAnswer() throws IOException {
        // GIVEN a local HTTP server that answers 200 to even and 500 to odd request numbers
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int n = served.getAndIncrement();
            exchange.sendResponseHeaders(n % 2 == 0 ? 200 : 500, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");

            // WHEN 40 requests per second are started for half a second
            OpenLoad.Result result = OpenLoad.run(40, Duration.ofMillis(500), Duration.ofSeconds(30),
                    () -> client.sendAsync(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.discarding()).thenApply(r -> r.statusCode() == 200));

            // THEN all 20 were sent and answered, each answer recorded once, good and bad told apart
            assertThat(result.sent()).isEqualTo(20);
            assertThat(served.get()).isEqualTo(20);
            assertThat(result.ok()).isEqualTo(10);
            assertThat(result.failed()).isEqualTo(10);
            assertThat(result.latency().getTotalCount()).isEqualTo(20);
            assertThat(result.p50()).isPositive();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void report_rendersEveryRowAsAMarkdownTableLine() {
        // GIVEN a report with a met and a missed figure
        Report report = new Report();
        report.add("1 x", "a", "1 ms", "< 2 ms", true, "cpu");
        report.add("1 x", "b", "3 ms", "< 2 ms", false, "cpu");

        // WHEN rendered
        String table = report.markdown("header");

        // THEN both rows are table lines with their verdict
        assertThat(table).contains("| 1 x | a | 1 ms | < 2 ms | met | cpu |")
                .contains("| 1 x | b | 3 ms | < 2 ms | **missed** | cpu |");
    }
}
