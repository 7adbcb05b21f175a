package io.mpsaas.common.logging;

import io.mpsaas.common.messaging.CustomerIds;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * Puts a customer's ids into the logging MDC for as long as work about that customer runs, so every log line carries
 * them as structured fields (the JSON log's {@code mdc} object): {@code customerKey}, {@code productCode},
 * {@code licenseArn}, {@code customerIdentifier}. Only identifiers: never a token, a name, an email or a phone number.
 * Closing restores what was there before, so nested scopes (a message, then a customer in it) unwind cleanly.
 *
 * <pre>
 * try (CustomerMdc ignored = CustomerMdc.of(key, productCode, licenseArn, customerIdentifier)) {
 *     ... every log line here names the customer ...
 * }
 * </pre>
 */
public final class CustomerMdc implements AutoCloseable {

    public static final String CUSTOMER_KEY = "customerKey";
    public static final String PRODUCT_CODE = "productCode";
    public static final String LICENSE_ARN = "licenseArn";
    public static final String CUSTOMER_IDENTIFIER = "customerIdentifier";

    private final Map<String, Object> previous = new LinkedHashMap<>();

    private CustomerMdc(Map<String, String> values) {
        values.forEach((key, value) -> {
            if (value != null && !value.isBlank()) {
                previous.put(key, MDC.get(key));
                MDC.put(key, value);
            }
        });
    }

    /** Sets the ids that are not null; the others keep what an enclosing scope set. */
    public static CustomerMdc of(String customerKey, String productCode, String licenseArn,
            String customerIdentifier) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(CUSTOMER_KEY, customerKey);
        values.put(PRODUCT_CODE, productCode);
        values.put(LICENSE_ARN, licenseArn);
        values.put(CUSTOMER_IDENTIFIER, customerIdentifier);
        return new CustomerMdc(values);
    }

    public static CustomerMdc of(CustomerIds ids) {
        return ids == null ? of(null, null, null, null)
                : of(ids.customerKey(), ids.productCode(), ids.licenseArn(), ids.customerIdentifier());
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
