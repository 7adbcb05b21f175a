package io.mpsaas.common.customer;

import io.mpsaas.common.rest.Problem;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A license ARN read whole: partition, region (often empty), account and license id. The one parser every service
 * uses for a license ARN it is given (the access and customers APIs, usage records, notifications, ResolveCustomer),
 * so that two ARNs name the same license only when partition, account and license id all agree ({@link #sameLicense}):
 * {@code garbage:l-<id>} is not a license ARN, and an ARN of another account is another license.
 *
 * <p>AWS writes {@code arn:aws:license-manager::<account>:license:l-<hex>}; its EventBridge examples drop the {@code arn:}
 * prefix and the {@code license:} resource type and name a region ({@code aws:license-manager:us-east-1:<account>:l-<hex>}):
 * both spellings are read, and name the same license when partition, account and id agree.
 */
public record LicenseArn(String partition, String region, String accountId, String licenseId) {

    /** Longest license ARN read (AWS's own pattern allows about 1,200 characters; real ones are under 100). */
    public static final int MAX_LENGTH = 256;

    private static final Pattern ARN = Pattern.compile("(?:arn:)?(aws[a-z-]{0,20}):license-manager:([a-z0-9-]{0,30}):"
            + "([0-9]{1,12}):(?:license[:/])?(l-[0-9A-Za-z]{1,64})");

    public LicenseArn {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(licenseId, "licenseId");
    }

    /**
     * Reads a license ARN (surrounding spaces ignored).
     *
     * @throws IllegalArgumentException when it is not one, with a message that quotes at most a bounded excerpt
     */
    public static LicenseArn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no license ARN given");
        }
        String arn = text.strip();
        Matcher m = arn.length() > MAX_LENGTH ? null : ARN.matcher(arn);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a license ARN (expected arn:<partition>:license-manager::"
                    + "<account>:license:l-<id>): '" + Problem.excerpt(text) + "'");
        }
        return new LicenseArn(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    /** Whether {@code text} is a license ARN {@link #parse} reads. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Same partition, account and license id (the region is not compared: AWS's spellings differ in it). */
    public boolean sameLicense(LicenseArn other) {
        return other != null && partition.equals(other.partition) && accountId.equals(other.accountId)
                && licenseId.equals(other.licenseId);
    }

    /**
     * Whether two license ARNs as text name the same license ({@link #sameLicense}); false when either is not a
     * license ARN.
     */
    public static boolean sameLicense(String a, String b) {
        try {
            return parse(a).sameLicense(parse(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The customer key of this license ({@link CustomerKeys#forLicense}). */
    public String customerKey() {
        return CustomerKeys.LICENSE_PREFIX + licenseId;
    }

    /** The canonical spelling, as ResolveCustomer answers it. */
    @Override
    public String toString() {
        return "arn:" + partition + ":license-manager:" + region + ":" + accountId + ":license:" + licenseId;
    }
}
