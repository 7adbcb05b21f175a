package io.mpsaas.console.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the console lets a long identifier wrap. */
class TokenBreaksTest {

    @Test
    void breakable_putsABreakAfterEachSeparator_neverInsideAnId() {
        assertThat(TokenBreaks.breakable("license#arn:aws:license-manager::123456789012:license:l-0abc").getValue())
                .isEqualTo("license#<wbr>arn:<wbr>aws:<wbr>license-manager:<wbr>:<wbr>123456789012:<wbr>license:<wbr>"
                        + "l-0abc");
        assertThat(TokenBreaks.breakable("CUSTOMER_NOT_SUBSCRIBED").getValue())
                .isEqualTo("CUSTOMER_<wbr>NOT_<wbr>SUBSCRIBED");
    }

    @Test
    void breakable_escapesWhatItShows_andAnswersEmptyForNothing() {
        assertThat(TokenBreaks.breakable("<b>\"a\"&'b'</b>").getValue())
                .isEqualTo("&lt;b&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/<wbr>b&gt;");
        assertThat(TokenBreaks.breakable(null).getValue()).isEmpty();
        assertThat(TokenBreaks.breakable("ends:").getValue()).isEqualTo("ends:");
    }
}
