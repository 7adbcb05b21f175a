package io.mpsaas.sandbox;

import io.mpsaas.common.Causes;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local and ElasticMQ in this JVM, with the suite's tables and queues (each queue with its dead-letter queue
 * and redrive policy) created. Credentials are the fixed pair {@code test}/{@code test}; region us-east-1.
 */
public final class LocalAws implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalAws.class);

    /** DynamoDB Local logs every request at INFO; held here so the level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger DYNAMO_LOCAL_LOG = quiet("software.amazon.dynamodb");
    private static final java.util.logging.Logger DYNAMO_LOCAL_LEGACY_LOG = quiet("com.amazonaws.services.dynamodbv2");
    private static final java.util.logging.Logger JETTY_LOG = quiet("org.eclipse.jetty");
    /**
     * ElasticMQ and its actor system log each queue they create and their start at INFO, a dozen lines per start; the
     * actor system also warns, as the JVM stops, that it cannot add a shutdown hook then (it needs none).
     */
    private static final java.util.logging.Logger ELASTICMQ_LOG = quiet("org.elasticmq");
    private static final java.util.logging.Logger PEKKO_LOG = quiet("org.apache.pekko", java.util.logging.Level.SEVERE);
    /**
     * DynamoDB Local logs a WARN with a stack trace for every request it refuses, including a failed condition, which
     * for the suite is a normal outcome (an idempotent write meeting its earlier self, a lease already taken). Those
     * alone are left out; any other refusal (a validation error, a transaction conflict) is still logged.
     */
    private static final java.util.logging.Logger DYNAMO_LOCAL_HANDLER_LOG = withoutNormalOutcomes(
            "software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler");

    /** A refusal that only reports failed conditions: {@code The conditional request failed}, or a cancelled
     * transaction whose every reason is {@code ConditionalCheckFailed} or {@code None}. */
    private static final java.util.regex.Pattern NORMAL_OUTCOME = java.util.regex.Pattern.compile(
            "The conditional request failed|Transaction cancelled, please refer cancellation reasons for specific"
                    + " reasons \\[(?:(?:ConditionalCheckFailed|None)(?:, )?)+\\]");

    public static final String ACCESS_KEY_ID = "test";
    public static final String SECRET_ACCESS_KEY = "test";
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "000000000000";

    private final DynamoDBProxyServer dynamo;
    private final SQSRestServer elasticMq;
    private final URI dynamoEndpoint;
    private final URI sqsEndpoint;
    private final DynamoDbClient dynamoClient;
    private final SqsClient sqsClient;
    private final Map<String, String> queueUrls = new LinkedHashMap<>();

    private LocalAws(String host, int dynamoPort, int sqsPort) throws Exception {
        int port = dynamoPort == 0 ? freePort() : dynamoPort;
        // in memory, no telemetry (there is no network); Jetty threads are non-daemon: close() stops them
        dynamo = quietly(() -> ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(port)}));
        bind(dynamo, host);
        dynamo.start();
        // a listening address of every interface is reached through loopback
        dynamoEndpoint = URI.create("http://" + MarketplaceSimulator.hostForUri(host) + ":" + port);

        var builder = SQSRestServerBuilder.withInterface(host).withAWSRegion(REGION).withAWSAccountId(ACCOUNT_ID);
        elasticMq = (sqsPort == 0 ? builder.withDynamicPort() : builder.withPort(sqsPort)).start();
        int boundSqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
        sqsEndpoint = URI.create("http://" + MarketplaceSimulator.hostForUri(host) + ":" + boundSqsPort);

        StaticCredentialsProvider credentials = credentials();
        dynamoClient = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqsClient = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Starts both on the given ports (0 = a free port) and creates the suite's tables and queues. */
    public static LocalAws start(String host, int dynamoPort, int sqsPort) {
        try {
            LocalAws aws = new LocalAws(host, dynamoPort, sqsPort);
            aws.createTables();
            aws.createQueues();
            return aws;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start DynamoDB Local / ElasticMQ: " + e.getMessage(), e);
        }
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    private void createTables() {
        for (String table : SuiteTables.ALL) {
            try {
                dynamoClient.createTable(SuiteTables.createTableRequest(table));
                dynamoClient.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(
                        TimeToLiveSpecification.builder().enabled(true).attributeName(SuiteTables.TTL).build()));
            } catch (ResourceInUseException alreadyThere) {
                LOG.debugf("Table %s exists", table);
            }
        }
    }

    private void createQueues() {
        for (String queue : SuiteQueues.ALL) {
            createQueueWithDeadLetterQueue(queue, SuiteQueues.MAX_RECEIVE_COUNT);
        }
    }

    /**
     * Creates {@code name-dlq} and {@code name} with a redrive policy to it (SQS defaults otherwise, 30 s visibility);
     * answers the queue's URL. Tests use it for queues of their own.
     */
    public String createQueueWithDeadLetterQueue(String name, int maxReceiveCount) {
        String dlqName = SuiteQueues.deadLetterQueue(name);
        String dlqUrl = sqsClient.createQueue(r -> r.queueName(dlqName)
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600"))).queueUrl();
        String dlqArn = sqsClient.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = sqsClient.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "30",
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}")))
                .queueUrl();
        queueUrls.put(name, url);
        queueUrls.put(dlqName, dlqUrl);
        return url;
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    public DynamoDbClient dynamo() {
        return dynamoClient;
    }

    public SqsClient sqs() {
        return sqsClient;
    }

    /** URL of a queue this sandbox created, by name. */
    public String queueUrl(String name) {
        String url = queueUrls.get(name);
        return url != null ? url : sqsClient.getQueueUrl(r -> r.queueName(name)).queueUrl();
    }

    @Override
    public void close() {
        sqsClient.close();
        dynamoClient.close();
        try {
            elasticMq.stopAndWait();
        } catch (Exception e) {
            // also the TimeoutException Scala's Await throws unchecked when the server takes over a minute
            LOG.debugf("ElasticMQ stop: %s", e);
        }
        try {
            dynamo.stop();
        } catch (Exception e) {
            LOG.debugf("DynamoDB Local stop: %s", e);
        }
    }

    /** What {@link #quietly} runs. */
    private interface Creation<T> {
        T create() throws Exception;
    }

    /**
     * Runs {@code creation} with {@code System.out} held back, then logs what it printed at DEBUG: DynamoDB Local prints
     * a nine-line banner of its configuration on every start, which a person running the suite has no use for.
     */
    private static synchronized <T> T quietly(Creation<T> creation) throws Exception {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(held, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return creation.create();
        } finally {
            System.setOut(out);
            LOG.debugf("DynamoDB Local: %s", held.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * DynamoDB Local has no option for its interface: its Jetty server listens on every interface unless told
     * otherwise, so its one connector is given {@code host} before it starts (the services, ElasticMQ and the
     * simulator listen on the same address).
     */
    private static void bind(DynamoDBProxyServer server, String host) throws ReflectiveOperationException {
        java.lang.reflect.Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        for (Connector connector : ((Server) field.get(server)).getConnectors()) {
            if (connector instanceof AbstractNetworkConnector network) {
                network.setHost(host);
            }
        }
    }

    /** Whether a DynamoDB Local log line reports only a failed condition (see {@link #DYNAMO_LOCAL_HANDLER_LOG}). */
    static boolean normalOutcome(java.util.logging.LogRecord record) {
        if (Causes.any(record.getThrown(),
                t -> t.getMessage() != null && NORMAL_OUTCOME.matcher(t.getMessage()).find())) {
            return true;
        }
        return record.getMessage() != null && NORMAL_OUTCOME.matcher(record.getMessage()).find();
    }

    private static java.util.logging.Logger withoutNormalOutcomes(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setFilter(record -> !normalOutcome(record));
        return logger;
    }

    private static java.util.logging.Logger quiet(String name) {
        return quiet(name, java.util.logging.Level.WARNING);
    }

    private static java.util.logging.Logger quiet(String name, java.util.logging.Level level) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(level);
        return logger;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
