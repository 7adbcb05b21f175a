package io.mpsaas.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.IdentityModel;

/** The identifiers of a customer as they travel in messages; absent ones are left out of the JSON. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomerIds(String customerKey, IdentityModel identityModel, String productCode,
        String customerIdentifier, String customerAwsAccountId, String licenseArn, String agreementId) {

    public static CustomerIds of(CustomerRecord customer) {
        return new CustomerIds(customer.key(), customer.identityModel(), customer.productCode(),
                customer.customerIdentifier(), customer.customerAwsAccountId(), customer.licenseArn(),
                customer.agreementId());
    }
}
