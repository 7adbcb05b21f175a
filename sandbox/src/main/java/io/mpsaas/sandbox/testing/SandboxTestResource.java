package io.mpsaas.sandbox.testing;

import io.mpsaas.sandbox.Sandbox;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.Map;

/**
 * Runs the sandbox (DynamoDB Local, ElasticMQ, Marketplace simulator) inside the test JVM on free ports and points the
 * Quarkus service under test at it. One sandbox serves every test class of the JVM: tests own their ids (their own
 * products and customers), so they do not need a fresh one, and start-up stays a one-off cost.
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
 * class MyTest {
 *     &#64;InjectSandbox Sandbox sandbox;
 * }
 * </pre>
 */
public class SandboxTestResource implements QuarkusTestResourceLifecycleManager {

    private static Sandbox shared;

    /** The JVM's sandbox, started on first use (also usable from plain JUnit tests). */
    public static synchronized Sandbox sandbox() {
        if (shared == null) {
            // the simulated buyer's browser posts to the service under test; tests that follow the launch form set
            // the service's real URL on the simulator first
            shared = Sandbox.start("127.0.0.1", Sandbox.Ports.RANDOM, URI.create("http://localhost:8081/"));
            Sandbox started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "sandbox-test-shutdown"));
        }
        return shared;
    }

    @Override
    public Map<String, String> start() {
        return sandbox().serviceConfig();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(sandbox(),
                new TestInjector.AnnotatedAndMatchesType(InjectSandbox.class, Sandbox.class));
    }

    @Override
    public void stop() {
        // kept for the next test class of this JVM; the shutdown hook stops it
    }
}
