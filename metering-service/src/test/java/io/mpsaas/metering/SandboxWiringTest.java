package io.mpsaas.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The service reaches the sandbox's DynamoDB Local and Marketplace simulator through its normal configuration. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class SandboxWiringTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    Marketplace marketplace;

    @Inject
    DynamoDbClient dynamo;

    @Test
    void marketplaceAndDynamo_areTheSandboxOnes() {
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of("sbx-ca-subscription"));

        ResolvedCustomer customer = marketplace.resolveCustomer(sub.registrationToken());

        assertThat(customer.licenseArn()).isEqualTo(sub.licenseArn());
        assertThat(dynamo.listTables().tableNames()).containsAll(SuiteTables.ALL);
    }
}
