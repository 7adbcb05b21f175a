package io.mpsaas.deploy.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where a service answers, computed from its application.properties (prod profile) and Quarkus's defaults: the HTTP
 * port, the management port (where health and metrics are: the HTTP port itself while the management interface is off),
 * and the health and metrics paths, which move with {@code quarkus.http.non-application-root-path},
 * {@code quarkus.smallrye-health.*} and the management interface.
 */
public record AppEndpoints(String service, int port, boolean management, int managementPort, String livePath,
        String readyPath, String startedPath, String metricsPath, boolean hasHealthExtension,
        boolean hasPrometheusExtension) {

    public static AppEndpoints of(String service) {
        Properties p = load(Repo.applicationProperties(service));
        boolean management = Boolean.parseBoolean(get(p, "quarkus.management.enabled", "false"));
        int port = Integer.parseInt(required(p, "quarkus.http.port", service));
        int managementPort = management ? Integer.parseInt(get(p, "quarkus.management.port", "9000")) : port;
        String root = management ? get(p, "quarkus.management.root-path", "/q")
                : join(get(p, "quarkus.http.root-path", "/"), get(p, "quarkus.http.non-application-root-path", "q"));
        String health = join(root, get(p, "quarkus.smallrye-health.root-path", "health"));
        String metrics = join(root, get(p, "quarkus.micrometer.export.prometheus.path", "metrics"));
        return new AppEndpoints(service, port, management, managementPort,
                join(health, get(p, "quarkus.smallrye-health.liveness-path", "live")),
                join(health, get(p, "quarkus.smallrye-health.readiness-path", "ready")),
                join(health, get(p, "quarkus.smallrye-health.startup-path", "started")),
                metrics, pomDeclares(service, "quarkus-smallrye-health"),
                pomDeclares(service, "quarkus-micrometer-registry-prometheus"));
    }

    /** Quarkus's rule: a path starting with / is absolute, otherwise it is relative to its parent. */
    static String join(String parent, String path) {
        if (path.startsWith("/")) {
            return path;
        }
        return (parent.endsWith("/") ? parent : parent + "/") + path;
    }

    private static String get(Properties p, String key, String fallback) {
        String prod = p.getProperty("%prod." + key);
        return prod != null ? prod : p.getProperty(key, fallback);
    }

    private static String required(Properties p, String key, String service) {
        String value = get(p, key, null);
        if (value == null) {
            throw new AssertionError(service + ": " + key + " is not set in application.properties");
        }
        return value;
    }

    private static boolean pomDeclares(String service, String artifactId) {
        try {
            return Files.readString(Repo.root().resolve(service).resolve("pom.xml"))
                    .contains("<artifactId>" + artifactId + "</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
