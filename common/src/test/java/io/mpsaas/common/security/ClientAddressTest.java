package io.mpsaas.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static InetAddress ip(String literal) {
        return ClientAddress.literal(literal).orElseThrow();
    }

    @Test
    void anIpv6Client_isKeyedByIts64_anIpv4ClientByItsWholeAddress() {
        assertThat(ClientAddress.key(ip("2001:db8:1:2:aaaa::1"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.key(ip("2001:db8:1:3::1"))).isEqualTo("2001:db8:1:3::/64");
        assertThat(ClientAddress.key(ip("198.51.100.7"))).isEqualTo("198.51.100.7");
        // an IPv4-mapped IPv6 address is the IPv4 client
        assertThat(ClientAddress.key(ip("::ffff:198.51.100.7"))).isEqualTo("198.51.100.7");
    }

    @Test
    void forwardedFor_isIgnored_unlessThePeerIsATrustedProxy() {
        List<ClientAddress.Cidr> none = List.of();
        assertThat(ClientAddress.clientKey(ip("203.0.113.5"), List.of("198.51.100.7"), none)).isEqualTo("203.0.113.5");

        List<ClientAddress.Cidr> vpc = ClientAddress.cidrs("x", Optional.of(List.of("10.0.0.0/16")));
        // a client outside the VPC claiming another address: not believed
        assertThat(ClientAddress.clientKey(ip("203.0.113.5"), List.of("198.51.100.7"), vpc)).isEqualTo("203.0.113.5");
        // the ALB (10.0.3.4) appended the client; whatever the client wrote before it is ignored
        assertThat(ClientAddress.clientKey(ip("10.0.3.4"), List.of("192.0.2.1, 198.51.100.7"), vpc))
                .isEqualTo("198.51.100.7");
        // several trusted hops, several headers: the rightmost untrusted entry
        assertThat(ClientAddress.clientKey(ip("10.0.3.4"), List.of("192.0.2.1", "198.51.100.7, 10.0.9.9"), vpc))
                .isEqualTo("198.51.100.7");
        // an IPv6 client behind the ALB, keyed by /64
        assertThat(ClientAddress.clientKey(ip("10.0.3.4"), List.of("2001:db8:1:2::99"), vpc))
                .isEqualTo("2001:db8:1:2::/64");
        // no header, or garbage at the right: the proxy itself (never a name looked up)
        assertThat(ClientAddress.clientKey(ip("10.0.3.4"), List.of(), vpc)).isEqualTo("10.0.3.4");
        assertThat(ClientAddress.clientKey(ip("10.0.3.4"), List.of("198.51.100.7, evil.example"), vpc))
                .isEqualTo("10.0.3.4");
    }

    @Test
    void cidrs_acceptAddressesAndNetworks_andNameTheSettingOfABadEntry() {
        List<ClientAddress.Cidr> cidrs = ClientAddress.cidrs("s", Optional.of(List.of("10.0.0.0/8", "192.0.2.7",
                "2001:db8::/32")));
        assertThat(cidrs).hasSize(3);
        assertThat(cidrs.get(0).contains(ip("10.255.0.1"))).isTrue();
        assertThat(cidrs.get(0).contains(ip("11.0.0.1"))).isFalse();
        assertThat(cidrs.get(1).contains(ip("192.0.2.7"))).isTrue();
        assertThat(cidrs.get(1).contains(ip("192.0.2.8"))).isFalse();
        assertThat(cidrs.get(2).contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(cidrs.get(2).contains(ip("10.0.0.1"))).isFalse();
        assertThatThrownBy(() -> ClientAddress.cidrs("suite.onboarding.trusted-proxies",
                Optional.of(List.of("alb.internal")))).hasMessageContaining("suite.onboarding.trusted-proxies")
                .hasMessageContaining("alb.internal");
        assertThatThrownBy(() -> ClientAddress.cidrs("s", Optional.of(List.of("10.0.0.0/33"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
