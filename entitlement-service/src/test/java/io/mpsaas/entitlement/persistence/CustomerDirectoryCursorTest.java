package io.mpsaas.entitlement.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The admin customer list's page cursors: read back only for the list they were made for. */
class CustomerDirectoryCursorTest {

    @Test
    void aPageCursor_readsBackAsTheStartKey_onlyForTheListItWasMadeFor() {
        Map<String, AttributeValue> item = Map.of(SuiteTables.PK, Attr.s("customer#p1#Abc"), SuiteTables.SK,
                Attr.s("CUSTOMER"), SuiteTables.GSI2_PK, Attr.s("product#p1"), SuiteTables.GSI2_SK,
                Attr.s("customer#p1#Abc"));

        String byProduct = CustomerDirectory.encodeCursor(item, true);
        String all = CustomerDirectory.encodeCursor(item, false);

        assertThat(CustomerDirectory.decodeCursor(byProduct, "p1")).isEqualTo(item);
        assertThat(CustomerDirectory.decodeCursor(all, null)).containsOnlyKeys(SuiteTables.PK, SuiteTables.SK);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor(byProduct, "p2"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor(byProduct, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor("!!!", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor(CustomerDirectory.encodeCursor(Map.of(SuiteTables.PK,
                Attr.s("agreement#a-1"), SuiteTables.SK, Attr.s("AGREEMENT")), false), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("That page link is not valid");
    }
}
