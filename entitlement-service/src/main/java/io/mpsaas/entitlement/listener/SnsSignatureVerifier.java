package io.mpsaas.entitlement.listener;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.jboss.logging.Logger;

/**
 * Verifies SNS message signatures the way AWS documents it, with the JDK's {@code java.security} APIs: SignatureVersion
 * 1 (SHA1withRSA) and 2 (SHA256withRSA) over the string to sign; the {@code SigningCertURL} must be {@code https} on
 * {@code sns.<region of the topic>.amazonaws.com} (or start with a configured prefix: the sandbox); the certificate
 * must name SNS, be valid at the injected clock's time and chain (PKIX) to one of the configured trust anchors (by
 * default Amazon Trust Services' roots, bundled: never the whole JDK trust store). The topic's region must look like a
 * region before a host is built from it, and a SignatureVersion below the configured minimum is refused. Verified
 * certificates are cached by URL.
 *
 * <p>Revocation is not checked: that would need OCSP or CRL traffic on every new certificate, and SNS rotates its
 * certificates by URL anyway.
 */
public final class SnsSignatureVerifier {

    private static final Logger LOG = Logger.getLogger(SnsSignatureVerifier.class);

    /** Authority Information Access extension, and its caIssuers access method. */
    private static final String AIA_OID = "1.3.6.1.5.5.7.1.1";
    private static final byte[] CA_ISSUERS_OID = {0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};
    private static final int MAX_AIA_HOPS = 3;

    /** Trust settings of a verifier. */
    public record Settings(List<String> extraUrlPrefixes, List<URI> trustAnchors, List<URI> intermediates,
            boolean fetchIntermediates, List<String> aiaHostSuffixes, List<String> certificateNames, int cacheSize,
            int minSignatureVersion) {

        public Settings {
            extraUrlPrefixes = List.copyOf(extraUrlPrefixes);
            trustAnchors = trustAnchors == null || trustAnchors.isEmpty() ? List.of(AMAZON_ROOTS)
                    : List.copyOf(trustAnchors);
            if (minSignatureVersion < 1 || minSignatureVersion > 2) {
                throw new IllegalArgumentException("the minimum SNS SignatureVersion is 1 or 2, not "
                        + minSignatureVersion);
            }
            intermediates = List.copyOf(intermediates);
            aiaHostSuffixes = List.copyOf(aiaHostSuffixes);
            certificateNames = List.copyOf(certificateNames);
        }

        /**
         * AWS production trust, as the configuration's defaults: Amazon's bundled roots, the bundled Amazon
         * intermediate, no extra URL prefixes, SignatureVersion 1 and 2.
         */
        public static Settings production() {
            return new Settings(List.of(), List.of(AMAZON_ROOTS), List.of(BUNDLED_INTERMEDIATE), true,
                    List.of(".amazontrust.com"), List.of("sns.amazonaws.com", "sns-signing.{region}.amazonaws.com"),
                    20, 1);
        }
    }

    /**
     * The default trust anchors: Amazon Root CA 1 to 4 and Starfield Services Root Certificate Authority - G2 (Amazon
     * Trust Services' roots, exported from the JDK/Debian trust store; SHA-256 fingerprints 8ecde688..., 1ba5b2aa...,
     * 18ce6cfe..., e35d2841..., 568d6905...). SNS signing certificates chain to Amazon Root CA 1 through Amazon RSA
     * 2048 M01; a certificate chaining only to another public root of the JDK is refused.
     */
    public static final URI AMAZON_ROOTS = URI.create("classpath:sns/amazon-root-cas.pem");

    /** A region name as in a topic ARN ({@code us-east-1}, {@code ap-southeast-2}, {@code us-gov-west-1}). */
    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile(
            "[a-z]{2}(-[a-z]{2,10}){1,2}-[1-9][0-9]?");

    /** Amazon RSA 2048 M01, issuer of the SNS signing certificates seen in 2025/2026. */
    public static final URI BUNDLED_INTERMEDIATE = URI.create("classpath:sns/amazon-rsa-2048-m01.pem");

    private final Settings settings;
    private final CertificateSource source;
    private final Clock clock;
    private final Map<URI, X509Certificate> verified;
    private final Map<URI, X509Certificate> fetchedIntermediates = new ConcurrentHashMap<>();
    private volatile Set<TrustAnchor> anchors;
    private volatile List<X509Certificate> intermediates;

    public SnsSignatureVerifier(Settings settings, CertificateSource source, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        int size = Math.max(1, settings.cacheSize());
        this.verified = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<URI, X509Certificate> eldest) {
                return size() > size;
            }
        });
    }

    /**
     * Passes when the envelope is signed by SNS.
     *
     * @throws UnprocessableMessageException the signature, certificate or URL is wrong: never trust the message
     * @throws CertificateUnavailableException a certificate or trust anchor could not be read now: try again later
     */
    public void verify(SnsEnvelope envelope) throws UnprocessableMessageException, CertificateUnavailableException {
        String algorithm = algorithm(envelope.signatureVersion());
        if (Integer.parseInt(envelope.signatureVersion()) < settings.minSignatureVersion()) {
            throw new UnprocessableMessageException("SNS SignatureVersion " + envelope.signatureVersion()
                    + " is below the minimum " + settings.minSignatureVersion()
                    + " (suite.entitlement.sns.min-signature-version)");
        }
        require(envelope.signature(), "Signature");
        require(envelope.signingCertUrl(), "SigningCertURL");
        require(envelope.messageId(), "MessageId");
        require(envelope.timestamp(), "Timestamp");
        require(envelope.message(), "Message");
        String region = topicRegion(envelope.topicArn());
        URI certUrl = checkedCertificateUrl(envelope.signingCertUrl(), region);
        X509Certificate certificate = certificate(certUrl, region);
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(envelope.signature().strip());
        } catch (IllegalArgumentException e) {
            throw new UnprocessableMessageException("SNS signature is not base64");
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(envelope.stringToSign().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                throw new UnprocessableMessageException("SNS signature does not match the message");
            }
        } catch (GeneralSecurityException e) {
            throw new UnprocessableMessageException("SNS signature cannot be verified: " + e.getMessage(), e);
        }
    }

    static String algorithm(String signatureVersion) throws UnprocessableMessageException {
        if ("1".equals(signatureVersion)) {
            return "SHA1withRSA";
        }
        if ("2".equals(signatureVersion)) {
            return "SHA256withRSA";
        }
        throw new UnprocessableMessageException("unsupported SNS SignatureVersion: " + signatureVersion);
    }

    private static void require(String value, String field) throws UnprocessableMessageException {
        if (value == null || value.isEmpty()) {
            throw new UnprocessableMessageException("SNS envelope without " + field);
        }
    }

    /**
     * {@code arn:aws:sns:<region>:<account>:<name>} -> region, which must look like a region name: it becomes part of
     * the certificate host, so nothing else (a dot, a slash, an {@code @}, a port) may reach it.
     */
    static String topicRegion(String topicArn) throws UnprocessableMessageException {
        String[] parts = topicArn == null ? new String[0] : topicArn.split(":", -1);
        if (parts.length < 6 || !"arn".equals(parts[0]) || !"sns".equals(parts[2]) || parts[3].isEmpty()) {
            throw new UnprocessableMessageException("TopicArn is not an SNS topic ARN");
        }
        if (!REGION.matcher(parts[3]).matches()) {
            throw new UnprocessableMessageException("TopicArn region is not an AWS region name, no SNS certificate"
                    + " host is built from it: " + io.mpsaas.common.rest.Problem.excerpt(parts[3]));
        }
        return parts[3];
    }

    /** AWS's rule (https, the regional SNS host) or one of the configured prefixes. */
    URI checkedCertificateUrl(String url, String region) throws UnprocessableMessageException {
        URI uri;
        try {
            uri = new URI(url.strip()).normalize();
        } catch (URISyntaxException e) {
            throw new UnprocessableMessageException("SigningCertURL is not a URL");
        }
        for (String prefix : settings.extraUrlPrefixes()) {
            if (!prefix.isBlank() && uri.getRawUserInfo() == null && uri.toString().startsWith(prefix)) {
                return uri;
            }
        }
        String expectedHost = "sns." + region + ".amazonaws.com";
        boolean ok = "https".equalsIgnoreCase(uri.getScheme())
                && uri.getRawUserInfo() == null
                && expectedHost.equalsIgnoreCase(uri.getHost())
                && (uri.getPort() == -1 || uri.getPort() == 443)
                && uri.getRawQuery() == null
                && uri.getRawPath() != null && uri.getRawPath().endsWith(".pem");
        if (!ok) {
            throw new UnprocessableMessageException("SigningCertURL is not an SNS certificate URL of " + region + ": "
                    + url);
        }
        return uri;
    }

    private X509Certificate certificate(URI url, String region) throws UnprocessableMessageException,
            CertificateUnavailableException {
        X509Certificate cached = verified.get(url);
        if (cached != null) {
            checkValidity(cached);
            return cached;
        }
        List<X509Certificate> chain = parse(source.fetch(url), url.toString());
        X509Certificate leaf = chain.get(0);
        checkNames(leaf, region);
        checkValidity(leaf);
        checkChain(leaf, chain.subList(1, chain.size()));
        verified.put(url, leaf);
        LOG.infof("SNS signing certificate %s verified (subject %s, valid until %s)", url,
                leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant());
        return leaf;
    }

    private void checkValidity(X509Certificate certificate) throws UnprocessableMessageException {
        try {
            certificate.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw new UnprocessableMessageException("SNS signing certificate expired on "
                    + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new UnprocessableMessageException("SNS signing certificate not valid before "
                    + certificate.getNotBefore().toInstant());
        }
    }

    private void checkNames(X509Certificate leaf, String region) throws UnprocessableMessageException {
        Set<String> names = new HashSet<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            throw new UnprocessableMessageException("SNS signing certificate names cannot be read");
        }
        for (String expected : settings.certificateNames()) {
            if (names.contains(expected.replace("{region}", region).toLowerCase(Locale.ROOT))) {
                return;
            }
        }
        throw new UnprocessableMessageException("signing certificate is not issued to SNS: " + names);
    }

    private void checkChain(X509Certificate leaf, List<X509Certificate> offered) throws UnprocessableMessageException,
            CertificateUnavailableException {
        List<X509Certificate> pool = new ArrayList<>(offered);
        pool.addAll(intermediates());
        pool.addAll(fetchedIntermediates.values());
        CertPathBuilderException failure = buildPath(leaf, pool);
        X509Certificate next = leaf;
        for (int hop = 0; failure != null && settings.fetchIntermediates() && hop < MAX_AIA_HOPS; hop++) {
            URI issuerUrl = caIssuersUrl(next);
            if (issuerUrl == null || !aiaAllowed(issuerUrl)) {
                break;
            }
            X509Certificate issuer = fetchedIntermediates.get(issuerUrl);
            if (issuer == null) {
                issuer = parse(source.fetch(issuerUrl), issuerUrl.toString()).get(0);
                fetchedIntermediates.put(issuerUrl, issuer);
                LOG.infof("Fetched intermediate certificate %s from %s", issuer.getSubjectX500Principal().getName(),
                        issuerUrl);
            }
            pool.add(issuer);
            failure = buildPath(leaf, pool);
            next = issuer;
        }
        if (failure != null) {
            throw new UnprocessableMessageException("SNS signing certificate does not chain to a trusted root: "
                    + failure.getMessage());
        }
    }

    private CertPathBuilderException buildPath(X509Certificate leaf, List<X509Certificate> pool)
            throws CertificateUnavailableException {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustAnchors(), target);
            List<Certificate> store = new ArrayList<>(pool);
            store.add(leaf);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            CertPathBuilder.getInstance("PKIX").build(parameters);
            return null;
        } catch (CertPathBuilderException e) {
            return e;
        } catch (InvalidAlgorithmParameterException e) {
            throw new CertificateUnavailableException("no SNS trust anchors: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX is not available", e);
        }
    }

    private boolean aiaAllowed(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https"))
                && settings.aiaHostSuffixes().stream().anyMatch(s -> host.endsWith(s.toLowerCase(Locale.ROOT)));
    }

    /** The trust anchors: the configured PEMs (Amazon's roots by default). Loaded once, on first use. */
    private Set<TrustAnchor> trustAnchors() throws CertificateUnavailableException {
        Set<TrustAnchor> loaded = anchors;
        if (loaded != null) {
            return loaded;
        }
        synchronized (this) {
            if (anchors == null) {
                Set<TrustAnchor> set = new HashSet<>();
                for (URI uri : settings.trustAnchors()) {
                    try {
                        for (X509Certificate root : parse(source.fetch(uri), uri.toString())) {
                            set.add(new TrustAnchor(root, null));
                        }
                    } catch (UnprocessableMessageException e) {
                        throw new CertificateUnavailableException("trust anchor " + uri + " unreadable: "
                                + e.getMessage(), e);
                    }
                }
                LOG.infof("SNS signatures: %d trust anchors (%s)", set.size(), settings.trustAnchors());
                anchors = Set.copyOf(set);
            }
            return anchors;
        }
    }

    private List<X509Certificate> intermediates() throws CertificateUnavailableException {
        List<X509Certificate> loaded = intermediates;
        if (loaded != null) {
            return loaded;
        }
        List<X509Certificate> list = new ArrayList<>();
        for (URI uri : settings.intermediates()) {
            try {
                list.addAll(parse(source.fetch(uri), uri.toString()));
            } catch (UnprocessableMessageException e) {
                throw new CertificateUnavailableException("intermediate " + uri + " unreadable: " + e.getMessage(), e);
            }
        }
        intermediates = List.copyOf(list);
        return intermediates;
    }

    /** Every certificate in a PEM (or DER) document, leaf first. */
    static List<X509Certificate> parse(byte[] bytes, String from) throws UnprocessableMessageException {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new UnprocessableMessageException("no certificate in " + from);
            }
            return certificates;
        } catch (CertificateException e) {
            throw new UnprocessableMessageException("unreadable certificate at " + from);
        }
    }

    /** The caIssuers URL of a certificate's Authority Information Access extension, or null. */
    static URI caIssuersUrl(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(AIA_OID);
        if (extension == null) {
            return null;
        }
        // AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }; a URI is [6] IA5String
        for (int i = 0; i + CA_ISSUERS_OID.length + 2 < extension.length; i++) {
            if (matchesAt(extension, i, CA_ISSUERS_OID)) {
                int tag = i + CA_ISSUERS_OID.length;
                if ((extension[tag] & 0xff) != 0x86) {
                    continue;
                }
                int length = extension[tag + 1] & 0xff;
                int start = tag + 2;
                if (length > 0x80) {
                    int octets = length & 0x7f;
                    length = 0;
                    for (int k = 0; k < octets; k++) {
                        length = (length << 8) | (extension[start + k] & 0xff);
                    }
                    start += octets;
                }
                if (start + length > extension.length) {
                    return null;
                }
                try {
                    return new URI(new String(extension, start, length, StandardCharsets.US_ASCII));
                } catch (URISyntaxException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static boolean matchesAt(byte[] data, int offset, byte[] pattern) {
        for (int k = 0; k < pattern.length; k++) {
            if (data[offset + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }
}
