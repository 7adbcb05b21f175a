package io.mpsaas.metering.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * AWS's acceptance window for BatchMeterUsage: a record is refused ({@code TimestampOutOfBoundsException}) 24 hours
 * or more after its timestamp, and records of the previous month only until 06:00 UTC on the first day of the next
 * month. We always send the start of the usage hour as the timestamp, so each hour has one deadline.
 */
public final class MeteringWindow {

    /** AWS: "Usage records aren't accepted 24 hours or more after an event." */
    public static final Duration AWS_LIMIT = Duration.ofHours(24);

    /** AWS: previous month's records until 06:00 UTC on the first day of the next month. */
    public static final Duration MONTH_END_GRACE = Duration.ofHours(6);

    private MeteringWindow() {
    }

    /** The start of the hour of {@code instant} (UTC). */
    public static Instant hourOf(Instant instant) {
        return instant.truncatedTo(ChronoUnit.HOURS);
    }

    /** The first instant at which AWS no longer accepts a record for {@code hour}. */
    public static Instant deadline(Instant hour) {
        Instant dayLimit = hour.plus(AWS_LIMIT);
        ZonedDateTime h = hour.atZone(ZoneOffset.UTC);
        Instant monthLimit = h.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1).toInstant()
                .plus(MONTH_END_GRACE);
        return dayLimit.isBefore(monthLimit) ? dayLimit : monthLimit;
    }

    /** Whether AWS still accepts a record for {@code hour} at {@code now}. */
    public static boolean sendable(Instant hour, Instant now) {
        return now.isBefore(deadline(hour));
    }
}
