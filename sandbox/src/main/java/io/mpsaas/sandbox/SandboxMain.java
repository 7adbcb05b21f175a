package io.mpsaas.sandbox;

import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.ui.MarketplaceUi;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jboss.logging.Logger;

/**
 * {@code java -jar sandbox/target/marketplace-sandbox.jar [options]}: runs DynamoDB Local, ElasticMQ and the AWS
 * Marketplace simulator until Ctrl-C, and prints where they listen and how to point a service at them.
 */
public final class SandboxMain {

    static {
        // before any logger exists: JBoss Logging (ours, DynamoDB Local's log4j bridge, ElasticMQ's slf4j bridge)
        // goes through JBoss LogManager, as in the services
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    }

    private static final Logger LOG = Logger.getLogger(SandboxMain.class);

    private static final String USAGE = """
            Usage: java -jar sandbox/target/marketplace-sandbox.jar [options]
              --host <address>          interface to listen on (default 127.0.0.1)
              --dynamodb-port <port>    DynamoDB Local (default 8000; 0 = any free port)
              --sqs-port <port>         ElasticMQ, the SQS API (default 9324; 0 = any free port)
              --marketplace-port <port> AWS Marketplace simulator (default 8100; 0 = any free port)
              --fulfillment-url <url>   where buyers land after subscribing (default http://localhost:8080/)
              --metering-url <url>      metering service the web UI's usage generator posts to
                                        (default http://localhost:8082)
              --metering-api-key <key>  API key the usage generator presents (default the metering dev key)
              --random-ports            every port 0
              --help                    this text""";

    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int dynamo = Sandbox.Ports.DEFAULT.dynamo();
        int sqs = Sandbox.Ports.DEFAULT.sqs();
        int marketplace = Sandbox.Ports.DEFAULT.marketplace();
        URI fulfillment = URI.create("http://localhost:8080/");
        URI meteringUrl = MarketplaceSimulator.DEFAULT_METERING_URL;
        String meteringApiKey = MarketplaceSimulator.DEFAULT_METERING_API_KEY;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--dynamodb-port" -> dynamo = Integer.parseInt(args[++i]);
                    case "--sqs-port" -> sqs = Integer.parseInt(args[++i]);
                    case "--marketplace-port" -> marketplace = Integer.parseInt(args[++i]);
                    case "--fulfillment-url" -> fulfillment = URI.create(args[++i]);
                    case "--metering-url" -> meteringUrl = URI.create(args[++i]);
                    case "--metering-api-key" -> meteringApiKey = args[++i];
                    case "--random-ports" -> {
                        dynamo = 0;
                        sqs = 0;
                        marketplace = 0;
                    }
                    case "--help", "-h" -> {
                        // plain text on stdout, as a command's usage is: not a log line
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf("%s%n%s", e.getMessage(), USAGE);
            System.exit(2);
        }

        long started = System.nanoTime();
        Sandbox sandbox = Sandbox.start(host, new Sandbox.Ports(dynamo, sqs, marketplace), fulfillment);
        sandbox.simulator().meteringUrl(meteringUrl);
        sandbox.simulator().meteringApiKey(meteringApiKey);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "sandbox-shutdown"));

        StringBuilder summary = new StringBuilder();
        summary.append(String.format("%nSandbox ready in %d ms%n", (System.nanoTime() - started) / 1_000_000));
        summary.append(String.format("  DynamoDB Local            %s%n", sandbox.aws().dynamoEndpoint()));
        summary.append(String.format("  SQS (ElasticMQ)           %s%n", sandbox.aws().sqsEndpoint()));
        summary.append(String.format("  AWS Marketplace simulator %s  (control API under /sandbox/)%n",
                sandbox.simulator().endpoint()));
        summary.append(String.format("  Marketplace web UI        %s%s%n", sandbox.simulator().endpoint(),
                MarketplaceUi.ROOT));
        summary.append(String.format("  Fulfillment URL           %s%n", fulfillment));
        summary.append(String.format("  Usage generator posts to  %s/v1/usage%n", meteringUrl));
        summary.append(String.format("  Credentials               access key id %s, secret %s, region %s%n",
                LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY, LocalAws.REGION));
        summary.append(String.format("Service configuration for this sandbox:%n"));
        for (Map.Entry<String, String> e : sandbox.serviceConfig().entrySet()) {
            summary.append(String.format("  %s=%s%n", e.getKey(), e.getValue()));
        }
        summary.append("Ctrl-C stops the sandbox.");
        LOG.info(summary);
        stopped.await();
    }
}
