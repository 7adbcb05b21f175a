package io.mpsaas.deploy.support;

import java.nio.file.Path;
import java.util.List;

/** Where things are in the checkout: the tests read the charts, the template and the services' sources in place. */
public final class Repo {

    /** The three services and the operator console, by module and chart name (they are the same). */
    public static final List<String> SERVICES = List.of("onboarding-service", "entitlement-service", "metering-service",
            "operator-console");

    /** The services that reach AWS (IAM role, tables, queues): all but the console. */
    public static final List<String> AWS_SERVICES = List.of("onboarding-service", "entitlement-service",
            "metering-service");

    /** Every chart under deploy/helm, dependencies first. */
    public static final List<String> CHARTS = List.of("mpsaas-lib", "onboarding-service", "entitlement-service",
            "metering-service", "operator-console", "mpsaas");

    /** The umbrella chart. */
    public static final String UMBRELLA = "mpsaas";

    private Repo() {
    }

    public static Path root() {
        String configured = System.getProperty("mpsaas.root");
        return (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
    }

    public static Path deploy() {
        return root().resolve("deploy");
    }

    public static Path charts() {
        return deploy().resolve("helm");
    }

    public static Path target() {
        return deploy().resolve("target");
    }

    public static Path cloudFormationTemplate() {
        return deploy().resolve("aws").resolve("mpsaas.yaml");
    }

    /** A service's application.properties, in its sources. */
    public static Path applicationProperties(String service) {
        return root().resolve(service).resolve("src/main/resources/application.properties");
    }

    /** The suite.* prefix of a service's own keys: onboarding-service -> suite.onboarding, operator-console -> suite.console. */
    public static String servicePrefix(String service) {
        return service.equals("operator-console") ? "suite.console"
                : "suite." + service.substring(0, service.indexOf('-'));
    }
}
