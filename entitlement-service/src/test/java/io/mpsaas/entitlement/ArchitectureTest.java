package io.mpsaas.entitlement;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The domain stays free of AWS, JAX-RS and Quarkus; REST does not reach DynamoDB or SQS directly.
 */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.mpsaas.entitlement");

    @Test
    void domain_dependsOnNoAwsSdk_noJaxRs_noQuarkus() {
        noClasses().that().resideInAPackage("..entitlement.domain..").should().dependOnClassesThat()
                .resideInAnyPackage("software.amazon..", "jakarta.ws..", "io.quarkus..", "jakarta.enterprise..")
                .check(classes);
    }

    @Test
    void rest_usesServicesNotTheAwsSdk() {
        noClasses().that().resideInAPackage("..entitlement.rest..").should().dependOnClassesThat()
                .resideInAnyPackage("software.amazon..", "..entitlement.persistence..").check(classes);
    }
}
