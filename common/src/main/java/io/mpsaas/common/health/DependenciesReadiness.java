package io.mpsaas.common.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the service's dependencies ({@code /q/health/ready}), one check each: {@code dynamodb}, {@code sqs},
 * {@code aws-marketplace}. Each is DOWN while its dependency is unreachable, so Kubernetes stops routing to a pod that
 * cannot serve; liveness ({@code /q/health/live}) calls nothing and stays UP, so no pod is restarted for an outage it
 * cannot fix. A dependency left out of {@code suite.ops.health.checks} reports UP, unchecked.
 */
public final class DependenciesReadiness {

    private DependenciesReadiness() {
    }

    static HealthCheckResponse respond(String name, DependencyChecks checks, String dependency,
            Supplier<DependencyChecks.Result> check) {
        if (!checks.enabled(dependency)) {
            return HealthCheckResponse.named(name).up().withData("checked", false).build();
        }
        DependencyChecks.Result result = check.get();
        return HealthCheckResponse.named(name).status(result.up()).withData("detail", result.detail())
                .withData("checkedAt", result.checkedAt().toString()).build();
    }

    /** DynamoDB answers. */
    @Readiness
    @ApplicationScoped
    public static class DynamoDb implements HealthCheck {
        private final DependencyChecks checks;

        public DynamoDb(DependencyChecks checks) {
            this.checks = checks;
        }

        @Override
        public HealthCheckResponse call() {
            return respond("dynamodb", checks, DependencyChecks.DYNAMODB, checks::dynamodb);
        }
    }

    /** SQS answers. */
    @Readiness
    @ApplicationScoped
    public static class Sqs implements HealthCheck {
        private final DependencyChecks checks;

        public Sqs(DependencyChecks checks) {
            this.checks = checks;
        }

        @Override
        public HealthCheckResponse call() {
            return respond("sqs", checks, DependencyChecks.SQS, checks::sqs);
        }
    }

    /** The AWS Marketplace endpoints answer. */
    @Readiness
    @ApplicationScoped
    public static class Marketplace implements HealthCheck {
        private final DependencyChecks checks;

        public Marketplace(DependencyChecks checks) {
            this.checks = checks;
        }

        @Override
        public HealthCheckResponse call() {
            return respond("aws-marketplace", checks, DependencyChecks.MARKETPLACE, checks::marketplace);
        }
    }
}
