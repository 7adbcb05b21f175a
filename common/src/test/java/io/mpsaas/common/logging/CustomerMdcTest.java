package io.mpsaas.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CustomerMdcTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void scopes_setTheIdsGiven_andRestoreWhatWasThere() {
        try (CustomerMdc outer = CustomerMdc.of("license#l-1", "prod-a", "arn:aws:license-manager::1:license:l-1",
                null)) {
            try (CustomerMdc inner = CustomerMdc.of("customer#prod-b#C1", "prod-b", null, "C1")) {
                assertThat(MDC.get(CustomerMdc.CUSTOMER_KEY)).isEqualTo("customer#prod-b#C1");
                assertThat(MDC.get(CustomerMdc.CUSTOMER_IDENTIFIER)).isEqualTo("C1");
                // an id the inner scope does not know stays the outer one's
                assertThat(MDC.get(CustomerMdc.LICENSE_ARN)).isEqualTo("arn:aws:license-manager::1:license:l-1");
            }
            assertThat(MDC.get(CustomerMdc.CUSTOMER_KEY)).isEqualTo("license#l-1");
            assertThat(MDC.get(CustomerMdc.CUSTOMER_IDENTIFIER)).isNull();
        }
        assertThat(MDC.getMap()).isEmpty();
    }
}
