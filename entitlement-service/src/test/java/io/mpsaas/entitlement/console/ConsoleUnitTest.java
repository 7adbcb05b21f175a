package io.mpsaas.entitlement.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.entitlement.config.EntitlementConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The console's small rules: what a search text is, page cursors, where a login may lead, the start-up checks. */
class ConsoleUnitTest {

    @Test
    void search_recognisesIdsByTheirShape_andKeepsAnExplicitChoice() {
        assertThat(SearchQuery.of("arn:aws:license-manager::111122223333:license:l-0abc", "").resolved())
                .isEqualTo(SearchQuery.Kind.LICENSE);
        assertThat(SearchQuery.of("l-0123456789abcdef", null).resolved()).isEqualTo(SearchQuery.Kind.LICENSE);
        assertThat(SearchQuery.of(" 111122223333 ", "").resolved()).isEqualTo(SearchQuery.Kind.ACCOUNT);
        assertThat(SearchQuery.of("license#l-1", "").resolved()).isEqualTo(SearchQuery.Kind.CUSTOMER_KEY);
        assertThat(SearchQuery.of("customer#prod#AbC", "").resolved()).isEqualTo(SearchQuery.Kind.CUSTOMER_KEY);
        assertThat(SearchQuery.of("Acme Corp", "").resolved()).isEqualTo(SearchQuery.Kind.ANY);
        assertThat(SearchQuery.of("111122223333", "company").resolved()).isEqualTo(SearchQuery.Kind.COMPANY);
        assertThat(SearchQuery.of("x", "customer-identifier").resolved())
                .isEqualTo(SearchQuery.Kind.CUSTOMER_IDENTIFIER);
    }

    @Test
    void search_refusesEmptyOverlongAndUnknownInput_withAReadableMessage() {
        assertThatThrownBy(() -> SearchQuery.of("  ", "")).isInstanceOf(ConsoleInputException.class)
                .hasMessage("Enter something to search for.");
        assertThatThrownBy(() -> SearchQuery.of("x".repeat(301), "")).isInstanceOf(ConsoleInputException.class);
        assertThatThrownBy(() -> SearchQuery.of("a\u0000b", "")).isInstanceOf(ConsoleInputException.class);
        assertThatThrownBy(() -> SearchQuery.of("x", "email")).isInstanceOf(ConsoleInputException.class);
    }

    @Test
    void aPageCursor_readsBackAsTheStartKey_onlyForTheListItWasMadeFor() {
        Map<String, AttributeValue> item = Map.of(SuiteTables.PK, Attr.s("customer#p1#Abc"), SuiteTables.SK,
                Attr.s("CUSTOMER"), SuiteTables.GSI2_PK, Attr.s("product#p1"), SuiteTables.GSI2_SK,
                Attr.s("customer#p1#Abc"));

        String byProduct = CustomerDirectory.encodeCursor(item, true);
        String all = CustomerDirectory.encodeCursor(item, false);

        assertThat(CustomerDirectory.decodeCursor(byProduct, "p1")).isEqualTo(item);
        assertThat(CustomerDirectory.decodeCursor(all, null)).containsOnlyKeys(SuiteTables.PK, SuiteTables.SK);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor(byProduct, "p2"))
                .isInstanceOf(ConsoleInputException.class);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor(byProduct, null))
                .isInstanceOf(ConsoleInputException.class);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor("!!!", null))
                .isInstanceOf(ConsoleInputException.class);
        assertThatThrownBy(() -> CustomerDirectory.decodeCursor(CustomerDirectory.encodeCursor(Map.of(SuiteTables.PK,
                Attr.s("agreement#a-1"), SuiteTables.SK, Attr.s("AGREEMENT")), false), null))
                .isInstanceOf(ConsoleInputException.class);
    }

    @Test
    void afterLogin_goesOnlyToAConsolePageOfThisSite() {
        ConsolePaths paths = new ConsolePaths("/");
        assertThat(paths.afterLogin("/console/customer?key=license%23l-1")).isEqualTo(
                "/console/customer?key=license%23l-1");
        assertThat(paths.afterLogin("/console")).isEqualTo("/console");
        for (String bad : new String[] {null, "", "https://evil.example/console/", "//evil.example/console/x",
                "/console/../x", "/console/login?next=/x", "/consolex", "/console/\\evil", "/console/a b"}) {
            assertThat(paths.afterLogin(bad)).as(bad).isEqualTo("/console/customers");
        }
        assertThat(new ConsolePaths("/ops/").afterLogin("/ops/console/failures")).isEqualTo("/ops/console/failures");
    }

    @Test
    void startupChecks_refuseAMissingOrDevelopmentSecretInProduction_andNothingWhenTheConsoleIsOff() {
        assertThat(ConsoleStartupCheck.problems(console(true, null), false)).singleElement().asString()
                .contains("session-secret");
        assertThat(ConsoleStartupCheck.problems(console(true, "too-short"), false)).hasSize(1);
        String dev = ConsoleStartupCheck.DEV_SECRET_PREFIX + "entitlement-console-secret-not-for-production";
        assertThat(ConsoleStartupCheck.problems(console(true, dev), false)).isEmpty();
        assertThat(ConsoleStartupCheck.problems(console(true, dev), true)).singleElement().asString()
                .contains("development secret");
        assertThat(ConsoleStartupCheck.problems(console(true, "r4nd0m-r4nd0m-r4nd0m-r4nd0m-r4nd0m-r4nd0m"), true))
                .isEmpty();
        assertThat(ConsoleStartupCheck.problems(console(false, null), true)).isEmpty();
    }

    /** The console's settings with their defaults, but these two. */
    private static EntitlementConfig.Console console(boolean enabled, String secret) {
        return (EntitlementConfig.Console) Proxy.newProxyInstance(ConsoleUnitTest.class.getClassLoader(),
                new Class<?>[] {EntitlementConfig.Console.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "enabled" -> enabled;
                    case "sessionSecret" -> Optional.ofNullable(secret);
                    case "sessionTtl" -> Duration.ofMinutes(30);
                    case "sessionMaxAge" -> Duration.ofHours(8);
                    case "cookieForceSecure" -> false;
                    case "meteringIndexShards" -> 4;
                    case "maxItemsPerPage" -> 2000;
                    default -> 50;
                });
    }

    @Test
    void aggregateDeadline_isTheSameAsMeteringServices_24HoursOr0600OnTheFirst() {
        assertThat(UsageReader.deadline(Instant.parse("2026-11-22T06:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(UsageReader.deadline(Instant.parse("2026-11-30T23:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
    }
}
