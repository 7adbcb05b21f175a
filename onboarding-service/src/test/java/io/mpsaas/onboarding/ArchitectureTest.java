package io.mpsaas.onboarding;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The onboarding rules stay free of infrastructure (buckpal's dependency rule). */
@AnalyzeClasses(packages = "io.mpsaas.onboarding", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainHasNoAwsSdkOrJaxRs = noClasses().that().resideInAPackage("..onboarding.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "jakarta.ws..", "io.vertx..",
                    "io.quarkus..")
            .because("the domain holds the onboarding rules, not the infrastructure that runs them");

    @ArchTest
    static final ArchRule servicesDoNotKnowHttp = noClasses().that().resideInAPackage("..onboarding.service..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws..", "io.vertx..", "..onboarding.rest..")
            .because("the use cases do not depend on how pages are served");
}
