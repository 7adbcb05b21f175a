package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.land;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.onboarding.domain.RegistrationDetails;
import io.mpsaas.onboarding.domain.RegistrationEvents;
import io.mpsaas.onboarding.domain.RegistrationOutcome;
import io.mpsaas.onboarding.job.RegistrationEventJob;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The outbox relay: a registration whose event could not be sent when it was stored is announced later, once. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class RegistrationEventJobTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    @Inject
    RegistrationStore registrations;

    @Inject
    RegistrationEventJob job;

    @Test
    void relay_sendsTheEventOfARegistrationStoredWithoutIt_onceAndWithItsStableId() {
        // GIVEN a registration stored 10 minutes ago whose event never went out (the process died after the write),
        // and one stored just now whose request is still sending
        Buyers buyers = new Buyers(sandbox, dynamo);
        CustomerEvents events = new CustomerEvents(sqs, mapper);
        SubscribeResult stale = buyers.subscribe();
        SubscribeResult fresh = buyers.subscribe();
        land(stale.registrationToken());
        land(fresh.registrationToken());
        Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS);
        RegistrationDetails details = new RegistrationDetails("Crashed Ltd", "Grace Hopper", "grace@example.com", null,
                Map.of());
        assertThat(registrations.save(keyOf(stale), details, tenMinutesAgo)).isEqualTo(RegistrationOutcome.CREATED);
        assertThat(registrations.save(keyOf(fresh), details, Instant.now())).isEqualTo(RegistrationOutcome.CREATED);

        // WHEN the relay job runs, twice
        job.relayPending();
        job.relayPending();

        // THEN the stale registration's event went out exactly once, with the id a resend would also carry
        var sent = events.forCustomer(keyOf(stale));
        assertThat(sent).hasSize(1);
        String expectedId = RegistrationEvents.customerRegistered(buyers.customer(keyOf(stale)).orElseThrow(),
                tenMinutesAgo).eventId();
        assertThat(sent.get(0).event().path("eventId").asText()).isEqualTo(expectedId);
        assertThat(sent.get(0).body()).doesNotContain("Crashed", "Grace", "grace@example.com");
        assertThat(buyers.item(keyOf(stale), "REGISTRATION")).doesNotContainKey("gsi1pk");
        // AND the fresh one is left to its own request
        assertThat(events.forCustomer(keyOf(fresh))).isEmpty();
        assertThat(buyers.item(keyOf(fresh), "REGISTRATION")).containsKey("gsi1pk");
    }
}
