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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operator API ({@code ApiRole.ADMIN}): metering status, failures, re-drive, on-demand runs. */
@Path("/v1/admin/metering")
@SecuredApi(ApiRole.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operator", description = "The operator API: an admin key (suite.api.admin-keys)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
@APIResponse(responseCode = "403", description = "An app key: this API needs an admin key")
public class AdminResource {

    /** An aggregate as the usage and failures lists show it (README's quick start, completed). */
    static final String AGGREGATES_EXAMPLE = """
            [{"id": "agg#license#l-0123456789abcdef0123456789abcdef#requests#2026-11-22T06:00:00Z",
              "customerKey": "license#l-0123456789abcdef0123456789abcdef", "productCode": "prod-code",
              "customerAwsAccountId": "111122223333",
              "licenseArn": "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef",
              "dimension": "requests", "hour": "2026-11-22T06:00:00Z", "deadline": "2026-11-23T06:00:00Z",
              "quantity": 42, "events": 1, "carriedQuantity": 0, "status": "FAILED", "frozenQuantity": 42,
              "attempts": 5, "resultCode": "ThrottlingException", "resultMessage": "Rate exceeded",
              "updatedAt": "2026-11-22T07:20:00Z", "pending": false, "failure": true, "redrivable": true}]""";

    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;

    /** Body of a re-drive: aggregate ids as listed by the failures view. */
    public record RedriveRequest(@Schema(required = true, minItems = 1) List<String> ids) {
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
    @Operation(operationId = "customerUsage", summary = "A customer's hourly aggregates, newest first",
            description = "Name the customer by licenseArn, by customerIdentifier and productCode, or by customerKey.")
    @APIResponse(responseCode = "200", description = "The aggregates", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = AggregateView.class), examples = @ExampleObject(name = "one-hour",
                    value = AGGREGATES_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "No customer named, a malformed license ARN, or a limit out of"
            + " 1..1000")
    public List<AggregateView> usage(@QueryParam("customerKey") String customerKey,
            @QueryParam("licenseArn") String licenseArn, @QueryParam("customerIdentifier") String customerIdentifier,
            @QueryParam("productCode") String productCode,
            @Parameter(description = "Most aggregates to list, 1..1000 (default 200)") @QueryParam("limit") String limit) {
        String key = key(new CustomerRequest(customerKey, licenseArn, customerIdentifier, productCode));
        return operator.usage(key, limit(limit)).stream().map(a -> AggregateView.of(a, clock.instant())).toList();
    }

    /** Aggregates that ended without billing, newest hour first, with AWS's reason. */
    @GET
    @Path("/failures")
    @Operation(operationId = "failures", summary = "Aggregates that ended without billing, newest hour first",
            description = "CUSTOMER_NOT_SUBSCRIBED, DUPLICATE_RECORD, FAILED or EXPIRED, with AWS's reason.")
    @APIResponse(responseCode = "200", description = "The aggregates", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = AggregateView.class), examples = @ExampleObject(name = "one-failure",
                    value = AGGREGATES_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "A limit out of 1..1000")
    public List<AggregateView> failures(@Parameter(description = "Most aggregates to list, 1..1000 (default 200)") @QueryParam("limit") String limit) {
        return operator.failures(limit(limit)).stream().map(a -> AggregateView.of(a, clock.instant())).toList();
    }

    /** Sends failed aggregates again, with their frozen quantity, while AWS still accepts them. */
    @POST
    @Path("/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "redrive", summary = "Puts CUSTOMER_NOT_SUBSCRIBED / FAILED aggregates back for the next"
            + " run", description = "With their frozen quantity; refused per id for DUPLICATE_RECORD (AWS keeps its"
                    + " first quantity) and less than 15 minutes before AWS's deadline.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RedriveRequest.class), examples = @ExampleObject(name = "one-id", value = """
                    {"ids": ["agg#license#l-0123456789abcdef0123456789abcdef#requests#2026-11-22T06:00:00Z"]}""")))
    @APIResponse(responseCode = "200", description = "One answer per id", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = OperatorService.Redrive.class), examples = @ExampleObject(name = "requeued", value = """
                    [{"id": "agg#license#l-0123456789abcdef0123456789abcdef#requests#2026-11-22T06:00:00Z",
                      "requeued": true, "message": "requeued with quantity 42; the next run sends it"}]""")))
    @APIResponse(responseCode = "400", description = "Not {\"ids\": [...]} with at least one id")
    public List<OperatorService.Redrive> redrive(RedriveRequest request) {
        if (request == null || request.ids() == null || request.ids().isEmpty()) {
            throw new BadRequestException("the body must be {\"ids\": [...]} with aggregate ids");
        }
        return request.ids().stream().map(operator::redrive).toList();
    }

    /** Runs the hourly job now (closed hours only). */
    @POST
    @Path("/runs")
    @Operation(operationId = "runNow", summary = "Runs the hourly job now (closed hours only)")
    @APIResponse(responseCode = "200", description = "What the run did: aggregates finished by status, those to"
            + " retry later, claimed by another replica, and at risk of missing AWS's deadline", content = @Content(
                    mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MeteringRunner.Report.class)))
    public MeteringRunner.Report run() {
        return job.runNow();
    }

    /** Meters one customer's open usage now, the current hour included (what a flush command does). */
    @POST
    @Path("/flush")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "flush", summary = "Meters one customer's open usage now, the current hour included")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CustomerRequest.class), examples = @ExampleObject(name = "by-license", value = """
                    {"licenseArn": "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef"}""")))
    @APIResponse(responseCode = "200", description = "What the flush sent", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MeteringRunner.Report.class)))
    @APIResponse(responseCode = "400", description = "No customer named, or a malformed license ARN")
    public MeteringRunner.Report flush(CustomerRequest request) {
        return runner.flush(key(request), clock.instant());
    }

    /** Reads the AWS sample's pending metering rows now. */
    @POST
    @Path("/migration/runs")
    @Operation(operationId = "migrateSampleRows", summary = "Reads the AWS sample's pending metering rows now"
            + " (suite.metering.migration.*)")
    @APIResponse(responseCode = "200", description = "Rows read, records accepted, duplicate and rejected, rows left"
            + " pending", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SampleTableMigration.Report.class)))
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
