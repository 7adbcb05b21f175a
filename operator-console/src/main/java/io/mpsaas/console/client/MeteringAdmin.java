package io.mpsaas.console.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * metering-service's admin API ({@code /v1/admin/metering}, README "Metering"), as the console reads it: a customer's
 * hourly aggregates, the failures, and the re-drive. Whether an aggregate is pending, failed or re-drivable is
 * metering-service's answer ({@code pending}, {@code failure}, {@code redrivable}): the console knows no status name.
 */
@RegisterRestClient(configKey = "metering")
@ClientHeaderParam(name = "Authorization", value = "{io.mpsaas.console.client.AdminKey.bearer}")
@Path("/v1/admin/metering")
@Produces(MediaType.APPLICATION_JSON)
public interface MeteringAdmin {

    @GET
    @Path("/usage")
    List<Aggregate> usage(@QueryParam("customerKey") String customerKey, @QueryParam("limit") int limit);

    @GET
    @Path("/failures")
    List<Aggregate> failures(@QueryParam("limit") int limit);

    @POST
    @Path("/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    List<Redrive> redrive(RedriveRequest request);

    /** An hourly aggregate as metering-service's admin API answers it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Aggregate(String id, String customerKey, String productCode, String dimension, Instant hour,
            Instant deadline, long quantity, long events, long carriedQuantity, String status, Long billedQuantity,
            Double entitledQuantity, int attempts, Instant nextAttemptAt, String meteringRecordId, String resultCode,
            String resultMessage, Instant sentAt, boolean pending, boolean failure, boolean redrivable) {
    }

    record RedriveRequest(List<String> ids) {
    }

    /** What metering-service did with one id of a re-drive. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Redrive(String id, boolean requeued, String message) {
    }
}
