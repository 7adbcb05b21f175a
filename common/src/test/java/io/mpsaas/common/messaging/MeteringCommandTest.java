package io.mpsaas.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.IdentityModel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteringCommandTest {

    private final ObjectMapper json = SuiteJson.newMapper();
    private final CustomerIds customer = new CustomerIds("license#l-1", IdentityModel.CONCURRENT_AGREEMENTS, "prod",
            null, "111122223333", "arn:aws:license-manager::111122223333:license:l-1", null);

    @Test
    void aFlush_keepsItsWireFormat_withoutAggregateIds() throws Exception {
        MeteringCommand flush = new MeteringCommand(MeteringCommand.FLUSH, "c-1", customer, "unsubscribe-pending",
                Instant.parse("2026-11-22T06:00:00Z"), Instant.parse("2026-11-22T07:00:00Z"));

        String body = json.writeValueAsString(flush);

        assertThat(body).doesNotContain("aggregateIds");
        assertThat(json.readValue(body, MeteringCommand.class)).isEqualTo(flush);
    }

    @Test
    void aRedrive_carriesItsAggregateIds_throughJson() throws Exception {
        MeteringCommand redrive = MeteringCommand.redrive("c-2", customer,
                List.of("agg#license#l-1#requests#2026-11-22T05:00:00Z"), "operator console",
                Instant.parse("2026-11-22T06:00:00Z"));

        MeteringCommand read = json.readValue(json.writeValueAsString(redrive), MeteringCommand.class);

        assertThat(read).isEqualTo(redrive);
        assertThat(read.type()).isEqualTo(MeteringCommand.REDRIVE);
        assertThat(read.aggregateIds()).containsExactly("agg#license#l-1#requests#2026-11-22T05:00:00Z");
        assertThat(read.deadline()).isNull();
    }
}
