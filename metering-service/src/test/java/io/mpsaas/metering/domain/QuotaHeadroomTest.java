package io.mpsaas.metering.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaHeadroomTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:05:00Z");

    /** Hourly runs of the last {@code hours} hours, the one {@code h} hours ago needing {@code calls.apply(h)}. */
    private static List<QuotaHeadroom.RunNeed> runs(int hours, java.util.function.IntToLongFunction calls) {
        List<QuotaHeadroom.RunNeed> runs = new ArrayList<>();
        for (int h = hours - 1; h >= 0; h--) {
            long c = calls.applyAsLong(h);
            runs.add(new QuotaHeadroom.RunNeed(MeteringWindow.hourOf(NOW).minus(Duration.ofHours(h)), c, c * 25));
        }
        return runs;
    }

    @Test
    void calls_areCeilNOver25_perProductAndIdentityModel() {
        assertThat(QuotaHeadroom.calls(Map.of("legacy|a", 30L, "legacy|b", 25L, "ca|c", 1L))).isEqualTo(4);
        assertThat(QuotaHeadroom.calls(Map.of())).isZero();
    }

    @Test
    void share_isTheCallsOverAnHourOfTheQuota() {
        // the seller: 100,000 customers x 5 dimensions = 500,000 records = 20,000 calls of 36,000 an hour
        assertThat(QuotaHeadroom.share(20_000, 10)).isCloseTo(0.556, within(0.001));
        assertThat(QuotaHeadroom.share(36_000, 10)).isEqualTo(1.0);
        assertThat(QuotaHeadroom.share(36_000, 20)).isEqualTo(0.5);
    }

    @Test
    void aLinearlyGrowingNeed_reachesTheQuotaWhenItsLineSays() {
        // GIVEN a week of runs growing by 36 calls (0.1 % of the quota) an hour, now at 18,000 calls (50 %)
        List<QuotaHeadroom.RunNeed> week = runs(168, h -> 18_000 - 36L * h);

        // THEN (100 % - 50 %) / 0.1 % an hour = 500 hours
        assertThat(QuotaHeadroom.hoursLeft(week, 10, NOW)).isCloseTo(500, within(0.01));
    }

    @Test
    void theBusiestRunOfTheLastDay_setsWhereTheGrowthStarts() {
        // GIVEN a flat-growing trend with a daily peak at 80 % of the quota (every 24 h, 1 hour long)
        List<QuotaHeadroom.RunNeed> days = runs(168, h -> (h % 24 == 3 ? 28_800 : 7_200) - 3L * h);

        double left = QuotaHeadroom.hoursLeft(days, 10, NOW);

        // THEN the headroom is counted from the peak (80 %), not from the average
        assertThat(left).isLessThan(0.2 / (3.0 / 36_000) * 1.2).isGreaterThan(0);
    }

    @Test
    void aFlatOrShrinkingNeed_neverRunsOut_aFullOneHasNoneLeft_andTooLittleHistoryIsUnknown() {
        assertThat(QuotaHeadroom.hoursLeft(runs(48, h -> 1000), 10, NOW)).isInfinite().isPositive();
        assertThat(QuotaHeadroom.hoursLeft(runs(48, h -> 1000 + 10L * h), 10, NOW)).isInfinite().isPositive();
        assertThat(QuotaHeadroom.hoursLeft(runs(3, h -> 36_500), 10, NOW)).isZero();
        assertThat(QuotaHeadroom.hoursLeft(runs(1, h -> 100), 10, NOW)).isNaN();
        assertThat(QuotaHeadroom.hoursLeft(List.of(), 10, NOW)).isNaN();
    }
}
