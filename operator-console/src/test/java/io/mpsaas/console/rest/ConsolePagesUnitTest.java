package io.mpsaas.console.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.assertj.core.groups.Tuple;
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

    @Test
    void agreementTerms_sayWhoOfferedIt_andNameTheChannelPartnerOfACppo() {
        Instant start = Instant.parse("2026-11-22T06:30:00Z");
        var cppo = new io.mpsaas.console.client.EntitlementAdmin.AgreementTerms("agmt-1", "prod-1", "CPPO",
                "444455556666", "ACTIVE", start, start.plus(Duration.ofDays(365)), false, null,
                "contract P12M (seats=8); does not auto-renew", start);

        assertThat(ConsolePages.agreement(cppo)).extracting(ConsoleViews.Field::label, ConsoleViews.Field::value)
                .contains(Tuple.tuple("Offer type", "Channel partner's private offer (CPPO)"),
                        Tuple.tuple("Channel partner account", "444455556666"),
                        Tuple.tuple("Status", "ACTIVE"),
                        Tuple.tuple("Ends", ConsolePages.time(start.plus(Duration.ofDays(365)))),
                        Tuple.tuple("Auto-renew", "Off"),
                        Tuple.tuple("Terms", "contract P12M (seats=8); does not auto-renew"));

        var own = new io.mpsaas.console.client.EntitlementAdmin.AgreementTerms("agmt-2", "prod-1", "SELLER", null,
                "ACTIVE", start, null, null, start.plus(Duration.ofDays(30)), "free trial P30D", start);
        assertThat(ConsolePages.agreement(own)).extracting(ConsoleViews.Field::label, ConsoleViews.Field::value)
                .contains(Tuple.tuple("Offer type", "The seller's own offer (public or private not known)"),
                        Tuple.tuple("Ends", "No end (pay as you go)"),
                        Tuple.tuple("Auto-renew", "No renewal term"),
                        Tuple.tuple("Free trial ends",
                                ConsolePages.time(start.plus(Duration.ofDays(30)))))
                .extracting(t -> t.toArray()[0]).doesNotContain("Channel partner account");
        assertThat(ConsolePages.agreement(null)).isEmpty();

        // the Catalog API's answer, as entitlement-service stores it
        var publicOffer = new io.mpsaas.console.client.EntitlementAdmin.AgreementTerms("agmt-3", "prod-1", "PUBLIC",
                null, "ACTIVE", start, null, null, null, "usage", start);
        var privateOffer = new io.mpsaas.console.client.EntitlementAdmin.AgreementTerms("agmt-4", "prod-1",
                "PRIVATE", null, "ACTIVE", start, null, null, null, "usage", start);
        assertThat(ConsolePages.agreement(publicOffer)).extracting(ConsoleViews.Field::label, ConsoleViews.Field::value)
                .contains(Tuple.tuple("Offer type", "Public offer"));
        assertThat(ConsolePages.agreement(privateOffer)).extracting(ConsoleViews.Field::label, ConsoleViews.Field::value)
                .contains(Tuple.tuple("Offer type", "Private offer"));
    }
}
