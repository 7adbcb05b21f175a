package io.mpsaas.sandbox.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a service answers {@code /q/*} (health, metrics) on its management port only: the application port is
 * the one an ingress or the seller's app reaches, where these paths must not exist. Every service's tests call it.
 */
public final class ManagementInterface {

    /** The management endpoints that must never answer on the application port. */
    public static final List<String> PATHS = List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/health/live",
            "/q/health/started");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ManagementInterface() {
    }

    /**
     * What is wrong (empty when nothing is): the management URL must answer 200 on another port than the
     * application's, and the application port must answer 404 on every one of {@link #PATHS}.
     *
     * @param metrics        the service's {@code /q/metrics} on its management port
     * @param applicationPort the port of the service's application endpoints
     */
    public static List<String> problems(URL metrics, int applicationPort) {
        List<String> problems = new ArrayList<>();
        if (metrics.getPort() == applicationPort) {
            problems.add("the management port is the application port " + applicationPort);
        }
        int management = status(URI.create(metrics.toString()));
        if (management != 200) {
            problems.add(metrics + " answered " + management);
        }
        for (String path : PATHS) {
            URI onApplicationPort = URI.create("http://" + metrics.getHost() + ":" + applicationPort + path);
            int status = status(onApplicationPort);
            if (status != 404) {
                problems.add(onApplicationPort + " answered " + status + ", not 404");
            }
        }
        return problems;
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
