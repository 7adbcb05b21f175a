package io.mpsaas.console.client;

import io.mpsaas.console.config.ConsoleConfig;
import jakarta.enterprise.inject.spi.CDI;

/** The {@code Authorization} header of the console's calls to the admin APIs: {@code suite.console.admin-key}. */
public final class AdminKey {

    private AdminKey() {
    }

    /** {@code Bearer <admin key>}; the services refuse the call (401) when the key is missing. */
    public static String bearer() {
        return "Bearer " + CDI.current().select(ConsoleConfig.class).get().adminKey().orElse("");
    }
}
