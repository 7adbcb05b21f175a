package io.mpsaas.metering.rest;

import io.mpsaas.metering.domain.UsageRecordInput;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/usage}: the records of one report. */
public record UsageBatch(@Schema(required = true, minItems = 1) List<UsageRecordInput> records) {
}
