package io.mpsaas.metering.rest;

import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.metering.service.UsageJson;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The seller's app reports usage: {@code POST /v1/usage} with a batch of records. 200 with a result per record
 * (accepted, duplicate, or rejected with a reason) once every accepted record is stored; 400 problem+json for a body
 * that is not a batch (saying what is wrong and where), 413 problem+json for a body over
 * {@code suite.metering.ingestion.max-body-size}; 503 when storage is down (send the same batch again: idempotency
 * keys make that safe).
 */
@Path("/v1/usage")
@SecuredApi(ApiRole.APP)
@Tag(name = "usage", description = "The seller's app reports usage (an app key, or an admin key)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
public class UsageResource {

    /** README's "Reporting usage" request, the same in the document (OpenApiDocumentTest compares them). */
    static final String REQUEST_EXAMPLE = """
            {"records": [
              {"licenseArn": "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef",
               "customerAwsAccountId": "111122223333",
               "dimension": "requests", "quantity": 42, "timestamp": "2026-11-22T06:10:00Z",
               "idempotencyKey": "req-batch-7781"},
              {"customerIdentifier": "m1dDdlprFAY", "productCode": "prod-legacy-code",
               "dimension": "gb_stored", "quantity": 10, "timestamp": 1795327800,
               "allocations": [{"quantity": 6, "tags": {"team": "search"}}, {"quantity": 4}],
               "idempotencyKey": "storage-2026-11-22T06"}
            ]}""";

    /** README's answer to it. */
    static final String RESPONSE_EXAMPLE = """
            {"accepted": 1, "duplicates": 0, "rejected": 1, "results": [
              {"index": 0, "idempotencyKey": "req-batch-7781", "status": "accepted",
               "usageHour": "2026-11-22T06:00:00Z", "meteredHour": "2026-11-22T06:00:00Z"},
              {"index": 1, "idempotencyKey": "storage-2026-11-22T06", "status": "rejected", "reason": "CUSTOMER_NOT_ACTIVE",
               "message": "the subscription is UNSUBSCRIBED and accepts no usage"}]}""";

    private final UsageIngestion ingestion;
    private final UsageJson json;
    private final long maxBodyBytes;

    public UsageResource(UsageIngestion ingestion, UsageJson json, MeteringConfig config) {
        this.ingestion = ingestion;
        this.json = json;
        this.maxBodyBytes = config.ingestion().maxBodySize().asLongValue();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "reportUsage", summary = "Report usage: a batch of records, one answer per record",
            description = "Stores every valid record durably (per customer, dimension and usage hour) before"
                    + " answering; metering-service bills each closed hour once with BatchMeterUsage. A record is"
                    + " accepted, a duplicate (its idempotencyKey was seen with the same record: counted once) or"
                    + " rejected with a reason; one bad record never fails the others. Retrying a whole batch is"
                    + " always safe.")
    @RequestBody(required = true, description = "1..suite.metering.ingestion.max-records-per-request records"
            + " (default 500), at most suite.metering.ingestion.max-body-size (default 1M)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UsageBatch.class),
                    examples = @ExampleObject(name = "two-records", summary = "A Concurrent Agreements record and a"
                            + " legacy record with allocations", value = REQUEST_EXAMPLE)))
    @APIResponse(responseCode = "200", description = "Every accepted record is stored; one result per record, in"
            + " request order", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UsageBatchResult.class),
                    examples = @ExampleObject(name = "accepted-and-rejected", value = RESPONSE_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Not a batch of 1..max-records-per-request records, or not"
            + " valid JSON (the detail says where); nothing is stored",
            content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(name = "wrong-type",
                    value = """
                            {"type": "https://mpsaas.io/problems/malformed-body", "title": "Malformed body",
                             "status": 400, "detail": "The body is not valid JSON of the expected shape: records[0].quantity must be a JSON number (got '5')"}""")))
    @APIResponse(responseCode = "413", description = "The body is larger than suite.metering.ingestion.max-body-size")
    @APIResponse(responseCode = "503", description = "DynamoDB is unavailable: send the same batch again later"
            + " (records stored before the failure answer duplicate)")
    public UsageBatchResult report(
            @Parameter(in = ParameterIn.HEADER, hidden = true) @HeaderParam("Content-Length") String contentLength,
            InputStream body)
            throws IOException {
        // what Jackson refuses is answered by ProblemMapper: 400 malformed-body naming the field or the position
        UsageBatch batch = json.mapper().readValue(read(contentLength, body), UsageBatch.class);
        if (batch == null || batch.records() == null || batch.records().isEmpty()) {
            throw new BadRequestException("the body must be {\"records\": [...]} with at least one usage record");
        }
        if (batch.records().size() > ingestion.maxRecords()) {
            throw new BadRequestException("at most " + ingestion.maxRecords() + " records per call, got "
                    + batch.records().size());
        }
        return UsageBatchResult.of(ingestion.ingest(batch.records(), UsageIngestion.SOURCE_API));
    }

    /** The body, refused with a 413 as soon as it is known to pass the limit (announced, or while reading it). */
    private byte[] read(String contentLength, InputStream body) throws IOException {
        if (contentLength != null && contentLength.strip().matches("[0-9]{1,19}")
                && Long.parseLong(contentLength.strip()) > maxBodyBytes) {
            throw tooLarge();
        }
        if (body == null) {
            return new byte[0];
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        } catch (IOException e) {
            // the client broke the body off (or its chunked encoding): its fault, not an incident
            throw new BadRequestException("the body could not be read: " + e.getMessage());
        }
        if (bytes.length > maxBodyBytes) {
            throw tooLarge();
        }
        return bytes;
    }

    private ClientErrorException tooLarge() {
        return new ClientErrorException("the body is larger than " + maxBodyBytes + " bytes"
                + " (suite.metering.ingestion.max-body-size); send at most " + ingestion.maxRecords()
                + " records per call, in several calls", 413);
    }
}
