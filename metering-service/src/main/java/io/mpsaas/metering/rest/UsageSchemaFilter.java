package io.mpsaas.metering.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * What an annotation cannot say in metering-service's OpenAPI document: a usage record's {@code timestamp} is a string
 * (ISO-8601) or an integer (epoch seconds), while its Java type is a String (the scanner would say string only).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class UsageSchemaFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        Schema record = openApi.getComponents() == null || openApi.getComponents().getSchemas() == null ? null
                : openApi.getComponents().getSchemas().get("UsageRecord");
        if (record == null || record.getProperties() == null || !record.getProperties().containsKey("timestamp")) {
            throw new IllegalStateException("the OpenAPI document has no UsageRecord.timestamp to describe");
        }
        record.addProperty("timestamp", OASFactory.createSchema()
                .description("When the usage happened: ISO-8601 (2026-11-22T06:10:00Z) or epoch seconds (1795327800);"
                        + " it decides the usage hour")
                .oneOf(List.of(OASFactory.createSchema().addType(SchemaType.STRING),
                        OASFactory.createSchema().addType(SchemaType.INTEGER).format("int64"))));
    }
}
