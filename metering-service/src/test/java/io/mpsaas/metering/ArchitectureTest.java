package io.mpsaas.metering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain stays free of the AWS SDK and JAX-RS (house style, buckpal's dependency rules). */
@AnalyzeClasses(packages = "io.mpsaas.metering", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainHasNoAwsSdkOrJaxRs = noClasses().that().resideInAPackage("..metering.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "jakarta.ws..");

    @ArchTest
    static final ArchRule onlyPersistenceAndListenersTalkToDynamoDbAndSqs = noClasses().that()
            .resideInAnyPackage("..metering.domain..", "..metering.rest..", "..metering.marketplace..")
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk.services.dynamodb..",
                    "software.amazon.awssdk.services.sqs..");
}
