package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.deploy.support.CloudFormation;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.entitlement.listener.NotificationReader;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * deploy/aws/mpsaas.yaml, parsed and evaluated with sample parameters: the tables have common's SuiteTables shape
 * with PITR, encryption and TTL; the queues have SuiteQueues' names and dead-letter queues; only the AWS Marketplace
 * topics and the EventBridge rule may write to the notification queue; each service's role allows exactly the AWS
 * calls the service makes (the table {@link #CALLS}) and trusts only the service's Kubernetes service account.
 */
class CloudFormationTemplateTest {

    private static final String ACCOUNT = "123456789012";
    private static final String OIDC = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    private static final String MARKETPLACE_TOPIC = "arn:aws:sns:us-east-1:287250355862:aws-mp-";
    private static final String LEGACY_TABLE = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/AWSMarketplaceMeteringRecords";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CloudFormation TEMPLATE = CloudFormation.load(Repo.cloudFormationTemplate());

    /**
     * The AWS calls each service makes, by IAM role: the actions and the resources they act on ({@code *} for the
     * AWS Marketplace APIs, which have no resource-level permissions). The roles must allow exactly these, no more.
     * Update this table when a service starts or stops calling something; the template must follow.
     */
    static final Map<String, List<Grant>> CALLS = new LinkedHashMap<>();

    static {
        CALLS.put("OnboardingRole", List.of(
                grant(anything(), "aws-marketplace:ResolveCustomer"),
                // ApiPurchaseService: the registration token of a purchase made through the API
                grant(anything(), "aws-marketplace:GetAgreementEntitlements"),
                // UpdateItem also inside TransactWriteItems (registration + customer item)
                grant(table("CustomersTable"), "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"),
                grant(queue("CustomerEventsQueue"), "sqs:GetQueueUrl", "sqs:SendMessage"),
                // common's DeadLetterQueueGauges (suite.ops.gauges.dead-letter-queues)
                grant(queue("CustomerEventsDeadLetterQueue"), "sqs:GetQueueUrl", "sqs:GetQueueAttributes")));
        CALLS.put("EntitlementRole", List.of(
                grant(anything(), "aws-marketplace:GetEntitlements"),
                // AgreementTermsService and AgreementDiscovery (the Agreement API)
                grant(anything(), "aws-marketplace:DescribeAgreement", "aws-marketplace:GetAgreementTerms",
                        "aws-marketplace:SearchAgreements", "aws-marketplace:GetAgreementEntitlements"),
                // AgreementTermsService: the Catalog API's DescribeEntity of the agreement's offer (public or private)
                grant(anything(), "aws-marketplace:DescribeEntity"),
                // TransactWriteItems of Puts (inbox, webhook deliveries), Updates, ConditionChecks and Deletes (parked
                // agreement events applied); Scan for reconciliation's products and the admin API's customer list;
                // BatchGetItem for a batch's reads and the admin API's lists and searches; BatchWriteItem for a batch's
                // inbox entries marked done and the webhook 2xx outcomes
                grant(tables("CustomersTable", "InboxTable"), "dynamodb:GetItem", "dynamodb:PutItem",
                        "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:ConditionCheckItem",
                        "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"),
                // SendMessage: a replay moves a parked notification back; SqsConsumer requeues one that keeps failing
                grant(queue("NotificationsQueue"), "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage",
                        "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage"),
                // parking (SqsConsumer's Park: send to the DLQ), listing, counting (the depth gauge too) and replaying from it
                grant(queue("NotificationsDeadLetterQueue"), "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"),
                // events, commands, and the admin API's replays; GetQueueAttributes finds their dead-letter queues
                grant(queues("CustomerEventsQueue", "MeteringCommandsQueue", "UsageQueue"), "sqs:GetQueueUrl",
                        "sqs:GetQueueAttributes", "sqs:SendMessage"),
                // the admin API lists, counts and replays the other queues' parked messages
                grant(queues("CustomerEventsDeadLetterQueue", "UsageDeadLetterQueue", "MeteringCommandsDeadLetterQueue"),
                        "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility")));
        CALLS.put("MeteringRole", List.of(
                grant(anything(), "aws-marketplace:BatchMeterUsage"),
                // UsageTable: GetItem, Query (gsi1, gsi2), UpdateItem, TransactWriteItems of a Put and Updates
                grant(table("UsageTable"), "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                        "dynamodb:Query"),
                // CustomerDirectory
                grant(table("CustomersTable"), "dynamodb:GetItem", "dynamodb:Query"),
                // SendMessage: SqsConsumer requeues a message that keeps failing as a fresh copy
                grant(queues("UsageQueue", "MeteringCommandsQueue"), "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage"),
                // parking (SqsConsumer and UsageQueueListener send to the DLQ; the operator API redrives
                // aggregates in the table, not messages) and the depth gauge
                grant(queues("UsageDeadLetterQueue", "MeteringCommandsDeadLetterQueue"), "sqs:GetQueueUrl",
                        "sqs:GetQueueAttributes", "sqs:SendMessage")));
    }

    /**
     * What metering-service may do on the legacy AWSMarketplaceMeteringRecords table once it is named
     * (SampleMeteringTable: Query on the pending index, UpdateItem to mark a record migrated).
     */
    static final Grant LEGACY_CALLS = grant(List.of(LEGACY_TABLE, LEGACY_TABLE + "/index/*"),
            "dynamodb:Query", "dynamodb:UpdateItem");

    /** Service account of each role, as the stack's parameters name them by default (the charts' names). */
    private static final Map<String, String> SERVICE_ACCOUNTS = Map.of("OnboardingRole", "onboarding-service",
            "EntitlementRole", "entitlement-service", "MeteringRole", "metering-service");

    record Grant(List<String> resources, List<String> actions) {
    }

    private static Grant grant(List<String> resources, String... actions) {
        return new Grant(resources, List.of(actions));
    }

    private static List<String> anything() {
        return List.of("*");
    }

    private static List<String> table(String logicalId) {
        return List.of("{" + logicalId + ".Arn}", "{" + logicalId + ".Arn}/index/*");
    }

    private static List<String> tables(String... logicalIds) {
        return Stream.of(logicalIds).flatMap(t -> table(t).stream()).toList();
    }

    private static List<String> queue(String logicalId) {
        return List.of("{" + logicalId + ".Arn}");
    }

    private static List<String> queues(String... logicalIds) {
        return Stream.of(logicalIds).map(q -> "{" + q + ".Arn}").toList();
    }

    private static CloudFormation.Stack deploy(String region, Map<String, String> parameters) {
        Map<String, String> values = new HashMap<>(parameters);
        values.putIfAbsent("EksOidcProvider", OIDC);
        return TEMPLATE.deploy(values, region, ACCOUNT);
    }

    private static CloudFormation.Stack withProducts() {
        return deploy("us-east-1", Map.of("SubscriptionTopicProductCodes", "prod1abc,prod2def",
                "EntitlementTopicProductCodes", "prod2def"));
    }

    @Test
    void template_usesNoYamlAnchors_whichCloudFormationRefuses() {
        assertThat(CloudFormation.anchorsAndAliases(Repo.cloudFormationTemplate())).isEmpty();
    }

    @Test
    void everyParameter_isUsed() throws IOException {
        String text = Files.readString(Repo.cloudFormationTemplate());
        List<String> unused = TEMPLATE.parameters().keySet().stream()
                .filter(p -> !text.contains("!Ref " + p) && !text.contains("${" + p + "}") && !text.contains("Ref: " + p))
                .toList();
        assertThat(unused).isEmpty();
    }

    @Test
    void everyReference_resolves_underEveryConditionCombination() {
        // WHEN the template is evaluated with options off, on, and outside us-east-1; a Ref, GetAtt, Sub or
        // DependsOn to something missing or conditioned out fails the evaluation
        List<CloudFormation.Stack> stacks = List.of(
                deploy("us-east-1", Map.of()),
                withProducts(),
                deploy("us-east-1", Map.of("SubscriptionTopicProductCodes", "prod1abc", "EnableEventBridgeRule", "false")),
                deploy("us-east-1", Map.of("EnableEventBridgeRule", "false")),
                deploy("eu-west-1", Map.of("EntitlementTopicProductCodes", "prod2def")),
                deploy("us-east-1", Map.of("KedaOperatorRoleArn", "arn:aws:iam::" + ACCOUNT + ":role/keda-operator",
                        "LegacyMeteringRecordsTableName", "AWSMarketplaceMeteringRecords")),
                deploy("us-east-1", Map.of("KedaServiceAccount", "", "CreateSecrets", "false", "FulfillmentRateLimit",
                        "300", "AlarmTopicArn", "arn:aws:sns:us-east-1:" + ACCOUNT + ":on-call")),
                deploy("us-east-1", Map.of("AlarmEmail", "oncall@example.com")));

        // THEN every output evaluates too
        for (CloudFormation.Stack stack : stacks) {
            Maps.map(TEMPLATE.raw().get("Outputs")).keySet().forEach(stack::output);
        }
        assertThat(stacks).allSatisfy(s -> assertThat(s.resources()).isNotEmpty());
    }

    @Test
    void aReferenceToAConditionedOutResource_isCaught() {
        // GIVEN the check the test above relies on: an output that reads the rule although it does not exist
        CloudFormation.Stack noRule = deploy("eu-west-1", Map.of());

        // THEN
        assertThatThrownBy(() -> noRule.eval(Map.of("Fn::GetAtt", List.of("NotificationsRule", "Arn"))))
                .hasMessageContaining("NotificationsRule");
    }

    @Test
    void tableNames_areTheServicesDefaults() {
        assertThat(TEMPLATE.parameterDefault("CustomersTableName")).isEqualTo(SuiteTables.CUSTOMERS);
        assertThat(TEMPLATE.parameterDefault("InboxTableName")).isEqualTo(SuiteTables.INBOX);
        assertThat(TEMPLATE.parameterDefault("UsageTableName")).isEqualTo(SuiteTables.USAGE);
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        assertThat(stack.ofType("AWS::DynamoDB::Table")).extracting(t -> t.properties().get("TableName"))
                .containsExactlyInAnyOrderElementsOf(SuiteTables.ALL);
    }

    static Stream<Arguments> tables() {
        return Stream.of(Arguments.of("CustomersTable", SuiteTables.CUSTOMERS), Arguments.of("InboxTable", SuiteTables.INBOX),
                Arguments.of("UsageTable", SuiteTables.USAGE));
    }

    @ParameterizedTest
    @MethodSource("tables")
    void table_hasTheSuiteShape_onDemand_withPitrEncryptionAndTtl(String logicalId, String name) {
        // GIVEN the table the sandbox creates from SuiteTables
        CreateTableRequest expected = SuiteTables.createTableRequest(name);

        // WHEN
        CloudFormation.Resource table = deploy("us-east-1", Map.of()).resource(logicalId);
        Map<String, Object> p = table.properties();

        // THEN
        assertThat(p.get("TableName")).isEqualTo(name);
        assertThat(p.get("BillingMode")).isEqualTo(expected.billingModeAsString());
        assertThat(Maps.list(p.get("AttributeDefinitions"))).containsExactlyInAnyOrderElementsOf(
                expected.attributeDefinitions().stream().map(a -> (Object) Map.of("AttributeName", a.attributeName(),
                        "AttributeType", a.attributeTypeAsString())).toList());
        assertThat(Maps.list(p.get("KeySchema"))).containsExactlyElementsOf(keys(expected.keySchema()));
        assertThat(Maps.list(p.get("GlobalSecondaryIndexes"))).containsExactlyInAnyOrderElementsOf(
                expected.globalSecondaryIndexes().stream().map(i -> (Object) Map.of("IndexName", i.indexName(),
                        "KeySchema", keys(i.keySchema()),
                        "Projection", Map.of("ProjectionType", i.projection().projectionTypeAsString()))).toList());
        assertThat(p.get("TimeToLiveSpecification")).isEqualTo(Map.of("AttributeName", SuiteTables.TTL, "Enabled", true));
        assertThat(p.get("PointInTimeRecoverySpecification")).isEqualTo(Map.of("PointInTimeRecoveryEnabled", true));
        assertThat(p.get("SSESpecification")).isEqualTo(Map.of("SSEEnabled", true));
        assertThat(p.get("DeletionProtectionEnabled")).isEqualTo(true);
        assertThat(table.raw()).containsEntry("DeletionPolicy", "Retain").containsEntry("UpdateReplacePolicy", "Retain");
    }

    private static List<Object> keys(List<software.amazon.awssdk.services.dynamodb.model.KeySchemaElement> keys) {
        return keys.stream().map(k -> (Object) Map.of("AttributeName", k.attributeName(), "KeyType", k.keyTypeAsString()))
                .toList();
    }

    static Stream<Arguments> queues() {
        return Stream.of(
                Arguments.of("NotificationsQueue", "NotificationsQueueName", SuiteQueues.NOTIFICATIONS),
                Arguments.of("CustomerEventsQueue", "CustomerEventsQueueName", SuiteQueues.CUSTOMER_EVENTS),
                Arguments.of("UsageQueue", "UsageQueueName", SuiteQueues.USAGE),
                Arguments.of("MeteringCommandsQueue", "MeteringCommandsQueueName", SuiteQueues.METERING_COMMANDS));
    }

    @ParameterizedTest
    @MethodSource("queues")
    void queue_hasTheSuiteName_andItsDeadLetterQueue(String logicalId, String parameter, String name) {
        // GIVEN
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        String dlqId = logicalId.replace("Queue", "DeadLetterQueue");

        // WHEN
        Map<String, Object> queue = stack.resource(logicalId).properties();
        Map<String, Object> dlq = stack.resource(dlqId).properties();

        // THEN
        assertThat(TEMPLATE.parameterDefault(parameter)).isEqualTo(name);
        assertThat(queue.get("QueueName")).isEqualTo(name);
        assertThat(dlq.get("QueueName")).isEqualTo(SuiteQueues.deadLetterQueue(name));
        assertThat(queue.get("RedrivePolicy")).isEqualTo(Map.of("deadLetterTargetArn", "{" + dlqId + ".Arn}",
                "maxReceiveCount", SuiteQueues.MAX_RECEIVE_COUNT));
        assertThat(queue.get("SqsManagedSseEnabled")).isEqualTo(true);
        assertThat(dlq.get("SqsManagedSseEnabled")).isEqualTo(true);
        assertThat(dlq.get("MessageRetentionPeriod")).as("a dead letter waits 14 days").isEqualTo(1209600);
    }

    @Test
    void everySuiteQueue_isInTheTemplate() {
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        List<Object> names = stack.ofType("AWS::SQS::Queue").stream().map(q -> q.properties().get("QueueName")).toList();
        for (String queue : SuiteQueues.ALL) {
            assertThat(names).contains(queue, SuiteQueues.deadLetterQueue(queue));
        }
    }

    @Test
    void notificationQueue_admitsOnlyTheProductsMarketplaceTopics_andTheRule() {
        // GIVEN two products, the second with a contract (entitlement topic)
        CloudFormation.Stack stack = withProducts();

        // WHEN
        Map<String, Set<String>> writers = writers(stack, "NotificationsQueuePolicy", "{NotificationsQueue.Arn}");

        // THEN exactly the three AWS Marketplace topics (by exact ARN, not aws-mp-*) and our rule
        assertThat(writers).isEqualTo(Map.of(
                "sns.amazonaws.com", Set.of(MARKETPLACE_TOPIC + "subscription-notification-prod1abc",
                        MARKETPLACE_TOPIC + "subscription-notification-prod2def",
                        MARKETPLACE_TOPIC + "entitlement-notification-prod2def"),
                "events.amazonaws.com", Set.of("{NotificationsRule.Arn}")));
    }

    @Test
    void notificationQueue_withEventBridgeOnly_admitsOnlyTheRule() {
        Map<String, Set<String>> writers = writers(deploy("us-east-1", Map.of()), "NotificationsQueuePolicy",
                "{NotificationsQueue.Arn}");

        assertThat(writers).isEqualTo(Map.of("events.amazonaws.com", Set.of("{NotificationsRule.Arn}")));
    }

    @Test
    void notificationQueue_withEntitlementTopicsOnly_admitsOnlyThem() {
        Map<String, Set<String>> writers = writers(deploy("us-east-1", Map.of("EntitlementTopicProductCodes",
                "prod2def", "EnableEventBridgeRule", "false")), "NotificationsQueuePolicy", "{NotificationsQueue.Arn}");

        assertThat(writers).isEqualTo(Map.of("sns.amazonaws.com",
                Set.of(MARKETPLACE_TOPIC + "entitlement-notification-prod2def")));
    }

    @Test
    void notificationQueue_withNoSource_admitsOnlyEntitlementService() {
        // GIVEN outside us-east-1 (AWS Marketplace sends its events to us-east-1 only) and no SNS product
        CloudFormation.Stack stack = deploy("eu-west-1", Map.of());

        // THEN no service may send, and of the account's principals only entitlement-service's role
        assertThat(stack.exists("NotificationsRule")).isFalse();
        assertThat(stack.output("EventBridgeRule").toString()).startsWith("not created");
        assertThat(writers(stack, "NotificationsQueuePolicy", "{NotificationsQueue.Arn}")).isEmpty();
        QueuePolicy policy = QueuePolicy.of(stack, "NotificationsQueuePolicy");
        assertThat(policy.denies(Sender.role("{EntitlementRole.Arn}"))).isFalse();
        assertThat(policy.denies(Sender.role("{MeteringRole.Arn}"))).isTrue();
        assertThat(policy.denies(Sender.service("events.amazonaws.com", "arn:aws:events:eu-west-1:" + ACCOUNT
                + ":rule/anything"))).isTrue();
    }

    static Stream<Arguments> notificationSenders() {
        String otherTopic = MARKETPLACE_TOPIC + "subscription-notification-someoneelse";
        String rootOfTheAccount = "arn:aws:iam::" + ACCOUNT + ":root";
        return Stream.of(
                Arguments.of("our product's subscription topic", Sender.service("sns.amazonaws.com",
                        MARKETPLACE_TOPIC + "subscription-notification-prod1abc"), true, false),
                Arguments.of("our product's entitlement topic", Sender.service("sns.amazonaws.com",
                        MARKETPLACE_TOPIC + "entitlement-notification-prod2def"), true, false),
                Arguments.of("our EventBridge rule", Sender.service("events.amazonaws.com", "{NotificationsRule.Arn}"),
                        true, false),
                Arguments.of("entitlement-service's role (requeue, replay)", Sender.role("{EntitlementRole.Arn}"),
                        false, false),
                Arguments.of("another seller's topic", Sender.service("sns.amazonaws.com", otherTopic), false, true),
                Arguments.of("another rule of the account", Sender.service("events.amazonaws.com",
                        "arn:aws:events:us-east-1:" + ACCOUNT + ":rule/other"), false, true),
                Arguments.of("metering-service's role", Sender.role("{MeteringRole.Arn}"), false, true),
                Arguments.of("the public onboarding-service's role", Sender.role("{OnboardingRole.Arn}"), false, true),
                Arguments.of("an administrator of the account", Sender.role(rootOfTheAccount), false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notificationSenders")
    void notificationQueuePolicy_deniesEverySenderButTheTopicsTheRuleAndEntitlementService(String who, Sender sender,
            boolean allowedByThePolicy, boolean denied) {
        // GIVEN the queue policy of a stack with SNS products and the EventBridge rule
        QueuePolicy policy = QueuePolicy.of(withProducts(), "NotificationsQueuePolicy");

        // THEN only the sources named may send; the explicit Deny wins over any IAM policy of the account
        assertThat(policy.allows(sender)).as("%s allowed by the queue policy", who).isEqualTo(allowedByThePolicy);
        assertThat(policy.denies(sender)).as("%s denied", who).isEqualTo(denied);
    }

    /** Who sends a message: a service principal on behalf of a source ARN, or an IAM principal of the account. */
    record Sender(String service, String sourceArn, String principalArn) {

        static Sender service(String service, String sourceArn) {
            return new Sender(service, sourceArn, null);
        }

        static Sender role(String principalArn) {
            return new Sender(null, null, principalArn);
        }

        /** The request's condition keys (a missing key is absent, as in IAM). */
        Map<String, String> keys() {
            Map<String, String> keys = new HashMap<>();
            if (sourceArn != null) {
                keys.put("aws:SourceArn", sourceArn);
            }
            if (principalArn != null) {
                keys.put("aws:PrincipalArn", principalArn);
            }
            return keys;
        }
    }

    /**
     * A queue policy evaluated as IAM evaluates sqs:SendMessage: a statement applies when its principal, action and
     * every condition match; ArnEquals needs the key and one of the values, ArnNotEquals holds when the key is
     * missing or matches none of them. An explicit Deny wins over every Allow (also over the account's own IAM
     * policies, which the queue policy cannot see).
     */
    record QueuePolicy(List<Map<String, Object>> statements) {

        static QueuePolicy of(CloudFormation.Stack stack, String policyId) {
            return new QueuePolicy(Maps.list(Maps.at(stack.resource(policyId).properties(), "PolicyDocument.Statement"))
                    .stream().map(Maps::map).toList());
        }

        boolean allows(Sender sender) {
            return statements.stream().anyMatch(s -> "Allow".equals(s.get("Effect")) && applies(s, sender));
        }

        boolean denies(Sender sender) {
            return statements.stream().anyMatch(s -> "Deny".equals(s.get("Effect")) && applies(s, sender));
        }

        private static boolean applies(Map<String, Object> statement, Sender sender) {
            if (!asList(statement.get("Action")).contains("sqs:SendMessage")) {
                return false;
            }
            Object principal = statement.get("Principal");
            boolean principalMatches = "*".equals(principal) || (sender.service() != null
                    && asList(Maps.map(principal).get("Service")).contains(sender.service()));
            if (!principalMatches) {
                return false;
            }
            for (Map.Entry<String, Object> operator : Maps.map(statement.get("Condition")).entrySet()) {
                for (Map.Entry<String, Object> key : Maps.map(operator.getValue()).entrySet()) {
                    String value = sender.keys().get(key.getKey());
                    boolean listed = value != null && asList(key.getValue()).contains(value);
                    boolean holds = switch (operator.getKey()) {
                        case "ArnEquals" -> listed;
                        case "ArnNotEquals" -> !listed;
                        default -> throw new AssertionError("condition operator not evaluated here: " + operator);
                    };
                    if (!holds) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    @Test
    void snsSubscriptions_onePerTopic_rawDeliveryOff_fromUsEast1() {
        // WHEN
        List<CloudFormation.Resource> subscriptions = withProducts().ofType("AWS::SNS::Subscription");

        // THEN
        assertThat(subscriptions).extracting(s -> s.properties().get("TopicArn")).containsExactlyInAnyOrder(
                MARKETPLACE_TOPIC + "subscription-notification-prod1abc",
                MARKETPLACE_TOPIC + "subscription-notification-prod2def",
                MARKETPLACE_TOPIC + "entitlement-notification-prod2def");
        assertThat(subscriptions).allSatisfy(s -> assertThat(s.properties())
                .containsEntry("Protocol", "sqs")
                .containsEntry("Endpoint", "{NotificationsQueue.Arn}")
                .containsEntry("RawMessageDelivery", false)
                .containsEntry("Region", "us-east-1"));
        // the queue policy exists before SNS checks that it may deliver
        assertThat(subscriptions).allSatisfy(s -> assertThat(s.raw()).containsEntry("DependsOn", "NotificationsQueuePolicy"));
    }

    @Test
    void snsSubscriptions_noneWithoutProducts() {
        assertThat(deploy("us-east-1", Map.of()).ofType("AWS::SNS::Subscription")).isEmpty();
    }

    @Test
    void eventBridgeRule_routesAgreementEventsFromTheDefaultBus_toTheQueue_withItsOwnDeadLetterQueue() {
        // WHEN
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        Map<String, Object> rule = stack.resource("NotificationsRule").properties();
        Map<String, Object> target = Maps.map(Maps.list(rule.get("Targets")).get(0));

        // THEN
        assertThat(rule.get("EventBusName")).isEqualTo("default");
        assertThat(Maps.map(rule.get("EventPattern"))).containsOnlyKeys("source", "detail-type");
        assertThat(Maps.map(rule.get("EventPattern")).get("source")).isEqualTo(List.of(NotificationReader.EVENT_SOURCE));
        assertThat(rule.get("State")).isEqualTo("ENABLED");
        assertThat(Maps.list(rule.get("Targets"))).hasSize(1);
        assertThat(target.get("Arn")).isEqualTo("{NotificationsQueue.Arn}");
        assertThat(Maps.at(target, "DeadLetterConfig.Arn")).isEqualTo("{NotificationsRuleDeadLetterQueue.Arn}");
        assertThat(stack.resource("NotificationsRuleDeadLetterQueue").properties().get("QueueName"))
                .isEqualTo(SuiteQueues.NOTIFICATIONS + "-events-dlq");
        assertThat(writers(stack, "NotificationsRuleDeadLetterQueuePolicy", "{NotificationsRuleDeadLetterQueue.Arn}"))
                .isEqualTo(Map.of("events.amazonaws.com", Set.of("{NotificationsRule.Arn}")));
    }

    @Test
    void eventBridgeRule_routesExactlyTheDetailTypesEntitlementServiceActsOn() {
        // WHEN
        List<Object> detailTypes = Maps.list(Maps.at(deploy("us-east-1", Map.of()).resource("NotificationsRule")
                .properties(), "EventPattern.detail-type"));

        // THEN each handled event, from the manufacturer's side and (agreements) the proposer's, and nothing else:
        // an event the rule drops is lost to the service, one it lets through but the service ignores costs a read
        Set<String> expected = new TreeSet<>();
        for (String type : NotificationReader.HANDLED_DETAIL_TYPES) {
            expected.add(type + " - Manufacturer");
            if (type.startsWith("Purchase Agreement")) {
                expected.add(type + " - Proposer");
            }
        }
        assertThat(new TreeSet<>(detailTypes.stream().map(String::valueOf).toList())).isEqualTo(expected);
        assertThat(detailTypes).noneMatch(d -> NotificationReader.IGNORED_DETAIL_TYPES.stream()
                .anyMatch(ignored -> String.valueOf(d).startsWith(ignored + " - ")));
    }

    static Stream<Arguments> deadLetterQueues() {
        return Stream.of(Arguments.of("NotificationsDeadLetterQueue"), Arguments.of("CustomerEventsDeadLetterQueue"),
                Arguments.of("UsageDeadLetterQueue"), Arguments.of("MeteringCommandsDeadLetterQueue"),
                Arguments.of("NotificationsRuleDeadLetterQueue"));
    }

    @Test
    void everyDeadLetterQueue_hasAnAlarmOnItsFirstMessage() {
        // GIVEN every queue some other queue or the rule dead-letters into
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        Set<String> deadLetterQueues = new TreeSet<>();
        for (CloudFormation.Resource queue : stack.ofType("AWS::SQS::Queue")) {
            Object target = Maps.at(queue.properties(), "RedrivePolicy.deadLetterTargetArn");
            if (target != null) {
                deadLetterQueues.add(target.toString().replaceAll("^\\{(\\w+)\\.Arn}$", "$1"));
            }
        }
        Object ruleDlq = Maps.at(Maps.list(stack.resource("NotificationsRule").properties().get("Targets")).get(0),
                "DeadLetterConfig.Arn");
        deadLetterQueues.add(ruleDlq.toString().replaceAll("^\\{(\\w+)\\.Arn}$", "$1"));
        assertThat(deadLetterQueues).hasSize(5);

        for (String dlq : deadLetterQueues) {
            // WHEN its alarm is looked up by the queue it watches
            List<CloudFormation.Resource> alarms = alarmsOn(stack, "AWS/SQS", "QueueName", "{" + dlq + ".QueueName}");

            // THEN one alarm fires on the first visible message and notifies the alarm topic
            assertThat(alarms).as("alarm on %s", dlq).hasSize(1);
            Map<String, Object> alarm = alarms.get(0).properties();
            assertThat(alarm).containsEntry("MetricName", "ApproximateNumberOfMessagesVisible")
                    .containsEntry("ComparisonOperator", "GreaterThanThreshold").containsEntry("Threshold", 0)
                    .containsEntry("TreatMissingData", "notBreaching")
                    .containsEntry("AlarmActions", List.of("{Ref AlarmTopic}"));
        }
    }

    @Test
    void alarms_onTheOldestNotification_andTheRulesFailedInvocations() {
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());

        List<CloudFormation.Resource> age = alarmsOn(stack, "AWS/SQS", "QueueName", "{NotificationsQueue.QueueName}");
        assertThat(age).singleElement().satisfies(a -> assertThat(a.properties())
                .containsEntry("MetricName", "ApproximateAgeOfOldestMessage")
                .containsEntry("Threshold", TEMPLATE.parameterDefault("OldestNotificationAgeAlarmSeconds"))
                .containsEntry("ComparisonOperator", "GreaterThanThreshold"));
        List<CloudFormation.Resource> failed = alarmsOn(stack, "AWS/Events", "RuleName", "{Ref NotificationsRule}");
        assertThat(failed).singleElement().satisfies(a -> assertThat(a.properties())
                .containsEntry("MetricName", "FailedInvocations").containsEntry("Threshold", 0)
                .containsEntry("Statistic", "Sum"));
        // without the rule (outside us-east-1) no alarm names it
        assertThat(deploy("eu-west-1", Map.of()).ofType("AWS::CloudWatch::Alarm")).hasSize(5);
    }

    @Test
    void alarms_notifyTheGivenTopic_orOneTheStackCreates() {
        String onCall = "arn:aws:sns:us-east-1:" + ACCOUNT + ":on-call";
        CloudFormation.Stack own = deploy("us-east-1", Map.of("AlarmEmail", "oncall@example.com"));
        CloudFormation.Stack given = deploy("us-east-1", Map.of("AlarmTopicArn", onCall));

        assertThat(own.resource("AlarmEmailSubscription").properties()).containsEntry("Endpoint", "oncall@example.com");
        assertThat(own.output("AlarmTopicArn")).isEqualTo("{Ref AlarmTopic}");
        assertThat(given.exists("AlarmTopic")).isFalse();
        assertThat(given.ofType("AWS::CloudWatch::Alarm")).isNotEmpty().allSatisfy(a -> assertThat(a.properties())
                .containsEntry("AlarmActions", List.of(onCall)).containsEntry("OKActions", List.of(onCall)));
    }

    private static List<CloudFormation.Resource> alarmsOn(CloudFormation.Stack stack, String namespace,
            String dimension, String value) {
        return stack.ofType("AWS::CloudWatch::Alarm").stream()
                .filter(a -> namespace.equals(a.properties().get("Namespace")))
                .filter(a -> Maps.list(a.properties().get("Dimensions")).contains(Map.of("Name", dimension,
                        "Value", value))).toList();
    }

    @Test
    void secrets_areGenerated_andReadOnlyByTheSecretsReadersServiceAccount() throws IOException {
        // GIVEN
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        List<String> secrets = List.of("AppApiKeysSecret", "AdminApiKeysSecret", "OnboardingSigningSecret",
                "OnboardingCsrfSecret", "WebhookSecrets", "ConsoleSessionSecret", "OperatorKeysSecret");

        // THEN each secret is generated (never typed in), named under the stack
        for (String secret : secrets) {
            Map<String, Object> p = stack.resource(secret).properties();
            assertThat((String) p.get("Name")).startsWith("mpsaas/");
            assertThat(Maps.map(p.get("GenerateSecretString"))).containsEntry("ExcludePunctuation", true);
            assertThat((Integer) Maps.map(p.get("GenerateSecretString")).get("PasswordLength"))
                    .isGreaterThanOrEqualTo(48);
        }
        // AND the reader role may read exactly them, and only External Secrets' service account may assume it
        CloudFormation.Resource reader = stack.resource("SecretsReaderRole");
        assertThat(allowed(reader)).isEqualTo(flatten(List.of(grant(secrets.stream().map(s -> "{Ref " + s + "}")
                .toList(), "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"))));
        Map<String, Object> trust = Maps.map(JSON.readValue((String) reader.properties().get("AssumeRolePolicyDocument"),
                Map.class));
        assertThat(Maps.at(Maps.list(trust.get("Statement")).get(0), "Condition")).isEqualTo(Map.of("StringEquals",
                Map.of(OIDC + ":sub", "system:serviceaccount:mpsaas:" + TEMPLATE.parameterDefault(
                        "SecretsReaderServiceAccount"), OIDC + ":aud", "sts.amazonaws.com")));
        assertThat(deploy("us-east-1", Map.of("CreateSecrets", "false")).ofType("AWS::SecretsManager::Secret")).isEmpty();
    }

    @Test
    void fulfillmentWebAcl_isOptional_andBlocksAClientOverTheRate() {
        assertThat(deploy("us-east-1", Map.of()).exists("FulfillmentWebAcl")).as("off by default").isFalse();

        CloudFormation.Stack stack = deploy("us-east-1", Map.of("FulfillmentRateLimit", "300"));
        Map<String, Object> acl = stack.resource("FulfillmentWebAcl").properties();
        assertThat(acl).containsEntry("Scope", "REGIONAL").containsEntry("DefaultAction", Map.of("Allow", Map.of()));
        assertThat(Maps.list(acl.get("Rules"))).singleElement().satisfies(r -> {
            assertThat(Maps.at(r, "Action")).isEqualTo(Map.of("Block", Map.of()));
            assertThat(Maps.at(r, "Statement.RateBasedStatement")).isEqualTo(Map.of("Limit", "300",
                    "AggregateKeyType", "IP"));
        });
        assertThat(stack.output("FulfillmentWebAclArn")).isEqualTo("{FulfillmentWebAcl.Arn}");
    }

    @Test
    void roles_allowExactlyTheCallsTheServicesMake() {
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        for (Map.Entry<String, List<Grant>> role : CALLS.entrySet()) {
            // WHEN
            Set<String> allowed = allowed(stack.resource(role.getKey()));

            // THEN nothing missing, nothing more
            Set<String> expected = flatten(role.getValue());
            assertThat(difference(expected, allowed)).as("%s lacks", role.getKey()).isEmpty();
            assertThat(difference(allowed, expected)).as("%s allows more than the service calls", role.getKey()).isEmpty();
        }
    }

    @Test
    void roles_useNoWildcardExceptForTheMarketplaceApis() {
        CloudFormation.Stack stack = deploy("us-east-1", Map.of("KedaOperatorRoleArn",
                "arn:aws:iam::" + ACCOUNT + ":role/keda-operator", "LegacyMeteringRecordsTableName", "AWSMarketplaceMeteringRecords"));
        for (CloudFormation.Resource role : stack.ofType("AWS::IAM::Role")) {
            for (String grant : allowed(role)) {
                String action = grant.substring(0, grant.indexOf(' '));
                String resource = grant.substring(grant.indexOf(" on ") + 4);
                assertThat(action).as("%s: %s", role.logicalId(), grant).doesNotContain("*");
                if (resource.equals("*")) {
                    assertThat(action).as("%s: %s", role.logicalId(), grant).startsWith("aws-marketplace:");
                }
            }
        }
    }

    @Test
    void legacyMeteringRecordsTable_isReachableOnlyWhenNamed() {
        // GIVEN
        Set<String> legacy = flatten(List.of(LEGACY_CALLS));

        // WHEN
        Set<String> off = allowed(deploy("us-east-1", Map.of()).resource("MeteringRole"));
        Set<String> on = allowed(deploy("us-east-1", Map.of("LegacyMeteringRecordsTableName",
                "AWSMarketplaceMeteringRecords")).resource("MeteringRole"));

        // THEN
        assertThat(off).doesNotContainAnyElementsOf(legacy);
        assertThat(difference(on, off)).isEqualTo(legacy);
    }

    @Test
    void roles_trustOnlyTheirServicesKubernetesServiceAccount() throws IOException {
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        for (Map.Entry<String, String> role : SERVICE_ACCOUNTS.entrySet()) {
            // WHEN the trust policy (a JSON string, its condition keys made from the OIDC provider) is read
            Object document = stack.resource(role.getKey()).properties().get("AssumeRolePolicyDocument");
            Map<String, Object> trust = Maps.map(JSON.readValue((String) document, Map.class));
            List<Object> statements = Maps.list(trust.get("Statement"));

            // THEN
            assertThat(statements).as(role.getKey()).hasSize(1);
            Map<String, Object> statement = Maps.map(statements.get(0));
            assertThat(statement).containsEntry("Effect", "Allow")
                    .containsEntry("Action", "sts:AssumeRoleWithWebIdentity")
                    .containsEntry("Principal", Map.of("Federated", "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + OIDC));
            assertThat(statement.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of(
                    OIDC + ":sub", "system:serviceaccount:mpsaas:" + role.getValue(),
                    OIDC + ":aud", "sts.amazonaws.com")));
        }
    }

    @Test
    void kedaOperatorRole_isCreatedByDefault_forKedasServiceAccount_andOnlyReadsTheScaledQueuesDepth()
            throws IOException {
        // WHEN
        CloudFormation.Stack stack = deploy("us-east-1", Map.of());
        CloudFormation.Resource role = stack.resource("KedaOperatorRole");

        // THEN the charts' default authentication (identityOwner=keda) has a role to use
        assertThat(allowed(role)).isEqualTo(flatten(List.of(grant(queues("NotificationsQueue", "UsageQueue"),
                "sqs:GetQueueAttributes"))));
        Map<String, Object> trust = Maps.map(JSON.readValue((String) role.properties().get("AssumeRolePolicyDocument"),
                Map.class));
        assertThat(Maps.at(Maps.list(trust.get("Statement")).get(0), "Condition")).isEqualTo(Map.of("StringEquals",
                Map.of(OIDC + ":sub", "system:serviceaccount:keda:keda-operator", OIDC + ":aud", "sts.amazonaws.com")));
        assertThat(stack.output("KedaOperatorRoleArn")).isEqualTo("{KedaOperatorRole.Arn}");
        assertThat(deploy("us-east-1", Map.of("KedaServiceAccount", "")).exists("KedaOperatorRole")).isFalse();
    }

    @Test
    void kedaScalerRole_onlyReadsTheDepthOfTheScaledQueues() {
        // GIVEN
        String keda = "arn:aws:iam::" + ACCOUNT + ":role/keda-operator";

        // WHEN
        CloudFormation.Stack without = deploy("us-east-1", Map.of());
        CloudFormation.Resource role = deploy("us-east-1", Map.of("KedaOperatorRoleArn", keda)).resource("KedaScalerRole");

        // THEN
        assertThat(without.exists("KedaScalerRole")).isFalse();
        assertThat(deploy("us-east-1", Map.of("KedaOperatorRoleArn", keda)).exists("KedaOperatorRole"))
                .as("an operator role of its own, or the scaler role it assumes: not both").isFalse();
        assertThat(allowed(role)).isEqualTo(flatten(List.of(grant(queues("NotificationsQueue", "UsageQueue"),
                "sqs:GetQueueAttributes"))));
        assertThat(Maps.list(Maps.at(role.properties(), "AssumeRolePolicyDocument.Statement"))).containsExactly(
                Map.of("Effect", "Allow", "Principal", Map.of("AWS", keda), "Action", "sts:AssumeRole"));
    }

    @Test
    void helmSetFlags_giveEachServiceItsRole() {
        Object flags = deploy("us-east-1", Map.of()).output("HelmSetFlags");

        assertThat(flags.toString().split("\\s+")).containsExactly(
                "--set", "onboarding-service.serviceAccount.roleArn={OnboardingRole.Arn}",
                "--set", "entitlement-service.serviceAccount.roleArn={EntitlementRole.Arn}",
                "--set", "metering-service.serviceAccount.roleArn={MeteringRole.Arn}");
    }

    /** Who may send to a queue, by service principal, with the source ARNs each is restricted to. */
    private static Map<String, Set<String>> writers(CloudFormation.Stack stack, String policyId, String queueArn) {
        Map<String, Object> policy = stack.resource(policyId).properties();
        Map<String, Set<String>> writers = new HashMap<>();
        for (Object s : Maps.list(Maps.at(policy, "PolicyDocument.Statement"))) {
            Map<String, Object> statement = Maps.map(s);
            if (!"Allow".equals(statement.get("Effect"))) {
                continue;
            }
            assertThat(statement.get("Action")).as("%s may only send", policyId).isEqualTo("sqs:SendMessage");
            assertThat(statement.get("Resource")).isEqualTo(queueArn);
            Object service = Maps.at(statement, "Principal.Service");
            assertThat(service).as("%s: an Allow for a service principal only: %s", policyId, statement)
                    .isInstanceOf(String.class);
            Object sources = Maps.at(statement, "Condition.ArnEquals.aws:SourceArn");
            assertThat(sources).as("%s: %s is not limited to a source ARN", policyId, service).isNotNull();
            assertThat(Maps.map(statement.get("Condition"))).as("%s: only the ArnEquals condition", policyId)
                    .containsOnlyKeys("ArnEquals");
            List<Object> arns = sources instanceof List<?> ? Maps.list(sources) : List.of(sources);
            writers.computeIfAbsent((String) service, k -> new TreeSet<>())
                    .addAll(arns.stream().map(String::valueOf).toList());
        }
        return writers;
    }

    /** A role's inline policies as "action on resource". */
    private static Set<String> allowed(CloudFormation.Resource role) {
        Set<String> allowed = new TreeSet<>();
        for (Object policy : Maps.list(role.properties().get("Policies"))) {
            for (Object s : Maps.list(Maps.at(policy, "PolicyDocument.Statement"))) {
                Map<String, Object> statement = Maps.map(s);
                assertThat(statement.get("Effect")).as("%s", role.logicalId()).isEqualTo("Allow");
                for (Object action : asList(statement.get("Action"))) {
                    for (Object resource : asList(statement.get("Resource"))) {
                        allowed.add(action + " on " + resource);
                    }
                }
            }
        }
        return allowed;
    }

    private static Set<String> flatten(List<Grant> grants) {
        Set<String> out = new TreeSet<>();
        for (Grant grant : grants) {
            for (String action : grant.actions()) {
                for (String resource : grant.resources()) {
                    out.add(action + " on " + resource);
                }
            }
        }
        return out;
    }

    private static List<Object> asList(Object value) {
        return value instanceof List<?> ? Maps.list(value) : List.of(value);
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
