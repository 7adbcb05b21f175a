package io.mpsaas.common.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.marketplace.EntitlementValue;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CustomerKeysTest {

    @Test
    void licenseKey_isTheSameForEveryArnSpellingAwsUses() {
        String fromResolve = "arn:aws:license-manager::123456789012:license:l-ecbaa94eb71a4830b6d7e49268fecaa0";
        String fromEventBridgeDocs = "aws:license-manager:us-east-1:123456789012:l-ecbaa94eb71a4830b6d7e49268fecaa0";

        assertThat(CustomerKeys.forLicense(fromResolve)).isEqualTo("license#l-ecbaa94eb71a4830b6d7e49268fecaa0")
                .isEqualTo(CustomerKeys.forLicense(fromEventBridgeDocs));
    }

    @Test
    void licenseArn_isReadWhole_andTwoArnsNameOneLicenseOnlyWhenPartitionAccountAndIdAgree() {
        String id = "l-ecbaa94eb71a4830b6d7e49268fecaa0";
        String stored = "arn:aws:license-manager::123456789012:license:" + id;

        // the two spellings AWS uses are one license
        assertThat(LicenseArn.sameLicense(stored, "aws:license-manager:us-east-1:123456789012:" + id)).isTrue();
        assertThat(LicenseArn.parse(" " + stored + " ")).isEqualTo(new LicenseArn("aws", "", "123456789012", id));
        // another account, another partition, another id: another license
        assertThat(LicenseArn.sameLicense(stored, "arn:aws:license-manager::999999999999:license:" + id)).isFalse();
        assertThat(LicenseArn.sameLicense(stored, "arn:aws-cn:license-manager::123456789012:license:" + id)).isFalse();
        assertThat(LicenseArn.sameLicense(stored, stored.replace("ecb", "ecc"))).isFalse();
        // what is no license ARN names no license (and its excerpt in the message is bounded)
        for (String garbage : new String[] {"garbage:" + id, id, "arn:aws:s3:::bucket/" + id,
                "arn:aws:license-manager::12345678901a:license:" + id, stored + ":extra", stored + "/x",
                "arn:aws:license-manager::123456789012:license:" + id + "x".repeat(300), ""}) {
            assertThat(LicenseArn.isValid(garbage)).as(garbage).isFalse();
            assertThat(LicenseArn.sameLicense(stored, garbage)).as(garbage).isFalse();
            assertThatThrownBy(() -> CustomerKeys.forLicense(garbage)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a license ARN").satisfies(e -> assertThat(e.getMessage())
                            .hasSizeLessThan(200));
        }
    }

    @Test
    void legacyKey_combinesProductAndCustomer_ignoringStraySpaces() {
        // AWS's own example message carries " X01EXAMPLEX" with a leading space
        assertThat(CustomerKeys.forLegacy("prod", " X01EXAMPLEX")).isEqualTo("customer#prod#X01EXAMPLEX");
    }

    @Test
    void licenseKey_rejectsWhatIsNoArn() {
        assertThatThrownBy(() -> CustomerKeys.forLicense("arn:aws:license-manager::1:license:"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storedEntitlement_roundTripsEveryValueKind() {
        Instant expiry = Instant.parse("2027-01-01T00:00:00Z");
        for (EntitlementValue value : new EntitlementValue[] {new EntitlementValue.IntegerValue(10),
                new EntitlementValue.DoubleValue(2.5), new EntitlementValue.BooleanValue(true),
                new EntitlementValue.StringValue("gold"), null}) {
            StoredEntitlement stored = new StoredEntitlement("dim", value, expiry);

            assertThat(StoredEntitlement.fromAttribute("dim", stored.toAttribute())).isEqualTo(stored);
        }
    }

    @Test
    void storedEntitlement_expiresAtItsExpirationDate() {
        StoredEntitlement seats = new StoredEntitlement("seats", new EntitlementValue.IntegerValue(5),
                Instant.parse("2027-01-01T00:00:00Z"));

        assertThat(seats.expiredAt(Instant.parse("2026-12-31T23:59:59Z"))).isFalse();
        assertThat(seats.expiredAt(Instant.parse("2027-01-01T00:00:00Z"))).isTrue();
        assertThat(seats.quantity()).isEqualTo(5);
    }
}
