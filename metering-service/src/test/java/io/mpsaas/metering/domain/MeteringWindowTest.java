package io.mpsaas.metering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteringWindowTest {

    @Test
    void theDeadline_is24HoursAfterTheHour_orSixOClockOnTheFirstForTheMonthsLastHours() {
        assertThat(MeteringWindow.deadline(Instant.parse("2026-11-22T10:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(MeteringWindow.deadline(Instant.parse("2026-11-30T20:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
        assertThat(MeteringWindow.deadline(Instant.parse("2026-11-30T05:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
    }

    @Test
    void consumptionContracts_billTheHourlyOverage_roundedUp() {
        ProductPolicy policy = new ProductPolicy(PricingModel.CONTRACT_WITH_CONSUMPTION, List.of(),
                Map.of("api_calls", "included_calls"));

        assertThat(policy.billed("requests", 130, Map.of("requests", 100.0))).isEqualTo(30);
        assertThat(policy.billed("requests", 80, Map.of("requests", 100.0))).isZero();
        assertThat(policy.billed("storage", 3, Map.of("storage", 1.5))).isEqualTo(2);
        assertThat(policy.billed("api_calls", 75, Map.of("included_calls", 50.0, "api_calls", 1000.0)))
                .isEqualTo(25);
        assertThat(policy.billed("unentitled", 7, Map.of())).isEqualTo(7);
        assertThat(new ProductPolicy(PricingModel.CONTRACT, List.of(), Map.of()).billed("seats", 5, Map.of()))
                .isZero();
    }
}
