package io.mpsaas.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The console owns no table and no queue: it imports nothing of the AWS SDK and nothing of {@code common} (the item
 * shapes and queue messages of the services), and reaches the services only through its admin API clients.
 */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.mpsaas.console");

    @Test
    void theConsole_importsNothingOfTheAwsSdk_norTheServicesSharedItemShapes() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "io.mpsaas.common..",
                "io.mpsaas.entitlement..", "io.mpsaas.metering..", "io.mpsaas.onboarding..").check(classes);
    }

    @Test
    void pages_reachTheServicesOnlyThroughTheAdminApiClients() {
        noClasses().that().resideInAPackage("..console.rest..").should().dependOnClassesThat()
                .resideInAnyPackage("java.net.http..", "org.jboss.resteasy.reactive.client..",
                        "io.vertx.ext.web.client..")
                .check(classes);
    }
}
