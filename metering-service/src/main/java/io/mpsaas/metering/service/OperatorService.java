package io.mpsaas.metering.service;

import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.persistence.UsageTable;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What operators see and do: usage and metering status per customer and hour, failures with their reasons, and the
 * re-drive of failed aggregates, which only ever re-sends the frozen quantity and only while AWS still accepts it.
 */
@ApplicationScoped
public class OperatorService {

    /** The answer for one re-drive request. */
    public record Redrive(String id, boolean requeued, String message) {
    }

    /** Re-drive is refused this close to the deadline: the job must still have time to send. */
    static final Duration REDRIVE_MARGIN = Duration.ofMinutes(15);

    private final UsageTable table;
    private final Clock clock;

    public OperatorService(UsageTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    public List<Aggregate> usage(String customerKey, int limit) {
        return table.ofCustomer(customerKey, limit);
    }

    public List<Aggregate> failures(int limit) {
        return table.failures(limit);
    }

    public Optional<Aggregate> aggregate(String id) {
        return table.aggregate(id);
    }

    /**
     * Whether an operator may re-drive the aggregate now: a re-drivable status ({@link AggregateStatus#REDRIVABLE})
     * and more than {@link #REDRIVE_MARGIN} before AWS's deadline for its hour. {@link #redrive} checks it again.
     */
    public static boolean redrivable(Aggregate a, Instant now) {
        return AggregateStatus.REDRIVABLE.contains(a.status()) && a.hour() != null
                && now.plus(REDRIVE_MARGIN).isBefore(MeteringWindow.deadline(a.hour()));
    }

    /** Puts a failed aggregate back into the pending index with its frozen quantity, if that is safe. */
    public Redrive redrive(String id) {
        Instant now = clock.instant();
        if (id == null || id.isBlank() || id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 2048) {
            // longer than any aggregate id can be: no lookup (DynamoDB would refuse the key)
            return new Redrive(id, false, "no such aggregate");
        }
        Optional<Aggregate> found = table.aggregate(id);
        if (found.isEmpty()) {
            return new Redrive(id, false, "no such aggregate");
        }
        Aggregate a = found.get();
        if (a.status() == AggregateStatus.DUPLICATE_RECORD) {
            return new Redrive(id, false, "AWS already holds another quantity for this hour (DuplicateRecord);"
                    + " sending again cannot change what it bills");
        }
        if (!AggregateStatus.REDRIVABLE.contains(a.status())) {
            return new Redrive(id, false, "status " + a.status() + " cannot be re-driven (only "
                    + AggregateStatus.REDRIVABLE + ")");
        }
        Instant deadline = MeteringWindow.deadline(a.hour());
        if (!now.plus(REDRIVE_MARGIN).isBefore(deadline)) {
            return new Redrive(id, false, "AWS no longer accepts usage of hour " + a.hour() + " (deadline " + deadline
                    + ")");
        }
        if (!table.redrive(a, now)) {
            return new Redrive(id, false, "the aggregate changed meanwhile; look again");
        }
        Log.infof("Operator re-drive of %s: quantity %d will be sent again by the next run", a.ids(),
                a.billedQuantity());
        return new Redrive(id, true, "requeued with quantity " + a.billedQuantity() + "; the next run sends it");
    }
}
