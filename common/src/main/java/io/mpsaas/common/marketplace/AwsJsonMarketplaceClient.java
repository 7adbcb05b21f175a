package io.mpsaas.common.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.utils.IoUtils;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * {@link Marketplace} over the AWS JSON 1.1 wire protocol. The SDK's typed Marketplace clients reachable from our
 * registry predate {@code LicenseArn}, so this adapter writes the JSON itself and leaves the hard parts to the SDK: the
 * SigV4 signer (signing name {@code aws-marketplace}), the default credentials chain (IRSA), the HTTP client and the
 * standard retry strategy with exponential backoff and jitter.
 */
public final class AwsJsonMarketplaceClient implements Marketplace, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AwsJsonMarketplaceClient.class);

    static final String SIGNING_NAME = "aws-marketplace";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** The Agreement API speaks AWS JSON 1.0: same envelope, its own content type. */
    static final String CONTENT_TYPE_1_0 = "application/x-amz-json-1.0";
    static final String RESOLVE_CUSTOMER = "AWSMPMeteringService.ResolveCustomer";
    static final String BATCH_METER_USAGE = "AWSMPMeteringService.BatchMeterUsage";
    static final String GET_ENTITLEMENTS = "AWSMPEntitlementService.GetEntitlements";
    private static final String USER_AGENT = "mpsaas-suite/0.1";

    private final MarketplaceClientSettings settings;
    private final ObjectMapper mapper;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final RetryStrategy retryStrategy;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private volatile MarketplaceCallListener listener = MarketplaceCallListener.NONE;

    /**
     * @param mapper the application's ObjectMapper; this client only reads and writes trees with it
     */
    public AwsJsonMarketplaceClient(MarketplaceClientSettings settings, ObjectMapper mapper, SdkHttpClient http,
            AwsCredentialsProvider credentials, RetryStrategy retryStrategy) {
        this.settings = settings;
        this.mapper = mapper;
        this.http = http;
        this.credentials = credentials;
        this.retryStrategy = retryStrategy;
    }

    /** Builds the client from settings: URL-connection HTTP client, static or default-chain credentials, SDK retries. */
    public static AwsJsonMarketplaceClient create(MarketplaceClientSettings settings, ObjectMapper mapper) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.readTimeout())
                .build();
        AwsCredentialsProvider credentials = settings.accessKeyId() != null
                ? StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        return new AwsJsonMarketplaceClient(settings, mapper, http, credentials, retryStrategy(settings));
    }

    /**
     * The SDK's standard strategy, retrying what {@link MarketplaceException#retryable()} says. The circuit breaker is
     * off: callers (the metering job, the fulfillment page) have their own bounded re-drive, and a drained token
     * bucket would turn a throttling storm into failures that were never tried.
     */
    public static RetryStrategy retryStrategy(MarketplaceClientSettings settings) {
        Duration throttlingBase = settings.retryBaseDelay().multipliedBy(5);
        return DefaultRetryStrategy.standardStrategyBuilder()
                .maxAttempts(settings.maxAttempts())
                .retryOnException(t -> t instanceof MarketplaceException e && e.retryable())
                .treatAsThrottling(t -> t instanceof MarketplaceException e && e.error() == MarketplaceError.THROTTLING)
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.retryBaseDelay(), settings.retryMaxBackoff()))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingBase, settings.retryMaxBackoff()))
                .circuitBreakerEnabled(false)
                .build();
    }

    public MarketplaceClientSettings settings() {
        return settings;
    }

    /**
     * Observes every call from now on (metrics, traces); {@code null} observes nothing. The listener is guarded: it
     * can never fail or slow down a call by throwing.
     */
    public AwsJsonMarketplaceClient listener(MarketplaceCallListener listener) {
        this.listener = listener == null ? MarketplaceCallListener.NONE
                : MarketplaceCallListener.of(List.of(listener));
        return this;
    }

    @Override
    public ResolvedCustomer resolveCustomer(String registrationToken) {
        if (registrationToken == null || registrationToken.isBlank()) {
            throw new IllegalArgumentException("registration token is empty");
        }
        ObjectNode body = mapper.createObjectNode().put("RegistrationToken", registrationToken);
        JsonNode answer = call(settings.meteringUri(), settings.region(), RESOLVE_CUSTOMER, body);
        return new ResolvedCustomer(text(answer, "CustomerIdentifier"), text(answer, "CustomerAWSAccountId"),
                text(answer, "ProductCode"), text(answer, "LicenseArn"));
    }

    @Override
    public BatchMeterUsageResult batchMeterUsage(BatchMeterUsageRequest request) {
        ObjectNode body = mapper.createObjectNode();
        if (request.productCode() != null) {
            body.put("ProductCode", request.productCode());
        }
        ArrayNode records = body.putArray("UsageRecords");
        request.usageRecords().forEach(r -> records.add(writeUsageRecord(r)));
        JsonNode answer = call(settings.meteringUri(), settings.region(), BATCH_METER_USAGE, body);
        List<UsageRecordResult> results = new ArrayList<>();
        for (JsonNode r : answer.path("Results")) {
            results.add(new UsageRecordResult(readUsageRecord(r.path("UsageRecord")), text(r, "MeteringRecordId"),
                    UsageRecordStatus.fromWire(text(r, "Status"))));
        }
        List<UsageRecord> unprocessed = new ArrayList<>();
        for (JsonNode r : answer.path("UnprocessedRecords")) {
            unprocessed.add(readUsageRecord(r));
        }
        return new BatchMeterUsageResult(results, unprocessed);
    }

    @Override
    public EntitlementsPage getEntitlements(GetEntitlementsRequest request) {
        ObjectNode body = mapper.createObjectNode().put("ProductCode", request.productCode());
        if (!request.filter().isEmpty()) {
            ObjectNode filter = body.putObject("Filter");
            for (Map.Entry<EntitlementFilter, List<String>> e : request.filter().entrySet()) {
                ArrayNode values = filter.putArray(e.getKey().name());
                e.getValue().forEach(values::add);
            }
        }
        if (request.nextToken() != null) {
            body.put("NextToken", request.nextToken());
        }
        if (request.maxResults() != null) {
            body.put("MaxResults", request.maxResults());
        }
        JsonNode answer = call(settings.entitlementUri(), MarketplaceClientSettings.ENTITLEMENT_REGION,
                GET_ENTITLEMENTS, body);
        List<Entitlement> entitlements = new ArrayList<>();
        for (JsonNode e : answer.path("Entitlements")) {
            entitlements.add(new Entitlement(text(e, "ProductCode"), text(e, "Dimension"),
                    text(e, "CustomerIdentifier"), text(e, "CustomerAWSAccountId"), text(e, "LicenseArn"),
                    readValue(e.path("Value")), timestamp(e.path("ExpirationDate"))));
        }
        return new EntitlementsPage(entitlements, text(answer, "NextToken"));
    }

    @Override
    public void close() {
        http.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    // ---- the call, with the SDK's retry strategy around it

    private JsonNode call(URI endpoint, String region, String target, ObjectNode body) {
        return call(endpoint, region, target, CONTENT_TYPE, body);
    }

    /**
     * One signed call with this client's retries and listener; {@link AwsJsonAgreementClient} sends its AWS JSON 1.0
     * calls through here so both APIs share signing, backoff, metrics and traces.
     */
    JsonNode call(URI endpoint, String region, String target, String contentType, ObjectNode body) {
        byte[] payload;
        try {
            payload = mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/"
                        : endpoint.getRawPath())
                .putHeader("Content-Type", contentType)
                .putHeader("X-Amz-Target", target)
                .putHeader("Content-Length", Integer.toString(payload.length))
                .putHeader("User-Agent", USER_AGENT)
                .build();
        return retried(target.substring(target.indexOf('.') + 1), target, region, request, payload);
    }

    /**
     * One signed REST-JSON {@code GET} (the Catalog API's {@code DescribeEntity}) with the same signing, retries and
     * listener as {@link #call}: the operation's path under the endpoint, its members as query parameters.
     */
    JsonNode get(URI endpoint, String region, String operation, Map<String, String> query) {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(endpoint)
                .encodedPath(base + "/" + operation)
                .putHeader("Accept", "application/json")
                .putHeader("User-Agent", USER_AGENT);
        query.forEach(request::putRawQueryParameter);
        return retried(operation, operation, region, request.build(), null);
    }

    private JsonNode retried(String operation, String target, String region, SdkHttpRequest request,
            byte[] payload) {
        MarketplaceCallListener.Call observed = listener.start(operation);
        AcquireInitialTokenResponse initial = retryStrategy.acquireInitialToken(AcquireInitialTokenRequest.create(target));
        RetryToken token = initial.token();
        try {
            pause(initial.delay(), target);
        } catch (MarketplaceException interrupted) {
            observed.failed(interrupted);
            throw interrupted;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                JsonNode answer = attempt(request, region, target, payload);
                retryStrategy.recordSuccess(RecordSuccessRequest.create(token));
                observed.succeeded(attempt);
                return answer;
            } catch (MarketplaceException failure) {
                observed.attemptFailed(attempt, failure);
                RefreshRetryTokenResponse refresh;
                try {
                    refresh = retryStrategy.refreshRetryToken(
                            RefreshRetryTokenRequest.builder().token(token).failure(failure).build());
                } catch (TokenAcquisitionFailedException giveUp) {
                    MarketplaceException gaveUp = failure.afterAttempts(attempt);
                    observed.failed(gaveUp);
                    throw gaveUp;
                }
                LOG.debugf("%s attempt %d failed with %s (request %s); retrying in %s", target, attempt,
                        failure.errorType(), failure.requestId(), refresh.delay());
                token = refresh.token();
                try {
                    pause(refresh.delay(), target);
                } catch (MarketplaceException interrupted) {
                    observed.failed(interrupted);
                    throw interrupted;
                }
            }
        }
    }

    /** One signed attempt; {@code payload} null for a request without a body (a GET). */
    private JsonNode attempt(SdkHttpRequest request, String region, String target, byte[] payload) {
        URI endpoint = request.getUri();
        SignedRequest signed;
        try {
            signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(payload == null ? null : ContentStreamProvider.fromByteArrayUnsafe(payload))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        } catch (RuntimeException e) {
            // no credentials: not retryable, and the message says where the chain looked
            throw new MarketplaceException(MarketplaceError.ACCESS_DENIED, "CredentialsUnavailable",
                    "cannot sign the request: " + e.getMessage(), 0, null, 1, e);
        }
        HttpExecuteResponse response;
        byte[] responseBody;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            responseBody = readBody(response);
        } catch (IOException | RuntimeException e) {
            throw new MarketplaceException(MarketplaceError.TRANSPORT, MarketplaceError.TRANSPORT.wireName(),
                    target + " to " + endpoint + " failed: " + e, 0, null, 1, e);
        }
        int status = response.httpResponse().statusCode();
        String requestId = response.httpResponse().firstMatchingHeader("x-amzn-RequestId").orElse(null);
        JsonNode json = parse(responseBody);
        if (status / 100 == 2) {
            if (json == null) {
                throw new MarketplaceException(MarketplaceError.TRANSPORT, MarketplaceError.TRANSPORT.wireName(),
                        target + " answered " + status + " with a body that is not JSON", status, requestId, 1,
                        null);
            }
            return json;
        }
        String type = json != null && json.hasNonNull("__type") ? json.get("__type").asText()
                : response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null);
        String message = json == null ? null
                : json.hasNonNull("message") ? json.get("message").asText()
                : json.hasNonNull("Message") ? json.get("Message").asText() : null;
        MarketplaceError error = MarketplaceError.fromWire(type);
        if (error == MarketplaceError.UNKNOWN && status >= 500) {
            error = MarketplaceError.INTERNAL_SERVICE_ERROR;
        } else if (error == MarketplaceError.UNKNOWN && (status == 401 || status == 403)) {
            error = MarketplaceError.ACCESS_DENIED;
        }
        throw new MarketplaceException(error, type == null ? "HTTP " + status : type,
                message == null ? target + " answered HTTP " + status : message, status, requestId, 1, null);
    }

    private static byte[] readBody(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return new byte[0];
        }
        try (InputStream in = response.responseBody().get()) {
            return IoUtils.toByteArray(in);
        }
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void pause(Duration delay, String target) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MarketplaceException(MarketplaceError.TRANSPORT, MarketplaceError.TRANSPORT.wireName(),
                    target + " interrupted while backing off", 0, null, 1, e);
        }
    }

    // ---- JSON mapping

    private ObjectNode writeUsageRecord(UsageRecord record) {
        ObjectNode node = mapper.createObjectNode();
        node.put("Timestamp", epochSeconds(record.timestamp()));
        putIfPresent(node, "CustomerIdentifier", record.customerIdentifier());
        putIfPresent(node, "CustomerAWSAccountId", record.customerAwsAccountId());
        putIfPresent(node, "LicenseArn", record.licenseArn());
        node.put("Dimension", record.dimension());
        node.put("Quantity", record.quantity());
        if (!record.usageAllocations().isEmpty()) {
            ArrayNode allocations = node.putArray("UsageAllocations");
            for (UsageAllocation allocation : record.usageAllocations()) {
                ObjectNode a = allocations.addObject().put("AllocatedUsageQuantity",
                        allocation.allocatedUsageQuantity());
                if (!allocation.tags().isEmpty()) {
                    ArrayNode tags = a.putArray("Tags");
                    allocation.tags().forEach(t -> tags.addObject().put("Key", t.key()).put("Value", t.value()));
                }
            }
        }
        return node;
    }

    private static UsageRecord readUsageRecord(JsonNode node) {
        List<UsageAllocation> allocations = new ArrayList<>();
        for (JsonNode a : node.path("UsageAllocations")) {
            List<UsageAllocation.Tag> tags = new ArrayList<>();
            for (JsonNode t : a.path("Tags")) {
                tags.add(new UsageAllocation.Tag(text(t, "Key"), text(t, "Value")));
            }
            allocations.add(new UsageAllocation(a.path("AllocatedUsageQuantity").asInt(), tags));
        }
        return new UsageRecord(timestamp(node.path("Timestamp")), text(node, "CustomerIdentifier"),
                text(node, "CustomerAWSAccountId"), text(node, "LicenseArn"), text(node, "Dimension"),
                node.path("Quantity").asInt(0), allocations);
    }

    private static EntitlementValue readValue(JsonNode value) {
        if (value.hasNonNull("IntegerValue")) {
            return new EntitlementValue.IntegerValue(value.get("IntegerValue").asInt());
        }
        if (value.hasNonNull("DoubleValue")) {
            return new EntitlementValue.DoubleValue(value.get("DoubleValue").asDouble());
        }
        if (value.hasNonNull("BooleanValue")) {
            return new EntitlementValue.BooleanValue(value.get("BooleanValue").asBoolean());
        }
        if (value.hasNonNull("StringValue")) {
            return new EntitlementValue.StringValue(value.get("StringValue").asText());
        }
        return null;
    }

    /** Epoch seconds with millisecond precision, as the SDKs write AWS JSON timestamps. */
    static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli(), 3);
    }

    /** Epoch seconds (number) as AWS sends them; an ISO-8601 string is accepted too. Missing is null. */
    static Instant timestamp(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return Instant.ofEpochMilli(node.decimalValue().movePointRight(3).longValue());
        }
        return Instant.parse(node.asText());
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
