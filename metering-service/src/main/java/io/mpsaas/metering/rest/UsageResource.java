package io.mpsaas.metering.rest;

import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.metering.service.UsageIngestion;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The seller's app reports usage: {@code POST /v1/usage} with a batch of records. 200 with a result per record
 * (accepted, duplicate, or rejected with a reason) once every accepted record is stored; 400 problem+json for a body
 * that is not a batch; 503 when storage is down (send the same batch again: idempotency keys make that safe).
 */
@Path("/v1/usage")
@SecuredApi(ApiRole.APP)
public class UsageResource {

    private final UsageIngestion ingestion;

    public UsageResource(UsageIngestion ingestion) {
        this.ingestion = ingestion;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public UsageBatchResult report(UsageBatch batch) {
        if (batch == null || batch.records() == null || batch.records().isEmpty()) {
            throw new BadRequestException("the body must be {\"records\": [...]} with at least one usage record");
        }
        if (batch.records().size() > ingestion.maxRecords()) {
            throw new BadRequestException("at most " + ingestion.maxRecords() + " records per call, got "
                    + batch.records().size());
        }
        return UsageBatchResult.of(ingestion.ingest(batch.records(), UsageIngestion.SOURCE_API));
    }
}
