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

/**
 * The seller's app reports usage: {@code POST /v1/usage} with a batch of records. 200 with a result per record
 * (accepted, duplicate, or rejected with a reason) once every accepted record is stored; 400 problem+json for a body
 * that is not a batch (saying what is wrong and where), 413 problem+json for a body over
 * {@code suite.metering.ingestion.max-body-size}; 503 when storage is down (send the same batch again: idempotency
 * keys make that safe).
 */
@Path("/v1/usage")
@SecuredApi(ApiRole.APP)
public class UsageResource {

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
    public UsageBatchResult report(@HeaderParam("Content-Length") String contentLength, InputStream body)
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
