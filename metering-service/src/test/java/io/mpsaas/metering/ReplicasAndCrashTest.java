package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Several replicas at once, and a replica that dies between sending and recording. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ReplicasAndCrashTest extends MeteringTestSupport {

    @Test
    void aCrashBetweenSendingAndRecording_resendsTheSameFrozenQuantity_andAwsAnswersSuccessAgain() {
        // GIVEN usage of a closed hour, and a replica that dies right after AWS accepted its call
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests", "gb"), 2);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 17, h1);
        ingest(buyer, "gb", 4, h1.plusSeconds(30));
        MeteringRunner crashing = replica("replica-a", false, Set.of(), sent -> {
            throw new IllegalStateException("replica-a crashed after sending");
        });
        Instant now = Instant.now();
        assertThatThrownBy(() -> crashing.flush(buyer.customerKey(), now)).hasMessageContaining("crashed");
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.FROZEN);
        // usage arriving after the freeze cannot change what the retry sends
        ingest(buyer, "requests", 100, h1.plusSeconds(60));

        // WHEN another replica runs: first while the dead one's lease still holds, then after it expired
        MeteringRunner survivor = replica("replica-b");
        MeteringRunner.Report blocked = survivor.flush(buyer.customerKey(), now);
        MeteringRunner.Report resent = survivor.flush(buyer.customerKey(),
                now.plus(config.job().lease()).plusSeconds(1));

        // THEN the lease kept it from sending the frozen hour concurrently (it only sent the current hour, where
        // the late 100 went); afterwards it re-sent exactly the frozen quantities
        assertThat(blocked.claimedElsewhere()).isEqualTo(2);
        assertThat(blocked.count(AggregateStatus.SENT)).isEqualTo(1);
        assertThat(resent.count(AggregateStatus.SENT)).isEqualTo(2);
        List<MeteringAttempt> requestsH1 = fx.attempts(buyer).stream()
                .filter(a -> a.dimension().equals("requests") && a.timestamp().equals(h1)).toList();
        assertThat(requestsH1).extracting(MeteringAttempt::outcome)
                .containsExactly(AttemptOutcome.SUCCESS, AttemptOutcome.SUCCESS);
        assertThat(requestsH1).extracting(MeteringAttempt::quantity).containsExactly(17, 17);
        assertThat(requestsH1.get(0).meteringRecordId()).isEqualTo(requestsH1.get(1).meteringRecordId());
        assertThat(fx.attempts(buyer)).extracting(MeteringAttempt::outcome)
                .doesNotContain(AttemptOutcome.DUPLICATE_RECORD);
        assertThat(aggregate(buyer, "requests", h1).meteringRecordId())
                .isEqualTo(requestsH1.get(0).meteringRecordId());
        assertThat(sandbox.simulator().ledger().records(buyer.productCode(), buyer.ledgerId()))
                .extracting(MeteredRecord::hour, MeteredRecord::dimension, MeteredRecord::quantity)
                .containsExactlyInAnyOrder(tuple(h1, "requests", 17), tuple(h1, "gb", 4),
                        tuple(hoursAgo(0), "requests", 100));
    }

    @Test
    void twoJobInstancesAtOnce_billEachRecordOnce_andLoseNone() throws Exception {
        // GIVEN 3 customers x 20 dimensions of usage in a closed hour
        String[] dimensions = new String[20];
        for (int i = 0; i < 20; i++) {
            dimensions[i] = "dim" + i;
        }
        String product = fx.newProduct(false, dimensions);
        List<MeteringFixtures.Buyer> buyers = List.of(fx.activeBuyer(product, 2), fx.activeBuyer(product, 2),
                fx.activeBuyer(product, 2));
        Instant h1 = hoursAgo(1);
        for (MeteringFixtures.Buyer b : buyers) {
            for (int i = 0; i < 20; i++) {
                ingest(b, dimensions[i], i + 1, h1.plusSeconds(i));
                ingest(b, dimensions[i], 1000, h1.plusSeconds(i + 100));
            }
        }

        // WHEN two replicas run the hourly job at the same moment
        int sent = 0;
        for (MeteringRunner.Report report : meterAtOnce(List.of(replica("replica-1"), replica("replica-2")),
                Duration.ofMinutes(2))) {
            sent += report.count(AggregateStatus.SENT);
        }

        // THEN every aggregate was sent by exactly one of them, once, with its exact total
        assertThat(sent).isGreaterThanOrEqualTo(60);
        for (MeteringFixtures.Buyer b : buyers) {
            List<MeteringAttempt> attempts = fx.attempts(b);
            assertThat(attempts).extracting(MeteringAttempt::outcome).containsOnly(AttemptOutcome.SUCCESS);
            assertThat(attempts.stream().collect(Collectors.groupingBy(MeteringAttempt::dimension,
                    Collectors.counting())).values()).hasSize(20).containsOnly(1L);
            for (int i = 0; i < 20; i++) {
                assertThat(fx.billed(b, dimensions[i])).isEqualTo(i + 1 + 1000);
                assertThat(aggregate(b, dimensions[i], h1).status()).isEqualTo(AggregateStatus.SENT);
            }
        }
    }
}
