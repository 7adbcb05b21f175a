package io.mpsaas.sandbox.testing;

import io.mpsaas.sandbox.Sandbox;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's shared sandbox ({@link SandboxTestResource#sandbox()}) seen through {@link TcpProxy}s: the service under
 * test reaches DynamoDB, SQS and the Marketplace simulator through ports a test can cut and restore, to watch what
 * the service does while a dependency is down, without stopping the sandbox other test classes use. Use it from a
 * test profile that disables the global test resources (so the plain sandbox configuration does not compete):
 *
 * <pre>
 * public static class Cuttable implements QuarkusTestProfile {
 *     public List&lt;TestResourceEntry&gt; testResources() {
 *         return List.of(new TestResourceEntry(ProxiedSandboxTestResource.class));
 *     }
 *     public boolean disableGlobalTestResources() {
 *         return true;
 *     }
 * }
 * ... ProxiedSandboxTestResource.proxies().dynamo().cut();
 * </pre>
 */
public class ProxiedSandboxTestResource implements QuarkusTestResourceLifecycleManager {

    /** The three cuttable paths. */
    public record Proxies(TcpProxy dynamo, TcpProxy sqs, TcpProxy marketplace) {

        /** Forwards everything again. */
        public void restoreAll() {
            dynamo.restore();
            sqs.restore();
            marketplace.restore();
        }
    }

    private static Proxies proxies;

    /** The proxies, started on first use in front of the shared sandbox. */
    public static synchronized Proxies proxies() {
        if (proxies == null) {
            Sandbox sandbox = SandboxTestResource.sandbox();
            proxies = new Proxies(TcpProxy.to(sandbox.aws().dynamoEndpoint()), TcpProxy.to(sandbox.aws().sqsEndpoint()),
                    TcpProxy.to(sandbox.simulator().endpoint()));
            Proxies started = proxies;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.dynamo().close();
                started.sqs().close();
                started.marketplace().close();
            }, "sandbox-proxies-shutdown"));
        }
        return proxies;
    }

    /** The sandbox's service configuration, with the three endpoints replaced by the proxies'. */
    public static Map<String, String> serviceConfig() {
        Proxies p = proxies();
        Map<String, String> config = new LinkedHashMap<>(SandboxTestResource.sandbox().serviceConfig());
        config.put("quarkus.dynamodb.endpoint-override", p.dynamo().uri().toString());
        config.put("quarkus.sqs.endpoint-override", p.sqs().uri().toString());
        URI marketplace = p.marketplace().uri();
        config.put("suite.marketplace.metering-endpoint", marketplace.toString());
        config.put("suite.marketplace.entitlement-endpoint", marketplace.toString());
        config.put("suite.marketplace.agreement-endpoint", marketplace.toString());
        config.put("suite.marketplace.catalog-endpoint", marketplace.toString());
        return config;
    }

    @Override
    public Map<String, String> start() {
        return serviceConfig();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(SandboxTestResource.sandbox(),
                new TestInjector.AnnotatedAndMatchesType(InjectSandbox.class, Sandbox.class));
    }

    @Override
    public void stop() {
        proxies().restoreAll();
    }
}
