package io.mpsaas.metering.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.persistence.SampleMeteringTable;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Migration path for users of the AWS sample: reads the pending rows its app writes into
 * {@code AWSMarketplaceMeteringRecords}, ingests each {@code dimension_usage} entry as usage of the row's hour (with
 * an idempotency key derived from the row, so a crash and re-read never counts twice), and only then marks the row
 * done the way the sample does.
 */
@ApplicationScoped
public class SampleTableMigration {

    /** What one pass did. */
    public record Report(int rows, int accepted, int duplicates, int rejected, int rowsLeftPending) {
    }

    private final SampleMeteringTable sample;
    private final UsageIngestion ingestion;
    private final ObjectMapper mapper;
    private final MeteringConfig.Migration config;

    public SampleTableMigration(SampleMeteringTable sample, UsageIngestion ingestion, ObjectMapper mapper,
            MeteringConfig config) {
        this.sample = sample;
        this.ingestion = ingestion;
        this.mapper = mapper;
        this.config = config.migration();
    }

    /** Reads every pending row, page by page. */
    public Report run() {
        if (config.productCode().isEmpty()) {
            Log.errorf("suite.metering.migration.product-code is not set: the rows of %s name no product; skipping",
                    config.table());
            return new Report(0, 0, 0, 0, 0);
        }
        String productCode = config.productCode().get();
        int rows = 0;
        int accepted = 0;
        int duplicates = 0;
        int rejected = 0;
        int left = 0;
        Iterator<SampleMeteringTable.Row> pending = sample.pending().iterator();
        while (pending.hasNext()) {
            SampleMeteringTable.Row row = pending.next();
            rows++;
            List<UsageOutcome> outcomes = ingestion.ingest(records(row, productCode),
                    UsageIngestion.SOURCE_MIGRATION);
            boolean failed = outcomes.isEmpty() || outcomes.stream().anyMatch(UsageOutcome::rejected);
            for (UsageOutcome o : outcomes) {
                switch (o.status()) {
                    case ACCEPTED -> accepted++;
                    case DUPLICATE -> duplicates++;
                    case REJECTED -> rejected++;
                }
            }
            if (!sample.markDone(row, response(outcomes), failed)) {
                left++;
            }
            if (failed) {
                Log.warnf("Row of customerIdentifier %s, product %s at %s of %s: %s", row.customerIdentifier(),
                        productCode, row.createTimestamp(), config.table(), outcomes);
            }
        }
        Report report = new Report(rows, accepted, duplicates, rejected, left);
        if (rows > 0) {
            Log.infof("Read %s: %s", config.table(), report);
        }
        return report;
    }

    private static List<UsageRecordInput> records(SampleMeteringTable.Row row, String productCode) {
        String timestamp = timestamp(row.createTimestamp());
        List<UsageRecordInput> records = new ArrayList<>();
        for (int i = 0; i < row.usage().size(); i++) {
            SampleMeteringTable.DimensionUsage u = row.usage().get(i);
            String key = "aws-sample:" + row.customerIdentifier() + ":" + row.createTimestamp() + ":" + i + ":"
                    + u.dimension();
            records.add(new UsageRecordInput(null, null, row.customerIdentifier(), productCode, u.dimension(),
                    u.value(), timestamp, null, key));
        }
        return records;
    }

    /** The sample stores "UNIX timestamp in UTC"; apps write seconds or milliseconds, both are read. */
    static String timestamp(String createTimestamp) {
        if (createTimestamp == null) {
            return null;
        }
        BigDecimal value = new BigDecimal(createTimestamp);
        return value.compareTo(BigDecimal.valueOf(100_000_000_000L)) > 0 ? value.movePointLeft(3).toPlainString()
                : value.toPlainString();
    }

    private String response(List<UsageOutcome> outcomes) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("migratedTo", "metering-service");
        response.put("results", outcomes);
        try {
            return mapper.writeValueAsString(response);
        } catch (JsonProcessingException e) {
            return "{\"migratedTo\":\"metering-service\"}";
        }
    }
}
