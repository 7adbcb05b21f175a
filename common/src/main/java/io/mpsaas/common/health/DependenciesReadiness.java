package io.mpsaas.common.health;

import jakarta.inject.Singleton;
import java.util.function.Function;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the service's local dependencies ({@code /q/health/ready}), one check each: {@code dynamodb},
 * {@code sqs}. Each is DOWN while its dependency is unreachable, so Kubernetes stops routing to a pod that cannot serve;
 * liveness ({@code /q/health/live}) calls nothing and stays UP, so no pod is restarted for an outage it cannot fix. A
 * dependency left out of {@code suite.ops.health.checks} reports UP, unchecked. AWS Marketplace is no readiness check
 * (its outage would take every pod out of its Service, the access API and usage intake with them, which need only
 * DynamoDB): {@link MarketplaceReachability} reports it as a metric. A DOWN check's {@code detail} is a short reason,
 * never the error's message.
 */
public abstract class DependenciesReadiness implements HealthCheck {

    private final DependencyChecks checks;
    private final String name;
    private final String dependency;
    private final Function<DependencyChecks, DependencyChecks.Result> check;

    DependenciesReadiness(DependencyChecks checks, String name, String dependency,
            Function<DependencyChecks, DependencyChecks.Result> check) {
        this.checks = checks;
        this.name = name;
        this.dependency = dependency;
        this.check = check;
    }

    @Override
    public HealthCheckResponse call() {
        if (!checks.enabled(dependency)) {
            return HealthCheckResponse.named(name).up().withData("checked", false).build();
        }
        DependencyChecks.Result result = check.apply(checks);
        return HealthCheckResponse.named(name).status(result.up()).withData("detail", result.detail())
                .withData("checkedAt", result.checkedAt().toString()).build();
    }

    /** DynamoDB answers. */
    @Readiness
    @Singleton
    public static class DynamoDb extends DependenciesReadiness {
        public DynamoDb(DependencyChecks checks) {
            super(checks, "dynamodb", DependencyChecks.DYNAMODB, DependencyChecks::dynamodb);
        }
    }

    /** SQS answers. */
    @Readiness
    @Singleton
    public static class Sqs extends DependenciesReadiness {
        public Sqs(DependencyChecks checks) {
            super(checks, "sqs", DependencyChecks.SQS, DependencyChecks::sqs);
        }
    }
}
