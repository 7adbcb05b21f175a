package io.mpsaas.metering.rest;

import io.mpsaas.metering.domain.UsageRecordInput;
import java.util.List;

/** Body of {@code POST /v1/usage}: the records of one report. */
public record UsageBatch(List<UsageRecordInput> records) {
}
