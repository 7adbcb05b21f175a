package io.mpsaas.entitlement.rest;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.entitlement.domain.AccessDecision;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * The enumerations of entitlement-service's OpenAPI document, taken from the Java enums themselves: the views carry
 * them as strings (an annotation pointing at the enum gives {@code type: object}), and a list written by hand would
 * drift from the enum it copies.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class EnumSchemaFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        enumerate(openApi, "CustomerView", "state", SubscriptionState.values());
        enumerate(openApi, "CustomerView", "identityModel", IdentityModel.values());
        enumerate(openApi, "AccessView", "state", SubscriptionState.values());
        enumerate(openApi, "AccessView", "reason", AccessDecision.Reason.values());
    }

    private static void enumerate(OpenAPI openApi, String schema, String property, Enum<?>[] constants) {
        Schema owner = openApi.getComponents() == null || openApi.getComponents().getSchemas() == null ? null
                : openApi.getComponents().getSchemas().get(schema);
        Schema field = owner == null || owner.getProperties() == null ? null : owner.getProperties().get(property);
        if (field == null) {
            throw new IllegalStateException("the OpenAPI document has no " + schema + "." + property + " to enumerate");
        }
        List<Object> names = Arrays.stream(constants).<Object>map(Enum::name).toList();
        field.setEnumeration(names);
    }
}
