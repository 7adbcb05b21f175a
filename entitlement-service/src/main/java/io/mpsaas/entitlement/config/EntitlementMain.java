package io.mpsaas.entitlement.config;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Properties;

/**
 * The service's entry point: Quarkus, after one JVM setting that must precede every HTTP connection. The AWS SDK's
 * URL-connection client (DynamoDB, SQS) and the AWS Marketplace adapter keep idle connections in the JDK's keep-alive
 * cache, which holds only five per endpoint unless {@code http.maxConnections} says otherwise; the notification
 * consumers apply a batch's customers side by side (tens of DynamoDB and SQS calls at once), and each call beyond
 * five would open a new connection (on AWS a TLS handshake) and close it after the answer. With room for
 * {@value #KEEP_ALIVE_CONNECTIONS} idle connections per endpoint they are reused. An operator's own
 * {@code -Dhttp.maxConnections} (for example in {@code JAVA_OPTS}) wins.
 */
@QuarkusMain
public final class EntitlementMain {

    /** Idle HTTP connections kept per endpoint (host and port) unless {@code http.maxConnections} is set. */
    public static final int KEEP_ALIVE_CONNECTIONS = 64;

    private EntitlementMain() {
    }

    public static void main(String... args) {
        keepAliveConnections(System.getProperties());
        Quarkus.run(args);
    }

    /** Sets {@code http.maxConnections} to {@value #KEEP_ALIVE_CONNECTIONS} unless it is set. */
    static void keepAliveConnections(Properties system) {
        if (system.getProperty("http.maxConnections") == null) {
            system.setProperty("http.maxConnections", Integer.toString(KEEP_ALIVE_CONNECTIONS));
        }
    }
}
