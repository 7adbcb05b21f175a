package io.mpsaas.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CustomerEventTest {

    @Test
    void sequence_followsTheVersionsOfTheCustomer_thenThePositionInAChange() {
        // a later change's first event comes after an earlier change's last one
        assertThat(CustomerEvent.sequence(3, CustomerEvent.EVENTS_PER_CHANGE - 1))
                .isLessThan(CustomerEvent.sequence(4, 0));
        assertThat(CustomerEvent.sequence(4, 0)).isLessThan(CustomerEvent.sequence(4, 1));
        assertThatThrownBy(() -> CustomerEvent.sequence(4, CustomerEvent.EVENTS_PER_CHANGE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
