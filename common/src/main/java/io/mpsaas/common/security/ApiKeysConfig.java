package io.mpsaas.common.security;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * {@code suite.api.*}: the keys that open the suite's JSON APIs. Sent as {@code Authorization: Bearer <key>} or
 * {@code X-Api-Key: <key>}. With no key configured every protected call is refused: nothing anonymous can read
 * customers or create a bill.
 */
@ConfigMapping(prefix = "suite.api")
public interface ApiKeysConfig {

    /** Keys of the seller's application (role APP); from a Kubernetes Secret in production. */
    Optional<List<String>> keys();

    /** Keys of operators (role ADMIN, which includes APP). */
    Optional<List<String>> adminKeys();
}
