package io.mpsaas.entitlement.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.sandbox.marketplace.notify.SnsSigning;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SNS verifier against real AWS-signed notifications and their certificate (a fixed clock inside the
 * certificate's validity, 2025-11-10..2026-10-14), with production trust: the bundled Amazon roots and intermediate,
 * no network. And against sandbox-signed Marketplace envelopes with the sandbox root as the anchor.
 */
class SnsSignatureVerifierTest {

    private static final String AWS_FIXTURES = "sns/aws-sdk-java-v2/";
    private static final URI AWS_CERT_URL = URI.create(
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
    private static final Clock INSIDE_VALIDITY = Clock.fixed(Instant.parse("2026-03-07T00:00:00Z"), ZoneOffset.UTC);
    private static final Clock AFTER_EXPIRY = Clock.fixed(Instant.parse("2026-10-15T00:00:00Z"), ZoneOffset.UTC);
    private static final String SANDBOX_PREFIX = "http://127.0.0.1:8100/sns/";
    private static final URI SANDBOX_ROOT = URI.create("http://127.0.0.1:8100/sns/sandbox-root-ca.pem");

    private final ObjectMapper json = new ObjectMapper();
    private final Map<URI, byte[]> served = new HashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();

    /** Serves certificates from memory (the classpath ones too, like the real source). */
    private final CertificateSource source = uri -> {
        fetches.incrementAndGet();
        if (uri.getScheme().equals("classpath")) {
            return new HttpCertificateSource(java.time.Duration.ofSeconds(1)).fetch(uri);
        }
        byte[] bytes = served.get(uri);
        if (bytes == null) {
            throw new UnprocessableMessageException("certificate not found at " + uri + " (HTTP 404)");
        }
        return bytes;
    };

    SnsSignatureVerifierTest() {
        served.put(AWS_CERT_URL, TestSupport.fixture(AWS_FIXTURES
                + "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem").getBytes(StandardCharsets.US_ASCII));
        SnsSigning sandbox = SnsSigning.sandbox();
        served.put(URI.create(SANDBOX_PREFIX + "SimpleNotificationService-sandbox.pem"), sandbox.leafCertificatePem());
        served.put(SANDBOX_ROOT, sandbox.rootCertificatePem());
    }

    private SnsSignatureVerifier production(Clock clock) {
        return new SnsSignatureVerifier(SnsSignatureVerifier.Settings.production(), source, clock);
    }

    private SnsSignatureVerifier productionWithout(Clock clock, boolean bundledIntermediate, boolean aia) {
        SnsSignatureVerifier.Settings p = SnsSignatureVerifier.Settings.production();
        return new SnsSignatureVerifier(new SnsSignatureVerifier.Settings(p.extraUrlPrefixes(), p.trustAnchors(),
                bundledIntermediate ? p.intermediates() : List.of(), aia, p.aiaHostSuffixes(), p.certificateNames(),
                p.cacheSize(), p.minSignatureVersion()), source, clock);
    }

    private SnsSignatureVerifier sandbox() {
        return new SnsSignatureVerifier(new SnsSignatureVerifier.Settings(List.of(SANDBOX_PREFIX),
                List.of(SANDBOX_ROOT), List.of(), false, List.of(), List.of("sns.amazonaws.com"), 5, 1), source,
                Clock.systemUTC());
    }

    private SnsEnvelope envelope(String fixture) throws Exception {
        return envelope(json.readTree(TestSupport.fixture(fixture)));
    }

    private static SnsEnvelope envelope(JsonNode e) {
        return new SnsEnvelope(e.path("MessageId").asText(), e.path("TopicArn").asText(),
                e.has("Subject") ? e.get("Subject").asText() : null, e.path("Message").asText(),
                e.path("Timestamp").asText(), e.path("SignatureVersion").asText(), e.path("Signature").asText(),
                e.has("SigningCertURL") ? e.get("SigningCertURL").asText() : e.path("SigningCertUrl").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-notification-with-subject.json", "test-notification-no-subject.json",
            "test-notification-signature-v2.json"})
    void realAwsNotifications_verify_withTheFullChainToTheBundledAmazonRoots(String fixture) throws Exception {
        // GIVEN a real notification signed by AWS SNS (v1 with and without Subject, v2), production trust
        SnsSignatureVerifier verifier = production(INSIDE_VALIDITY);

        // WHEN / THEN it verifies: signature, certificate name, validity at the fixed clock, PKIX chain
        verifier.verify(envelope(AWS_FIXTURES + fixture));
    }

    @Test
    void realAwsNotification_withATamperedMessage_isRejected() throws Exception {
        SnsEnvelope real = envelope(AWS_FIXTURES + "test-notification-no-subject.json");
        SnsEnvelope tampered = new SnsEnvelope(real.messageId(), real.topicArn(), null, real.message() + "!",
                real.timestamp(), real.signatureVersion(), real.signature(), real.signingCertUrl());

        assertThatThrownBy(() -> production(INSIDE_VALIDITY).verify(tampered))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("does not match");
    }

    @Test
    void realAwsNotification_withTheTimestampReformatted_isRejected() throws Exception {
        // the signature covers the Timestamp string as sent: reformatting it (as an Instant round trip might) breaks it
        SnsEnvelope real = envelope(AWS_FIXTURES + "test-notification-signature-v2.json");
        SnsEnvelope reformatted = new SnsEnvelope(real.messageId(), real.topicArn(), null, real.message(),
                real.timestamp().replace(".893Z", ".8930Z"), real.signatureVersion(), real.signature(),
                real.signingCertUrl());

        assertThatThrownBy(() -> production(INSIDE_VALIDITY).verify(reformatted))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("does not match");
    }

    @Test
    void realAwsNotification_withoutItsSubject_orWithTheOtherVersion_isRejected() throws Exception {
        SnsEnvelope real = envelope(AWS_FIXTURES + "test-notification-with-subject.json");
        SnsEnvelope noSubject = new SnsEnvelope(real.messageId(), real.topicArn(), null, real.message(),
                real.timestamp(), real.signatureVersion(), real.signature(), real.signingCertUrl());
        SnsEnvelope otherVersion = new SnsEnvelope(real.messageId(), real.topicArn(), real.subject(), real.message(),
                real.timestamp(), "2", real.signature(), real.signingCertUrl());

        assertThatThrownBy(() -> production(INSIDE_VALIDITY).verify(noSubject))
                .isInstanceOf(UnprocessableMessageException.class);
        assertThatThrownBy(() -> production(INSIDE_VALIDITY).verify(otherVersion))
                .isInstanceOf(UnprocessableMessageException.class);
    }

    @Test
    void realAwsNotification_afterTheCertificateExpired_isRejected() throws Exception {
        assertThatThrownBy(() -> production(AFTER_EXPIRY).verify(envelope(AWS_FIXTURES
                + "test-notification-signature-v2.json")))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("expired");
    }

    @Test
    void realAwsCertificate_withoutItsIntermediate_andNoAiaFetch_doesNotChain() throws Exception {
        assertThatThrownBy(() -> productionWithout(INSIDE_VALIDITY, false, false).verify(envelope(AWS_FIXTURES
                + "test-notification-no-subject.json")))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("does not chain");
    }

    @Test
    void realAwsCertificate_withoutTheBundledIntermediate_chainsThroughTheAiaUrl() throws Exception {
        // GIVEN the intermediate is not bundled, but served where the certificate's AIA extension points
        URI aia = SnsSignatureVerifier.caIssuersUrl(SnsSignatureVerifier.parse(served.get(AWS_CERT_URL), "x").get(0));
        assertThat(aia).hasToString("http://crt.r2m01.amazontrust.com/r2m01.cer");
        served.put(aia, new HttpCertificateSource(java.time.Duration.ofSeconds(1))
                .fetch(SnsSignatureVerifier.BUNDLED_INTERMEDIATE));

        // WHEN / THEN it verifies, fetching the issuer once
        productionWithout(INSIDE_VALIDITY, false, true).verify(envelope(AWS_FIXTURES
                + "test-notification-no-subject.json"));
    }

    @Test
    void verifiedCertificates_areCached() throws Exception {
        SnsSignatureVerifier verifier = production(INSIDE_VALIDITY);
        verifier.verify(envelope(AWS_FIXTURES + "test-notification-no-subject.json"));
        int afterFirst = fetches.get();

        verifier.verify(envelope(AWS_FIXTURES + "test-notification-with-subject.json"));
        verifier.verify(envelope(AWS_FIXTURES + "test-notification-signature-v2.json"));

        assertThat(fetches.get()).isEqualTo(afterFirst);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem",
        "https://sns.us-west-2.amazonaws.com.evil.example/SimpleNotificationService-x.pem",
        "https://evil.example/sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem",
        "https://sns.us-west-2.amazonaws.com@evil.example/SimpleNotificationService-x.pem",
        "https://user@sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem",
        "https://sns.us-west-2.amazonaws.com:8443/SimpleNotificationService-x.pem",
        "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem?x=1",
        "http://127.0.0.1:8100/sns/SimpleNotificationService-sandbox.pem",
        "not a url"})
    void certificateUrls_outsideTheTopicsRegionalSnsHost_areRejected_beforeAnyFetch(String url) throws Exception {
        SnsEnvelope real = envelope(AWS_FIXTURES + "test-notification-no-subject.json");
        SnsEnvelope moved = new SnsEnvelope(real.messageId(), real.topicArn(), null, real.message(),
                real.timestamp(), real.signatureVersion(), real.signature(), url);

        assertThatThrownBy(() -> production(INSIDE_VALIDITY).verify(moved))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("SigningCertURL");
        assertThat(fetches.get()).isZero();
    }

    @Test
    void sandboxSignedMarketplaceEnvelopes_verifyAgainstTheSandboxRoot_v1AndV2() throws Exception {
        sandbox().verify(envelope("sns/marketplace/subscribe-success.json"));
        sandbox().verify(envelope("sns/marketplace/subscribe-success-free-trial-v2.json"));
    }

    @Test
    void sandboxSignedEnvelope_isRejectedByProductionTrust() throws Exception {
        // the sandbox's URL is not an AWS one; even served from an AWS-looking URL, its chain ends at the sandbox root
        SnsEnvelope e = envelope("sns/marketplace/subscribe-success.json");
        URI lookalike = URI.create("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-sandbox.pem");
        served.put(lookalike, SnsSigning.sandbox().leafCertificatePem());
        SnsEnvelope relocated = new SnsEnvelope(e.messageId(), e.topicArn(), null, e.message(), e.timestamp(),
                e.signatureVersion(), e.signature(), lookalike.toString());

        assertThatThrownBy(() -> production(Clock.systemUTC()).verify(e))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("SigningCertURL");
        assertThatThrownBy(() -> production(Clock.systemUTC()).verify(relocated))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("does not chain");
    }

    @Test
    void certificateNotIssuedToSns_isRejected_evenWhenTrusted() throws Exception {
        // GIVEN the trusted sandbox root itself served as the signing certificate (trusted, but not named SNS)
        SnsEnvelope e = envelope("sns/marketplace/subscribe-success.json");
        SnsEnvelope rootSigned = new SnsEnvelope(e.messageId(), e.topicArn(), null, e.message(), e.timestamp(),
                e.signatureVersion(), e.signature(), SANDBOX_ROOT.toString());

        assertThatThrownBy(() -> sandbox().verify(rootSigned))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("not issued to SNS");
    }

    @Test
    void forgedSignature_unsupportedVersion_andGarbage_areRejected() throws Exception {
        SnsEnvelope e = envelope("sns/marketplace/subscribe-success.json");
        SnsEnvelope forged = new SnsEnvelope(e.messageId(), e.topicArn(), null, e.message(), e.timestamp(),
                e.signatureVersion(), java.util.Base64.getEncoder().encodeToString(new byte[256]),
                e.signingCertUrl());
        SnsEnvelope version3 = new SnsEnvelope(e.messageId(), e.topicArn(), null, e.message(), e.timestamp(), "3",
                e.signature(), e.signingCertUrl());
        SnsEnvelope garbage = new SnsEnvelope(e.messageId(), e.topicArn(), null, e.message(), e.timestamp(),
                e.signatureVersion(), "%%% not base64 %%%", e.signingCertUrl());

        assertThatThrownBy(() -> sandbox().verify(forged)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> sandbox().verify(version3)).hasMessageContaining("SignatureVersion");
        assertThatThrownBy(() -> sandbox().verify(garbage)).hasMessageContaining("base64");
    }

    @Test
    void unreachableTrustAnchor_isTransient_notAVerdict() throws Exception {
        // GIVEN trust anchors that cannot be read right now
        CertificateSource down = uri -> {
            if (uri.equals(SANDBOX_ROOT)) {
                throw new CertificateUnavailableException("connection refused", null);
            }
            return source.fetch(uri);
        };
        SnsSignatureVerifier verifier = new SnsSignatureVerifier(new SnsSignatureVerifier.Settings(
                List.of(SANDBOX_PREFIX), List.of(SANDBOX_ROOT), List.of(), false, List.of(),
                List.of("sns.amazonaws.com"), 5, 1), down, Clock.systemUTC());

        assertThatThrownBy(() -> verifier.verify(envelope("sns/marketplace/subscribe-success.json")))
                .isInstanceOf(CertificateUnavailableException.class);
    }

    // issue 18, forged facts: what the verifier trusts is only what AWS signs

    private SnsSignatureVerifier productionWith(Clock clock, List<URI> anchors, int minVersion) {
        SnsSignatureVerifier.Settings p = SnsSignatureVerifier.Settings.production();
        return new SnsSignatureVerifier(new SnsSignatureVerifier.Settings(p.extraUrlPrefixes(), anchors,
                p.intermediates(), false, p.aiaHostSuffixes(), p.certificateNames(), p.cacheSize(), minVersion),
                source, clock);
    }

    @Test
    void productionAnchors_areAmazonsRootsOnly_andTheRealChainEndsAtAmazonRootCa1() throws Exception {
        // GIVEN the default trust: the bundled Amazon roots, not the JDK trust store
        assertThat(SnsSignatureVerifier.Settings.production().trustAnchors())
                .containsExactly(SnsSignatureVerifier.AMAZON_ROOTS);
        List<String> subjects = SnsSignatureVerifier.parse(source.fetch(SnsSignatureVerifier.AMAZON_ROOTS), "roots")
                .stream().map(c -> c.getSubjectX500Principal().getName()).toList();
        assertThat(subjects).hasSize(5).allMatch(s -> s.contains("O=Amazon") || s.contains("Starfield Services"));

        // WHEN / THEN AWS's real certificate chains to them (through the bundled intermediate, no fetch)
        productionWith(INSIDE_VALIDITY, List.of(SnsSignatureVerifier.AMAZON_ROOTS), 1)
                .verify(envelope(AWS_FIXTURES + "test-notification-signature-v2.json"));
    }

    @Test
    void aChainToAnotherPublicRoot_isRefused_whenAmazonsRootsArePinned() throws Exception {
        // GIVEN anchors that are trusted by the JDK but are not Amazon's (the sandbox root stands in for any other CA)
        SnsSignatureVerifier otherRoot = productionWith(INSIDE_VALIDITY, List.of(SANDBOX_ROOT), 1);

        // WHEN / THEN AWS's own certificate does not chain to them: only the configured anchors count
        assertThatThrownBy(() -> otherRoot.verify(envelope(AWS_FIXTURES + "test-notification-signature-v2.json")))
                .isInstanceOf(UnprocessableMessageException.class).hasMessageContaining("does not chain");
    }

    @Test
    void signatureVersion1_isRefused_whenTheMinimumIs2_andVersion2StillVerifies() throws Exception {
        SnsSignatureVerifier v2Only = productionWith(INSIDE_VALIDITY, List.of(SnsSignatureVerifier.AMAZON_ROOTS), 2);

        assertThatThrownBy(() -> v2Only.verify(envelope(AWS_FIXTURES + "test-notification-no-subject.json")))
                .isInstanceOf(UnprocessableMessageException.class)
                .hasMessageContaining("SignatureVersion 1 is below the minimum 2");
        v2Only.verify(envelope(AWS_FIXTURES + "test-notification-signature-v2.json"));
        assertThat(ParkReasons.of("SNS SignatureVersion 1 is below the minimum 2"))
                .isEqualTo(io.mpsaas.entitlement.service.EntitlementMetrics.ParkReason.SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example/x", "us-west-2.amazonaws.com.evil.example#", "us-west-2@evil", "US-WEST-2",
        "us west 2", "..", "us-west-"})
    void aTopicRegionThatIsNotARegionName_isRefused_beforeAnyHostIsBuilt(String region) throws Exception {
        SnsEnvelope real = envelope(AWS_FIXTURES + "test-notification-no-subject.json");
        String topicArn = "arn:aws:sns:" + region + ":131990247566:dongie-standard-topic";
        SnsEnvelope forged = new SnsEnvelope(real.messageId(), topicArn, null, real.message(), real.timestamp(),
                real.signatureVersion(), real.signature(), real.signingCertUrl());

        assertThatThrownBy(() -> production(INSIDE_VALIDITY).verify(forged))
                .isInstanceOf(UnprocessableMessageException.class)
                .hasMessageMatching("TopicArn (region is not an AWS region name.*|is not an SNS topic ARN)");
        assertThat(fetches.get()).isZero();
    }

    @Test
    void realRegionNames_areAccepted() throws Exception {
        for (String region : List.of("us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1",
                "il-central-1", "me-south-1")) {
            assertThat(SnsSignatureVerifier.topicRegion("arn:aws:sns:" + region + ":123456789012:t")).isEqualTo(region);
        }
    }
}
