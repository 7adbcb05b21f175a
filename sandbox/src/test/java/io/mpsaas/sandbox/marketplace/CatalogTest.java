package io.mpsaas.sandbox.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The catalog: the shipped default, JSON loading and product validation. */
class CatalogTest {

    @Test
    void defaultCatalog_coversEveryPricingModelIdentityModelAndAFreeTrial() {
        Catalog catalog = Catalog.defaultCatalog();

        assertThat(catalog.products()).extracting(Product::pricingModel).contains(PricingModel.values());
        assertThat(catalog.products()).extracting(Product::identityModel).contains(IdentityModel.values());
        assertThat(catalog.products()).anyMatch(Product::freeTrial);
        assertThat(catalog.find("sbx-legacy-subscription")).get()
                .satisfies(p -> assertThat(p.notificationFormat()).isEqualTo(NotificationFormat.SNS));
        assertThat(catalog.find("sbx-ca-subscription")).get()
                .satisfies(p -> assertThat(p.notificationFormat()).isEqualTo(NotificationFormat.EVENTBRIDGE));
        assertThat(catalog.find("sbx-contract-consumption")).get()
                .satisfies(p -> assertThat(p.notificationFormat()).isEqualTo(NotificationFormat.SNS));
    }

    @Test
    void fromJson_acceptsABareArray_andRejectsUnknownFields() throws Exception {
        String array = "[{\"code\":\"p1\",\"pricingModel\":\"subscription\",\"dimensions\":[{\"name\":\"d\","
                + "\"metered\":true}]}]";
        Catalog catalog = Catalog.fromJson(new ByteArrayInputStream(array.getBytes(StandardCharsets.UTF_8)));
        assertThat(catalog.find("p1")).get().satisfies(p -> {
            assertThat(p.identityModel()).isEqualTo(IdentityModel.LEGACY);
            assertThat(p.dimensions().get(0).valueType()).isEqualTo(ValueType.INTEGER);
        });

        String typo = "{\"products\":[{\"code\":\"p1\",\"pricingModel\":\"SUBSCRIPTION\",\"freeTrail\":true,"
                + "\"dimensions\":[{\"name\":\"d\",\"metered\":true}]}]}";
        assertThatThrownBy(() -> Catalog.fromJson(new ByteArrayInputStream(typo.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("freeTrail");
    }

    @Test
    void product_validation() {
        assertThatThrownBy(() -> Product.builder("bad code!", PricingModel.SUBSCRIPTION).metered("d").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Product.builder("p", PricingModel.SUBSCRIPTION).metered("d", "d").build())
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Product.builder("p", PricingModel.CONTRACT).metered("d").build())
                .hasMessageContaining("cannot be metered");
        assertThatThrownBy(() -> Product.builder("p", PricingModel.CONTRACT_WITH_CONSUMPTION).metered("d").build())
                .hasMessageContaining("contracted dimension");
        assertThatThrownBy(() -> Product.builder("p", PricingModel.SUBSCRIPTION).build())
                .hasMessageContaining("metered dimension");
    }

    @Test
    void productId_isDerivedStablyFromTheCode() {
        Product a = Product.builder("same-code", PricingModel.SUBSCRIPTION).metered("d").build();
        Product b = Product.builder("same-code", PricingModel.SUBSCRIPTION).metered("x").build();
        Product c = Product.builder("other-code", PricingModel.SUBSCRIPTION).metered("d").build();

        assertThat(a.productId()).isEqualTo(b.productId()).matches("prod-[a-z0-9]{13}").isNotEqualTo(c.productId());
    }

    @Test
    void addingAnExistingCode_isRejected_andResetRestoresTheInitialProducts() {
        Catalog catalog = Catalog.defaultCatalog();
        int initial = catalog.products().size();
        catalog.add(Product.builder("extra", PricingModel.SUBSCRIPTION).metered("d").build());

        assertThatThrownBy(() -> catalog.add(Product.builder("extra", PricingModel.SUBSCRIPTION).metered("d").build()))
                .isInstanceOf(IllegalStateException.class);
        catalog.reset();
        assertThat(catalog.products()).hasSize(initial);
        assertThat(catalog.find("extra")).isEmpty();
    }
}
