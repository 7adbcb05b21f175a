package io.mpsaas.common.config;

import io.mpsaas.common.dynamo.SuiteTables;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code suite.tables.*}: DynamoDB table names, shared by the three services; defaults match deploy/aws. */
@ConfigMapping(prefix = "suite.tables")
public interface TablesConfig {

    /** Customers: landing, registration, subscription state and entitlements. */
    @WithDefault(SuiteTables.CUSTOMERS)
    String customers();

    /** Processed notifications (dedupe by message id) and the customer event log. */
    @WithDefault(SuiteTables.INBOX)
    String inbox();

    /** Usage: idempotency keys, hourly aggregates, metering claims and results. */
    @WithDefault(SuiteTables.USAGE)
    String usage();
}
