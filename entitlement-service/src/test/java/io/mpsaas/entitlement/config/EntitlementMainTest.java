package io.mpsaas.entitlement.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The entry point makes room for more idle HTTP connections per endpoint, unless the operator set a number. */
class EntitlementMainTest {

    @Test
    void keepAliveConnections_areRaisedFromTheJdksFive_whenNobodySetThem() {
        // GIVEN a JVM started without http.maxConnections
        Properties system = new Properties();

        // WHEN the service starts
        EntitlementMain.keepAliveConnections(system);

        // THEN the keep-alive cache may hold 64 idle connections per endpoint
        assertThat(system.getProperty("http.maxConnections")).isEqualTo("64");
    }

    @Test
    void keepAliveConnections_setByTheOperator_areLeftAlone() {
        // GIVEN an operator's -Dhttp.maxConnections=12
        Properties system = new Properties();
        system.setProperty("http.maxConnections", "12");

        // WHEN the service starts
        EntitlementMain.keepAliveConnections(system);

        // THEN it stays 12
        assertThat(system.getProperty("http.maxConnections")).isEqualTo("12");
    }
}
