package io.mpsaas.console.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsolePagesUnitTest {

    @Test
    void aStateName_isMadeReadable_whateverTheState() {
        assertThat(ConsolePages.stateLabel("FREE_TRIAL")).isEqualTo("Free trial");
        assertThat(ConsolePages.stateLabel("ACTIVE")).isEqualTo("Active");
        assertThat(ConsolePages.stateLabel("SOME_STATE_ADDED_LATER")).isEqualTo("Some state added later");
        assertThat(ConsolePages.stateLabel(null)).isEqualTo("Unknown");
        assertThat(ConsolePages.badge("ACTIVE", true).css()).isEqualTo("ok");
        assertThat(ConsolePages.badge("UNSUBSCRIBED", false).css()).isEqualTo("bad");
    }

    @Test
    void aQuantity_saysWhatItIsMadeOf_includingUsageCarriedFromSentHours() {
        assertThat(ConsolePages.quantityNote(1, 0)).isEqualTo("1 record");
        assertThat(ConsolePages.quantityNote(3, 2)).isEqualTo("3 records, 2 carried from sent hours");
        assertThat(ConsolePages.quantityNote(0, 0)).isNull();
    }

    @Test
    void durations_readAsMinutesHoursOrDays() {
        assertThat(ConsolePages.humanize(Duration.ofMinutes(42))).isEqualTo("42 min");
        assertThat(ConsolePages.humanize(Duration.ofMinutes(150))).isEqualTo("2 h 30 min");
        assertThat(ConsolePages.humanize(Duration.ofDays(3))).isEqualTo("3 days");
    }

    @Test
    void aBackLink_isOnlyAConsolePageOfThisSite() {
        ConsolePaths paths = new ConsolePaths("/");
        assertThat(paths.back("/console/failures", ConsolePaths.FAILURES)).isEqualTo("/console/failures");
        assertThat(paths.back("/console/usage?key=license%23l-1", ConsolePaths.FAILURES))
                .isEqualTo("/console/usage?key=license%23l-1");
        for (String evil : new String[] {"https://evil.example/console/x", "//evil.example/console/",
                "/console//evil.example", "/elsewhere", null}) {
            assertThat(paths.back(evil, ConsolePaths.FAILURES)).as(evil).isEqualTo("/console/failures");
        }
    }
}
