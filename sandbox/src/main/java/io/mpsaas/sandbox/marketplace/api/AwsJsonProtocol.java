package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionRegistry;
import io.mpsaas.sandbox.marketplace.catalog.Catalog;
import io.mpsaas.sandbox.marketplace.fault.FaultInjector;
import io.mpsaas.sandbox.marketplace.fault.InjectedError;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.QuotaGuard;
import io.mpsaas.sandbox.marketplace.ledger.Ledger;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The AWS JSON 1.1 (Metering, Entitlement) and 1.0 (Agreement API) front door ({@code POST /},
 * {@code X-Amz-Target}): SigV4 scope check, fault injection and quotas,
 * then the operation. Independent of the HTTP server so it can be driven in-process.
 */
public final class AwsJsonProtocol {

    private static final Logger LOG = Logger.getLogger(AwsJsonProtocol.class);

    /** The SigV4 signing name of both Marketplace services (not "metering" / "entitlement"). */
    public static final String SIGNING_NAME = "aws-marketplace";

    private static final Pattern CREDENTIAL =
            Pattern.compile("Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request");

    private final ObjectMapper mapper;
    private final Supplier<Instant> clock;
    private final FaultInjector faults;
    private final QuotaGuard quotas;
    private final ResolveCustomerOperation resolveCustomer;
    private final BatchMeterUsageOperation batchMeterUsage;
    private final GetEntitlementsOperation getEntitlements;
    private final AgreementOperations agreements;
    private final CatalogOperations catalog;

    public AwsJsonProtocol(ObjectMapper mapper, Supplier<Instant> clock, Catalog catalog,
            SubscriptionRegistry registry, Ledger ledger, FaultInjector faults, QuotaGuard quotas,
            Supplier<String> sellerAccountId) {
        this.mapper = mapper;
        this.clock = clock;
        this.faults = faults;
        this.quotas = quotas;
        this.resolveCustomer = new ResolveCustomerOperation(mapper, registry);
        this.batchMeterUsage = new BatchMeterUsageOperation(mapper, catalog, registry, ledger, faults);
        this.getEntitlements = new GetEntitlementsOperation(mapper, catalog, registry, faults);
        this.agreements = new AgreementOperations(mapper, registry, sellerAccountId);
        this.catalog = new CatalogOperations(mapper, registry, sellerAccountId);
    }

    /**
     * Answers one Catalog API (REST-JSON) call, {@code GET /DescribeEntity?catalog=...&entityId=...}: the same SigV4
     * scope check, fault injection and quotas as the JSON protocols; errors as the Catalog API sends them (HTTP status
     * per error, {@code x-amzn-ErrorType}, a {@code Message} body).
     */
    public AwsResponse handleDescribeEntity(String authorization, Map<String, String> query) {
        RequestContext ctx = new RequestContext(UUID.randomUUID().toString(), clock.get());
        Operation op = Operation.DESCRIBE_ENTITY;
        try {
            checkAuthorization(authorization, op);
            delay(faults.latencyMs(op));
            Optional<InjectedError> injected = faults.nextError(op);
            if (injected.isPresent()) {
                InjectedError e = injected.get();
                throw new AwsApiError(e.errorCode(), restStatus(e.errorCode(), e.httpStatus()), e.message());
            }
            if (!quotas.tryAcquire(op)) {
                throw new AwsApiError("ThrottlingException", 429, "Rate exceeded for DescribeEntity.");
            }
            ObjectNode answer = catalog.describeEntity(query);
            return new AwsResponse(200, ctx.requestId(), null, mapper.writeValueAsBytes(answer));
        } catch (AwsApiError e) {
            LOG.debugf("DescribeEntity %s -> %s: %s", ctx.requestId(), e.errorType(), e.getMessage());
            return restError(ctx, e.errorType(), restStatus(e.errorType(), e.httpStatus()), e.getMessage());
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.errorf(e, "DescribeEntity %s failed inside the simulator", ctx.requestId());
            return restError(ctx, "InternalServiceException", 500,
                    "An internal error occurred in the marketplace simulator: " + e);
        }
    }

    /** The Catalog API's HTTP status of an error (botocore {@code httpStatusCode}); a sign-in failure is a 403. */
    private static int restStatus(String errorType, int given) {
        return switch (errorType) {
            case "ThrottlingException" -> 429;
            case "ResourceNotFoundException" -> 404;
            case "ValidationException" -> 422;
            case "AccessDeniedException", "MissingAuthenticationTokenException", "IncompleteSignatureException",
                    "InvalidSignatureException", "UnrecognizedClientException" -> 403;
            case "InternalServiceException", "InternalServiceErrorException", "ServiceUnavailableException" -> 500;
            default -> given;
        };
    }

    private AwsResponse restError(RequestContext ctx, String type, int status, String message) {
        ObjectNode body = mapper.createObjectNode().put("Message", message);
        try {
            return new AwsResponse(status, ctx.requestId(), type, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Answers one call.
     *
     * @param target        the {@code X-Amz-Target} header (may be null)
     * @param authorization the {@code Authorization} header (may be null)
     * @param body          the request body
     */
    public AwsResponse handle(String target, String authorization, byte[] body) {
        RequestContext ctx = new RequestContext(UUID.randomUUID().toString(), clock.get());
        Optional<Operation> operation = Operation.fromTarget(target);
        JsonNode request = null;
        try {
            checkAuthorization(authorization, operation.orElse(null));
            Operation op = operation.orElseThrow(() -> AwsApiError.client("UnknownOperationException",
                    target == null ? "Missing X-Amz-Target header." : "Operation " + target + " is not supported."));
            delay(faults.latencyMs(op));
            Optional<InjectedError> injected = faults.nextError(op);
            if (injected.isPresent()) {
                InjectedError e = injected.get();
                throw new AwsApiError(e.errorCode(), e.httpStatus(), e.message());
            }
            if (!quotas.tryAcquire(op)) {
                throw AwsApiError.client("ThrottlingException", "Rate exceeded for " + op.awsName()
                        + " (the simulator enforces AWS's request quota).");
            }
            request = parse(body);
            if (op.catalogApi()) {
                throw AwsApiError.client("UnknownOperationException", "DescribeEntity is GET /DescribeEntity.");
            }
            ObjectNode answer = switch (op) {
                case RESOLVE_CUSTOMER -> resolveCustomer.handle(request, ctx);
                case BATCH_METER_USAGE -> batchMeterUsage.handle(request, ctx);
                case GET_ENTITLEMENTS -> getEntitlements.handle(request, ctx);
                case DESCRIBE_AGREEMENT -> agreements.describe(request);
                case GET_AGREEMENT_TERMS -> agreements.terms(request);
                case SEARCH_AGREEMENTS -> agreements.search(request);
                case GET_AGREEMENT_ENTITLEMENTS -> agreements.entitlements(request, ctx);
                case DESCRIBE_ENTITY -> throw new IllegalStateException("unreachable");
            };
            LOG.debugf("%s %s -> 200", op.awsName(), ctx.requestId());
            return new AwsResponse(200, ctx.requestId(), null, mapper.writeValueAsBytes(answer));
        } catch (AwsApiError e) {
            if (operation.orElse(null) == Operation.BATCH_METER_USAGE) {
                batchMeterUsage.recordRejected(request != null ? request : lenient(body), ctx, e.errorType());
            }
            LOG.debugf("%s %s -> %d %s: %s", target, ctx.requestId(), e.httpStatus(), e.errorType(), e.getMessage());
            return error(ctx, e);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.errorf(e, "%s %s failed inside the simulator", target, ctx.requestId());
            boolean agreementApi = operation.map(Operation::agreementApi).orElse(false);
            String type = agreementApi ? "InternalServerException" : "InternalServiceErrorException";
            return error(ctx, new AwsApiError(type, 500,
                    "An internal error occurred in the marketplace simulator: " + e));
        }
    }

    private static void checkAuthorization(String authorization, Operation operation) {
        if (authorization == null || authorization.isBlank()) {
            throw AwsApiError.client("MissingAuthenticationTokenException", "Request is missing Authentication Token");
        }
        Matcher m = CREDENTIAL.matcher(authorization);
        if (!authorization.startsWith("AWS4-HMAC-SHA256 ") || !m.find()) {
            throw AwsApiError.client("IncompleteSignatureException", "Authorization header requires 'Credential' "
                    + "parameter. Authorization header requires 'Signature' parameter. Authorization="
                    + authorization.split(" ")[0]);
        }
        String region = m.group(3);
        String service = m.group(4);
        if (!SIGNING_NAME.equals(service)) {
            throw AwsApiError.client("InvalidSignatureException",
                    "Credential should be scoped to correct service: '" + SIGNING_NAME + "'. ");
        }
        // The Entitlement Service and the Agreement API only exist in us-east-1; another scope means a misconfigured
        // client.
        if ((operation == Operation.GET_ENTITLEMENTS
                || operation != null && (operation.agreementApi() || operation.catalogApi()))
                && !"us-east-1".equals(region)) {
            throw AwsApiError.client("InvalidSignatureException",
                    "Credential should be scoped to a valid region, not '" + region + "'. ");
        }
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || node.isMissingNode()) {
                return mapper.createObjectNode();
            }
            if (!node.isObject()) {
                throw AwsApiError.client("SerializationException", "The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw AwsApiError.client("SerializationException", "The request body is not valid JSON: " + why);
        }
    }

    private JsonNode lenient(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private AwsResponse error(RequestContext ctx, AwsApiError e) {
        ObjectNode body = mapper.createObjectNode();
        body.put("__type", e.errorType());
        body.put("message", e.getMessage());
        if (e.reason() != null) {
            body.put("reason", e.reason());
            body.put("requestId", ctx.requestId());
        }
        try {
            return new AwsResponse(e.httpStatus(), ctx.requestId(), e.errorType(), mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void delay(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
