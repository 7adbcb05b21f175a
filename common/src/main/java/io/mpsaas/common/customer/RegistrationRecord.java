package io.mpsaas.common.customer;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The registration a buyer submitted on the onboarding pages: the item {@code sk = REGISTRATION} beside the customer
 * item, written by onboarding-service only and read by entitlement-service's API. It holds personal data: never log
 * it, never put it in a message.
 *
 * @param extraFields the seller-configured extra fields, by name
 */
public record RegistrationRecord(String customerKey, String company, String contactName, String email, String phone,
        Map<String, String> extraFields, Instant registeredAt, Instant updatedAt, long version) {

    public static final String COMPANY = "company";
    public static final String CONTACT_NAME = "contactName";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String EXTRA_FIELDS = "extraFields";
    public static final String REGISTERED_AT = "registeredAt";
    public static final String UPDATED_AT = "updatedAt";

    public RegistrationRecord {
        extraFields = extraFields == null ? Map.of() : Map.copyOf(extraFields);
    }

    /** Reads a registration item. */
    public static RegistrationRecord fromItem(Map<String, AttributeValue> item) {
        Map<String, String> extra = new TreeMap<>();
        AttributeValue stored = item.get(EXTRA_FIELDS);
        if (stored != null && stored.hasM()) {
            stored.m().forEach((name, value) -> extra.put(name, value.s()));
        }
        Long version = Attr.number(item, CustomerAttributes.VERSION);
        return new RegistrationRecord(Attr.string(item, SuiteTables.PK), Attr.string(item, COMPANY),
                Attr.string(item, CONTACT_NAME), Attr.string(item, EMAIL), Attr.string(item, PHONE), extra,
                Attr.instant(item, REGISTERED_AT), Attr.instant(item, UPDATED_AT), version == null ? 0 : version);
    }

    /** Never prints the personal data. */
    @Override
    public String toString() {
        return "RegistrationRecord[customerKey=" + customerKey + ", registeredAt=" + registeredAt + ", version="
                + version + "]";
    }
}
