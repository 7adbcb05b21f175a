package io.mpsaas.onboarding.config;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Properties;

/**
 * The service's entry point: Quarkus, after one JVM setting that must precede every HTTP connection. The AWS SDK's
 * URL-connection client (DynamoDB, SQS) and the AWS Marketplace adapter keep idle connections in the JDK's keep-alive
 * cache, which holds only five per endpoint unless {@code http.maxConnections} says otherwise. Every landing makes two
 * calls (ResolveCustomer, UpdateItem); once more than five of them overlap, each extra one opens a new connection (on
 * AWS a TLS handshake) and closes it after the answer. The profile of the fulfillment benchmark at 200 landings/s
 * showed one new connection per six landings and a service that then fell behind; with room for
 * {@value #KEEP_ALIVE_CONNECTIONS} idle connections per endpoint they are reused. An operator's own
 * {@code -Dhttp.maxConnections} (for example in {@code JAVA_OPTS}) wins.
 */
@QuarkusMain
public final class OnboardingMain {

    /** Idle HTTP connections kept per endpoint (host and port) unless {@code http.maxConnections} is set. */
    public static final int KEEP_ALIVE_CONNECTIONS = 64;

    private OnboardingMain() {
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
