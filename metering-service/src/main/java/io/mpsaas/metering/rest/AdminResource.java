package io.mpsaas.metering.rest;

import io.mpsaas.common.rest.QueryLimit;
import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.metering.domain.CustomerRef;
import io.mpsaas.metering.job.MeteringJob;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.OperatorService;
import io.mpsaas.metering.service.SampleTableMigration;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.List;

/** Operator API ({@code ApiRole.ADMIN}): metering status, failures, re-drive, on-demand runs. */
@Path("/v1/admin/metering")
@SecuredApi(ApiRole.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;

    /** Body of a re-drive: aggregate ids as listed by the failures view. */
    public record RedriveRequest(List<String> ids) {
    }

    /** Names a customer like a usage record does, or by its key. */
    public record CustomerRequest(String customerKey, String licenseArn, String customerIdentifier,
            String productCode) {
    }

    private final OperatorService operator;
    private final MeteringJob job;
    private final MeteringRunner runner;
    private final SampleTableMigration migration;
    private final Clock clock;

    public AdminResource(OperatorService operator, MeteringJob job, MeteringRunner runner,
            SampleTableMigration migration, Clock clock) {
        this.operator = operator;
        this.job = job;
        this.runner = runner;
        this.migration = migration;
        this.clock = clock;
    }

    /** A customer's hourly aggregates, newest first. */
    @GET
    @Path("/usage")
    public List<AggregateView> usage(@QueryParam("customerKey") String customerKey,
            @QueryParam("licenseArn") String licenseArn, @QueryParam("customerIdentifier") String customerIdentifier,
            @QueryParam("productCode") String productCode, @QueryParam("limit") String limit) {
        String key = key(new CustomerRequest(customerKey, licenseArn, customerIdentifier, productCode));
        return operator.usage(key, limit(limit)).stream().map(a -> AggregateView.of(a, clock.instant())).toList();
    }

    /** Aggregates that ended without billing, newest hour first, with AWS's reason. */
    @GET
    @Path("/failures")
    public List<AggregateView> failures(@QueryParam("limit") String limit) {
        return operator.failures(limit(limit)).stream().map(a -> AggregateView.of(a, clock.instant())).toList();
    }

    /** Sends failed aggregates again, with their frozen quantity, while AWS still accepts them. */
    @POST
    @Path("/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<OperatorService.Redrive> redrive(RedriveRequest request) {
        if (request == null || request.ids() == null || request.ids().isEmpty()) {
            throw new BadRequestException("the body must be {\"ids\": [...]} with aggregate ids");
        }
        return request.ids().stream().map(operator::redrive).toList();
    }

    /** Runs the hourly job now (closed hours only). */
    @POST
    @Path("/runs")
    public MeteringRunner.Report run() {
        return job.runNow();
    }

    /** Meters one customer's open usage now, the current hour included (what a flush command does). */
    @POST
    @Path("/flush")
    @Consumes(MediaType.APPLICATION_JSON)
    public MeteringRunner.Report flush(CustomerRequest request) {
        return runner.flush(key(request), clock.instant());
    }

    /** Reads the AWS sample's pending metering rows now. */
    @POST
    @Path("/migration/runs")
    public SampleTableMigration.Report migrate() {
        return migration.run();
    }

    private static String key(CustomerRequest c) {
        String key;
        try {
            key = c == null ? null
                    : CustomerRef.keyOf(c.customerKey(), c.licenseArn(), c.customerIdentifier(), c.productCode());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("licenseArn is not a license ARN");
        }
        if (key == null) {
            throw new BadRequestException("name the customer by customerKey, licenseArn, or customerIdentifier and"
                    + " productCode");
        }
        if (!CustomerRef.fitsKey(key)) {
            throw new BadRequestException("no customer has ids this long");
        }
        return key;
    }

    /** Most aggregates a list answers: 1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}. */
    private static int limit(String limit) {
        return QueryLimit.parse("limit", limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
    }

}
