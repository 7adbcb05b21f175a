package io.mpsaas.common.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WebhookAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254", "127.0.0.1",
        "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
        "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:127.0.0.1"})
    void refusal_namesEveryNonPublicAddress(String literal) throws Exception {
        assertThat(WebhookAddresses.refusal(InetAddress.getByName(literal))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111"})
    void refusal_isNull_forPublicAddresses(String literal) throws Exception {
        assertThat(WebhookAddresses.refusal(InetAddress.getByName(literal))).isNull();
    }

    @Test
    void check_refusesHttp_privateAndLinkLocalHosts_andUserInfo() {
        assertThatThrownBy(() -> WebhookAddresses.check("http://93.184.215.14/hook", false))
                .hasMessageContaining("must be https");
        assertThatThrownBy(() -> WebhookAddresses.check("https://169.254.169.254/latest/meta-data", false))
                .hasMessageContaining("link-local");
        assertThatThrownBy(() -> WebhookAddresses.check("https://10.0.0.5/hook", true))
                .hasMessageContaining("private");
        assertThatThrownBy(() -> WebhookAddresses.check("https://[::1]/hook", false))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> WebhookAddresses.check("https://user:pw@93.184.215.14/hook", false))
                .hasMessageContaining("user info");
        assertThatThrownBy(() -> WebhookAddresses.check("ftp://93.184.215.14/hook", true))
                .hasMessageContaining("must be https");
    }

    @Test
    void check_allowsLoopback_inLocalModeOnly_andHttpsToAPublicAddress() {
        assertThat(WebhookAddresses.check("http://127.0.0.1:8100/webhooks", true).getPort()).isEqualTo(8100);
        assertThatThrownBy(() -> WebhookAddresses.check("http://127.0.0.1:8100/webhooks", false))
                .isInstanceOf(WebhookAddresses.RefusedEndpointException.class);
        // http is for loopback only, even in local mode
        assertThatThrownBy(() -> WebhookAddresses.check("http://93.184.215.14/hook", true))
                .hasMessageContaining("only to loopback");
        assertThat(WebhookAddresses.check("https://93.184.215.14/hook", false).getHost()).isEqualTo("93.184.215.14");
    }
}
