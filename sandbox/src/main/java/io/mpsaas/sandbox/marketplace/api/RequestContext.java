package io.mpsaas.sandbox.marketplace.api;

import java.time.Instant;

/** Per-call facts the operations need: AWS request id and the simulator time the call arrived. */
record RequestContext(String requestId, Instant now) { }
