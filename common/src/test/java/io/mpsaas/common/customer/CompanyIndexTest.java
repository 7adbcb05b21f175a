package io.mpsaas.common.customer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompanyIndexTest {

    @Test
    void normalise_ignoresCaseAccentsPunctuationAndSpacing() {
        assertThat(CompanyIndex.normalise("  Babbage & Lovelace,  Ltd. ")).isEqualTo("babbage lovelace ltd");
        assertThat(CompanyIndex.normalise("Société Générale")).isEqualTo("societe generale");
        assertThat(CompanyIndex.normalise("ÅRHUS <Analytics> GmbH")).isEqualTo("arhus analytics gmbh");
        assertThat(CompanyIndex.normalise("株式会社 テスト")).isEqualTo("株式会社 テスト");
    }

    @Test
    void normalise_ofNothingUsable_isEmpty() {
        assertThat(CompanyIndex.normalise(null)).isEmpty();
        assertThat(CompanyIndex.normalise(" -- & -- ")).isEmpty();
    }

    @Test
    void normalise_keepsTheKeyBounded() {
        assertThat(CompanyIndex.normalise("a".repeat(5000))).hasSize(200);
        assertThat(CompanyIndex.normalise("ab ".repeat(500))).hasSizeLessThanOrEqualTo(200).doesNotEndWith(" ");
    }

    @Test
    void sortKey_isTheNormalisedNameThenTheCustomerKey_soAPrefixOfTheNameFindsIt() {
        String key = CompanyIndex.sortKey("Acme, Inc.", "license#l-1");
        assertThat(key).isEqualTo("acme inc#license#l-1");
        assertThat(key).startsWith(CompanyIndex.normalise("ACME"));
        assertThat(key).startsWith(CompanyIndex.normalise("acme in"));
    }
}
